//! The one error type of the tool: every variant names the problem and the flag or step that fixes it.

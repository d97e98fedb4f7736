//! Per-revision Python environments.

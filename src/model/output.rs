//! Where results go and how they are shown.
use std::path::PathBuf;

/// Report format on stdout (`--format`, `format`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Terminal,
    Json,
    Markdown,
    Junit,
}

/// Where results go and how they are shown.
#[derive(Debug, Clone)]
pub struct Output {
    pub dir: PathBuf,
    pub label: Option<String>,
    pub format: Format,
    /// `--output FILE`: the formatted report goes there, the terminal report to stdout.
    pub file: Option<PathBuf>,
    pub color: bool,
    pub progress: bool,
    pub quiet: bool,
    /// Length of the top lists.
    pub top: usize,
    /// `--svg FILE`.
    pub svg: Option<PathBuf>,
}

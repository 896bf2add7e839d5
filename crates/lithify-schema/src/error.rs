//! The crate's errors. The fold has none (it never fails: what it cannot
//! follow becomes a note); reading configuration and schema files can fail.

use std::fmt;
use std::path::{Path, PathBuf};

/// A diesel.toml or schema.rs that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    /// An error about `path` (at `line`).
    pub fn at(path: &Path, line: Option<u32>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display().to_string().replace('\\', "/");
        match self.line {
            Some(line) => write!(f, "{path}:{line}: {}", self.message),
            None => write!(f, "{path}: {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

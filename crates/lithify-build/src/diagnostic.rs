//! Diagnostics: what is wrong, where, and the command that fixes it.
//! Rendered like rustc's so they read naturally in `cargo build` output.

use std::fmt;
use std::path::PathBuf;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Information, e.g. a skipped file.
    Note,
    /// Allowed, but worth attention (e.g. an unsealed draft).
    Warning,
    /// Fails the build.
    Error,
}

/// One finding about the migrations directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// One-line description of what is wrong.
    pub message: String,
    /// The file (or directory) it is about, relative to the crate when possible.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`, when known.
    pub line: Option<u32>,
    /// Further lines of explanation (`= note: ...`).
    pub notes: Vec<String>,
    /// How to fix it, ideally a command (`= help: ...`).
    pub help: Vec<String>,
}

/// A list of diagnostics; compiling fails when any is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostic {
    /// A new error.
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, message)
    }

    /// A new warning.
    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, message)
    }

    /// A new note.
    pub fn note(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Note, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.into(),
            file: None,
            line: None,
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    /// Attach the file it is about.
    pub fn at(mut self, file: impl Into<PathBuf>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }

    /// Attach a 1-based line number.
    pub fn line(mut self, line: u32) -> Diagnostic {
        self.line = Some(line);
        self
    }

    /// Add an explanatory note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Add a fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        writeln!(f, "{level}: {}", self.message)?;
        if let Some(file) = &self.file {
            // Forward slashes keep output (and snapshots) identical on every platform.
            let shown = file.display().to_string().replace('\\', "/");
            match self.line {
                Some(line) => writeln!(f, "  --> {shown}:{line}")?,
                None => writeln!(f, "  --> {shown}")?,
            }
        }
        for note in &self.notes {
            writeln!(f, "   = note: {note}")?;
        }
        for help in &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

impl Diagnostics {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Add one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

//! Diagnostics: what is wrong, where, and the command that fixes it.
//! Rendered like rustc's so they read naturally in `cargo build` output.
//!
//! Many of the same warning are one summary: a warning or note that belongs
//! to a [`Group`] (an unsealed draft, a skipped entry) is shown, when there
//! are several of its kind, as one line that counts them, names the first
//! few and gives their shared fix ([`Diagnostics::summarised`]). A directory
//! of 285 drafts is one line in `cargo build`, not 1,140. Errors are never
//! summarised: each one must be fixed where it is.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use lithify_core::listing::first_few;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// The kind of finding it is, when several of the kind make one summary
    /// (boxed: most diagnostics have none, and errors travel in `Result`s).
    pub group: Option<Box<Group>>,
}

/// Which kind of finding a warning or note is, for [`Diagnostics::summarised`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// What several of them are, as a plural phrase that follows their count
    /// (`revisions are not sealed (drafts)`). Findings of one severity with
    /// the same phrase are one kind.
    pub plural: String,
    /// What this one is about (an id, a path), named in the summary.
    pub item: String,
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
            group: None,
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

    /// Make it one of a kind that several of are shown as one summary:
    /// `plural` says what several are (`revisions are not sealed (drafts)`),
    /// `item` which one this is.
    pub fn grouped(mut self, plural: impl Into<String>, item: impl Into<String>) -> Diagnostic {
        self.group = Some(Box::new(Group {
            plural: plural.into(),
            item: item.into(),
        }));
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

    /// The warnings and notes only (what a successful compile reports).
    pub fn without_errors(&self) -> Diagnostics {
        Diagnostics(
            self.0
                .iter()
                .filter(|d| d.severity < Severity::Error)
                .cloned()
                .collect(),
        )
    }

    /// These diagnostics with every kind of warning or note that occurs more
    /// than once replaced by one summary line, where its first one was: how
    /// many, the first few items, what they all share (notes, fixes), and
    /// `list_hint`, how to list every one (`set LITHIFY_VERBOSE=1 ...`).
    /// Errors and ungrouped diagnostics stay as they are.
    pub fn summarised(&self, list_hint: &str) -> Diagnostics {
        let mut kinds: HashMap<(Severity, &str), Vec<&Diagnostic>> = HashMap::new();
        for d in &self.0 {
            if let Some(key) = summary_key(d) {
                kinds.entry(key).or_default().push(d);
            }
        }
        let mut out = Diagnostics::default();
        for d in &self.0 {
            let Some(key) = summary_key(d) else {
                out.push(d.clone());
                continue;
            };
            match kinds.remove(&key) {
                Some(kind) if kind.len() > 1 => out.push(summary(key, &kind, list_hint)),
                Some(_) => out.push(d.clone()),
                // A later one of a kind: it is in the summary its first one made.
                None => {}
            }
        }
        out
    }
}

/// The kind a diagnostic is summarised under; `None` for errors and
/// ungrouped ones.
fn summary_key(d: &Diagnostic) -> Option<(Severity, &str)> {
    match &d.group {
        Some(group) if d.severity < Severity::Error => Some((d.severity, group.plural.as_str())),
        _ => None,
    }
}

/// One line for several diagnostics of a kind: `285 revisions are not
/// sealed (drafts): a, b, c, d, e and 280 more; <shared notes and fixes>
/// (<list_hint>)`.
fn summary(
    (severity, plural): (Severity, &str),
    group: &[&Diagnostic],
    list_hint: &str,
) -> Diagnostic {
    let items: Vec<&str> = group
        .iter()
        .filter_map(|d| d.group.as_ref().map(|g| g.item.as_str()))
        .collect();
    let mut message = format!("{} {plural}: {}", group.len(), first_few(&items));
    let shared = |lines: fn(&Diagnostic) -> &Vec<String>| -> Vec<String> {
        let first = group.first().map_or(&[][..], |d| lines(d).as_slice());
        first
            .iter()
            .filter(|line| group.iter().all(|d| lines(d).contains(line)))
            .cloned()
            .collect()
    };
    for line in shared(|d| &d.notes).iter().chain(&shared(|d| &d.help)) {
        message.push_str("; ");
        message.push_str(line);
    }
    message.push_str(&format!(" ({list_hint})"));
    Diagnostic::new(severity, message)
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

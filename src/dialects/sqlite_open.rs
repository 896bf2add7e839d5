//! Why a SQLite database file could not be opened, in words a user can act
//! on. SQLite itself only says "unable to open database file", naming
//! neither the path it tried nor the reason.
//!
//! The checks only look (metadata, opening an existing file, creating and
//! at once removing a probe file in the directory): nothing the user has is
//! changed.

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The reason `path` did not open, with SQLite's own `message`, and what
/// `other_reading` (another common reading of the URL) would have found.
pub(crate) fn why_not_opened(path: &Path, other_reading: Option<&Path>, message: &str) -> String {
    let resolved = resolved(path);
    let mut reason = match cause(&resolved) {
        Some(cause) => format!("cannot open {}: {cause}", resolved.display()),
        None => format!("cannot open {}: {message}", resolved.display()),
    };
    if let Some(other) = other_reading.filter(|p| p.is_file()) {
        reason.push_str(&format!(
            "\n  note: {} exists: the URL was read as {} (as diesel reads it); to use {} instead, write `sqlite://{}` or just the path",
            resolved_text(other),
            path.display(),
            other.display(),
            other.display()
        ));
    }
    reason
}

/// The cause that can be seen from outside SQLite, if any.
fn cause(path: &Path) -> Option<String> {
    if path.is_dir() {
        return Some("it is a directory, not a database file".to_owned());
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty())?;
    if !dir.is_dir() {
        return Some(format!(
            "the directory {} does not exist (SQLite creates a database file, not its directory: `mkdir -p {}`)",
            dir.display(),
            dir.display()
        ));
    }
    if path.exists() {
        return match OpenOptions::new().read(true).write(true).open(path) {
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                Some("permission denied: this user may not read and write the file".to_owned())
            }
            _ => None,
        };
    }
    match probe(dir) {
        Err(e) if e.kind() == ErrorKind::PermissionDenied => Some(format!(
            "permission denied: this user may not create files in {}, where SQLite must create the database",
            dir.display()
        )),
        _ => None,
    }
}

/// Create and remove a file in `dir`: whether this user may create the
/// database there.
fn probe(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".lithify-probe-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

/// `path` made absolute against the working directory, `.` components
/// dropped (nothing else: `..` may cross a symlink).
fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path))
    };
    absolute
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}

fn resolved_text(path: &Path) -> String {
    resolved(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_is_named() {
        let tmp = tempfile::tempdir().expect("tmp");
        let db = tmp.path().join("data").join("app.db");
        let why = why_not_opened(&db, None, "unable to open database file");
        assert!(
            why.contains(&format!(
                "the directory {} does not exist",
                tmp.path().join("data").display()
            )),
            "{why}"
        );
    }

    #[test]
    fn a_directory_in_the_files_place() {
        let tmp = tempfile::tempdir().expect("tmp");
        let why = why_not_opened(tmp.path(), None, "unable to open database file");
        assert!(why.contains("it is a directory"), "{why}");
    }

    #[test]
    fn the_other_reading_is_named_only_when_it_finds_a_file() {
        let tmp = tempfile::tempdir().expect("tmp");
        let other = tmp.path().join("app.db");
        let missing = Path::new("/nonexistent-lithify-dir/app.db");
        let why = why_not_opened(missing, Some(&other), "x");
        assert!(!why.contains("exists"), "{why}");
        std::fs::write(&other, b"").expect("file");
        let why = why_not_opened(missing, Some(&other), "x");
        assert!(
            why.contains(&format!("{} exists", other.display())),
            "{why}"
        );
    }

    #[test]
    fn relative_paths_are_resolved_against_the_working_directory() {
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(
            resolved(Path::new("./data/app.db")),
            cwd.join("data/app.db")
        );
        assert_eq!(
            resolved(Path::new("/./data/app.db")),
            Path::new("/data/app.db")
        );
    }
}

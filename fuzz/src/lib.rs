//! Helpers shared by the fuzz targets: turning fuzz input into a migrations
//! directory on disk, so the targets reach the parsers the way `cargo build`
//! does (through the files a user writes).

use std::path::{Path, PathBuf};

/// A scratch directory per fuzzing process, emptied before every input.
/// Under /dev/shm where it exists: writing files is most of a directory
/// target's cost, and memory makes it cheap.
pub struct ScratchDir {
    root: PathBuf,
}

impl ScratchDir {
    /// `lithify-fuzz-<pid>` under /dev/shm, or the temp dir.
    pub fn new() -> ScratchDir {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        ScratchDir {
            root: base.join(format!("lithify-fuzz-{}", std::process::id())),
        }
    }

    /// The directory, emptied (a fuzz target must not depend on the
    /// previous input).
    pub fn fresh(&self) -> &Path {
        let _ = std::fs::remove_dir_all(&self.root);
        std::fs::create_dir_all(&self.root).expect("scratch directory");
        &self.root
    }
}

impl Default for ScratchDir {
    fn default() -> Self {
        ScratchDir::new()
    }
}

/// Write the entries of `data` under `dir`. `data` is a list of entries
/// separated by NUL bytes, each `path\nbytes`: the path (at most two
/// components, `revision/file` or a top-level name, each kept to the
/// characters a migrations directory can hold) then the file's raw bytes. A
/// path ending in `/` makes a directory. Inputs that are not that shape
/// still make some files, so every byte string is a valid input.
pub fn write_tree(dir: &Path, data: &[u8]) {
    for entry in data.split(|b| *b == 0).take(64) {
        let (path, body) = match entry.iter().position(|b| *b == b'\n') {
            Some(at) => (&entry[..at], &entry[at + 1..]),
            None => (entry, &[][..]),
        };
        let Some(path) = safe_path(path) else {
            continue;
        };
        let full = dir.join(&path.0);
        if path.1 {
            let _ = std::fs::create_dir_all(&full);
            continue;
        }
        if let Some(parent) = full.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&full, body);
    }
}

/// `(relative path, is a directory)`: at most two non-empty components of
/// letters, digits, `-`, `_`, `.` (not `.` or `..`) and space, so nothing
/// is written outside the scratch directory.
fn safe_path(raw: &[u8]) -> Option<(PathBuf, bool)> {
    let text = std::str::from_utf8(raw).ok()?;
    let is_dir = text.ends_with('/');
    let parts: Vec<&str> = text.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.len() > 2 {
        return None;
    }
    let ok = |p: &str| {
        p != "."
            && p != ".."
            && p.len() <= 64
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_. ".contains(c))
    };
    if !parts.iter().all(|p| ok(p)) {
        return None;
    }
    Some((parts.iter().collect(), is_dir))
}

//! Shared helpers: migrations directories built in temporary directories, and
//! snapshot assertions stored in the workspace's `snapshots/`.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use lithify_build::{Builder, Diagnostics};
use tempfile::TempDir;

/// Snapshot `$value` as `snapshots/build__<name>.snap`.
#[macro_export]
macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(concat!("build__", $name), $value);
        })
    };
}

/// A migrations directory at `<tempdir>/migrations`.
pub struct Fixture {
    pub tmp: TempDir,
    pub dir: PathBuf,
}

impl Fixture {
    pub fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("migrations");
        fs::create_dir(&dir).expect("mkdir");
        Fixture { tmp, dir }
    }

    /// Write `rel` (relative to the migrations directory), creating parents.
    pub fn file(&self, rel: &str, content: impl AsRef<[u8]>) -> &Fixture {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, content).expect("write");
        self
    }

    /// A revision directory with `up.sql` and `down.sql`.
    pub fn rev(&self, dir_name: &str, up: &str, down: &str) -> &Fixture {
        self.file(&format!("{dir_name}/up.sql"), up);
        self.file(&format!("{dir_name}/down.sql"), down)
    }

    /// A revision with explicit metadata.
    pub fn rev_meta(&self, dir_name: &str, up: &str, meta: &str) -> &Fixture {
        self.rev(dir_name, up, "-- nothing\n");
        self.file(&format!("{dir_name}/metadata.toml"), meta)
    }

    pub fn remove(&self, rel: &str) {
        let path = self.dir.join(rel);
        if path.is_dir() {
            fs::remove_dir_all(path).expect("rm -r");
        } else {
            fs::remove_file(path).expect("rm");
        }
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.join(rel)).expect("read")
    }

    pub fn builder(&self) -> Builder {
        Builder::new(&self.dir)
    }

    /// Diagnostics as rendered, with the temporary directory's path removed so
    /// that paths read `migrations/...` as in a crate.
    pub fn render(&self, diags: &Diagnostics) -> String {
        redact(self.tmp.path(), &diags.to_string())
    }

    /// The compile errors, rendered; panics when compiling succeeds.
    pub fn errors(&self, builder: Builder) -> String {
        match builder.compile() {
            Ok(_) => panic!("expected the directory not to compile"),
            Err(diags) => self.render(&diags),
        }
    }
}

pub fn redact(tmp: &Path, text: &str) -> String {
    let prefix = format!("{}/", tmp.display());
    text.replace(&prefix, "")
}

/// A small valid chain: companies then jobs.
pub fn two_revisions(f: &Fixture) {
    f.rev(
        "2024-01-01-000000_create_companies",
        "CREATE TABLE companies (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE companies;\n",
    );
    f.rev(
        "2024-01-02-000000_create_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE jobs;\n",
    );
}

//! Helpers shared by the server tests (tests/postgres.rs, tests/mysql.rs,
//! tests/adopt.rs): fixture migration directories, compiled migrators, the
//! `lithify` binary, and one throw-away database per test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lithify::Migrator;
use lithify_build::Builder;

/// The reference job-board chain of this repository.
pub fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// Compile `dir` like a build script would and make a quiet migrator of it.
pub fn migrator_for(dir: &Path) -> Migrator {
    let chain = match Builder::new(dir).compile() {
        Ok(chain) => chain,
        Err(diags) => panic!("{} does not compile:\n{diags}", dir.display()),
    };
    Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true)
}

/// A database name no other test (or test run) uses.
pub fn unique_name(tag: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "lithify_{tag}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// `base` (scheme://user@host:port[/db][?...]) pointing at database `name`.
pub fn url_with_database(base: &str, name: &str) -> String {
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    format!("{scheme}://{}/{name}", &rest[..end])
}

/// `url` with `password` put in its user info (trust auth ignores it).
pub fn url_with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    match rest.split_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or(user);
            format!("{scheme}://{user}:{password}@{host}")
        }
        None => url.to_owned(),
    }
}

/// A migrations directory in a temporary directory, written revision by revision.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Add revision directory `name` with `files` (file name, contents).
    pub fn revision(self, name: &str, files: &[(&str, &str)]) -> Fixture {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).expect("revision dir");
        for (file, text) in files {
            std::fs::write(dir.join(file), text).expect("revision file");
        }
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn migrator(&self) -> Migrator {
        migrator_for(self.path())
    }
}

/// `lithify --dir DIR --database-url URL ARGS...` as a command.
pub fn lithify(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lithify"));
    cmd.arg("--dir")
        .arg(dir)
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run the `lithify` binary to completion.
pub fn run_lithify(dir: &Path, url: &str, args: &[&str]) -> Output {
    lithify(dir, url, args).output().expect("run lithify")
}

/// Start the `lithify` binary.
pub fn spawn_lithify(dir: &Path, url: &str, args: &[&str]) -> Child {
    lithify(dir, url, args).spawn().expect("spawn lithify")
}

/// stdout and stderr of a finished process, for assertions and messages.
pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Poll `f` every 50 ms until it is true or `limit` passes; returns its last value.
pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if f() {
            return true;
        }
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How many processes' output reports running revision `id` (not skipping it).
pub fn times_ran(outputs: &[Output], id: &str) -> usize {
    let needle = format!("-> {id}:");
    outputs
        .iter()
        .flat_map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| {
                    l.starts_with("upgrade ") && l.contains(&needle) && !l.contains("skipped")
                })
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .count()
}

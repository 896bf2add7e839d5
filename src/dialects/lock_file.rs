//! SQLite's run-wide migration lock: an exclusive advisory lock on a file
//! beside the database, `<database>-lithify-lock` (`flock` on Unix,
//! `LockFileEx` on Windows, through std's `File::try_lock`).
//!
//! Why a file: SQLite has no lock that outlives a transaction. Serialising
//! migrators per revision transaction (`BEGIN IMMEDIATE`) let a second
//! migrator plan while a first one was between revisions, so it saw a
//! non-transactional revision of the first one half done and refused it as
//! "left started", and every revision paid a re-check for the case. One lock
//! held from before the bookkeeping is read until after the last step, as on
//! PostgreSQL and MySQL, removes both.
//!
//! The kernel releases the lock when its holder exits, however it exits, so
//! a killed migrator never leaves it held. The file itself stays, like
//! SQLite's own `-journal`: removing it while another migrator waits on the
//! open file would let a third one lock a new file of the same name.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{BackendError, LOCK_FILE_SUFFIX};

/// How often a waiting migrator retries the lock.
const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// The lock file of the SQLite database file `database`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(LOCK_FILE_SUFFIX);
    PathBuf::from(name)
}

/// A held lock; dropping it closes the file, which releases the lock.
#[derive(Debug)]
pub struct LockFile {
    // Held for its drop: closing the file releases the lock.
    _file: File,
}

/// Take the lock of the SQLite database file `database`, waiting up to
/// `timeout` for another holder.
pub fn acquire(database: &Path, timeout: Duration) -> Result<LockFile, BackendError> {
    let path = lock_path(database);
    let io_error = |source| BackendError::LockFile {
        path: path.clone(),
        source,
    };
    let file = open(&path, database).map_err(io_error)?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => {
                // Only for a waiter's timeout message; the lock does not depend on it.
                let _ = record_holder(&file);
                return Ok(LockFile { _file: file });
            }
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(source)) => return Err(io_error(source)),
        }
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(BackendError::LockTimeout {
                waited,
                holder: describe_holder(&path),
            });
        }
        std::thread::sleep(POLL_INTERVAL.min(timeout - waited));
    }
}

/// Open (or create) the lock file. Locking needs no write access, so a
/// lock file another user created, which this one may only read, still
/// serves; only the holder's note for waiters is then not written.
fn open(path: &Path, database: &Path) -> std::io::Result<File> {
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    match opened {
        Ok(file) => {
            share_permissions(&file, database);
            Ok(file)
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => File::open(path),
        Err(e) => Err(e),
    }
}

/// Give the lock file the database's permissions, as SQLite does for its
/// journal: whoever may write the database may take its lock. Best effort
/// (only the file's owner may change them, and then only once matters).
fn share_permissions(file: &File, database: &Path) {
    if let Ok(meta) = std::fs::metadata(database) {
        let _ = file.set_permissions(meta.permissions());
    }
}

/// Write `pid=<pid> since=<unix seconds>` into the file we hold.
fn record_holder(mut file: &File) -> std::io::Result<()> {
    let since = unix_seconds();
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "pid={} since={since}", std::process::id())?;
    file.flush()
}

/// Seconds since the Unix epoch (0 on a clock set before it).
fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Who holds the lock, from what the holder wrote (best effort: the holder
/// may not have written it yet, or have just let go).
fn describe_holder(path: &Path) -> String {
    let mut text = String::new();
    let read = File::open(path).and_then(|mut f| f.read_to_string(&mut text));
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let holder = match (read, field("pid"), field("since")) {
        (Ok(_), Some(pid), Some(since)) => {
            let held = unix_seconds().saturating_sub(since);
            format!("held by process {pid} for {held} s")
        }
        _ => "held by another process".to_owned(),
    };
    format!("{holder} (lock file {})", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_times_out_naming_the_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("app.db");
        assert!(lock_path(&db).ends_with("app.db-lithify-lock"));
        let first = acquire(&db, Duration::from_secs(1)).expect("first lock");
        let err = acquire(&db, Duration::from_millis(100)).expect_err("second must wait");
        let message = err.to_string();
        assert!(
            message.contains(&format!("held by process {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("app.db-lithify-lock"), "{message}");
        drop(first);
        acquire(&db, Duration::from_millis(100)).expect("free again once dropped");
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_file_gets_the_database_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("shared.db");
        std::fs::write(&db, b"").expect("database file");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o660)).expect("chmod");
        drop(acquire(&db, Duration::from_millis(100)).expect("lock"));
        let mode = std::fs::metadata(lock_path(&db))
            .expect("lock file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o660);
    }

    #[test]
    fn an_unwritable_place_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("missing-dir").join("app.db");
        let err = acquire(&db, Duration::from_millis(10)).expect_err("no directory");
        assert!(err.to_string().contains("missing-dir"), "{err}");
    }
}

//! Database URLs: parsing, where they come from, and how they are shown.
//!
//! Accepted: a file path, `sqlite://path` / `sqlite:path`, or a SQLite
//! `file:` URI (SQLite), `postgres://` / `postgresql://` (PostgreSQL, libpq
//! syntax) and `mysql://` (or `mariadb://`, MySQL/MariaDB). A build without
//! an engine says so instead of treating its URL as a file name.
//!
//! `sqlite://` is followed by the path as diesel reads it: `sqlite://app.db`
//! is relative, `sqlite:///srv/app.db` absolute. SQLAlchemy (and so Alembic
//! projects' `.env` files) reads `sqlite:///app.db` as relative instead; the
//! other reading is kept ([`DatabaseUrl::Sqlite::other_reading`]) so that
//! when the file cannot be opened the error can say where the other reading
//! would have found one. A `file:` URI goes to SQLite whole, so its
//! parameters (`file:data/app.db?mode=rwc`) are SQLite's, not part of the
//! file name.
//!
//! A URL may carry a password, so it is never shown as given: `Display` and
//! `Debug` of [`DatabaseUrl`], and every error, go through [`redact`].

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite database file (created when missing).
    Sqlite {
        /// The file path, as given (for a `file:` URI, its path part, decoded).
        path: PathBuf,
        /// The `file:` URI as given, when it was one: SQLite opens it as a
        /// URI, so its parameters (`?mode=rwc`) apply.
        uri: Option<String>,
        /// Where another common reading of the URL puts the file
        /// (`sqlite:///app.db`: SQLAlchemy's relative `app.db`), named by
        /// the error when `path` cannot be opened.
        other_reading: Option<PathBuf>,
    },
    /// A PostgreSQL server (`postgres://user:password@host:port/db?...`).
    Postgres {
        /// The URL as libpq takes it. Never print it: use `Display`.
        url: String,
    },
    /// A MySQL or MariaDB server (`mysql://user:password@host:port/db`).
    Mysql {
        /// The URL as diesel's MySQL connection takes it (`mysql://` scheme).
        /// Never print it: use `Display`.
        url: String,
    },
}

/// A database URL lithify cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UrlError {
    /// A known engine whose support is not in this build.
    #[error("`{url}` is a {engine} URL, but this build of lithify has no {engine} support (enable the `{feature}` feature)")]
    EngineUnavailable {
        /// The URL, password hidden.
        url: String,
        /// Engine name.
        engine: &'static str,
        /// The cargo feature that adds it.
        feature: &'static str,
    },
    /// A scheme lithify does not know.
    #[error("`{url}` has scheme `{scheme}`, which lithify does not know (use a file path or sqlite://path)")]
    UnknownScheme {
        /// The URL, password hidden.
        url: String,
        /// The scheme.
        scheme: String,
    },
    /// `sqlite://` with nothing after it.
    #[error("`{0}` names no database file")]
    Empty(String),
    /// `.env` exists but could not be read, or a line of it does not parse.
    #[error("cannot read DATABASE_URL from {}: {problem}; fix the file, or pass `--database-url URL`", path.display())]
    DotEnv {
        /// The `.env` file.
        path: PathBuf,
        /// What is wrong, by line (never the line's text).
        problem: String,
    },
}

impl DatabaseUrl {
    /// Parse a URL or path.
    pub fn parse(url: &str) -> Result<DatabaseUrl, UrlError> {
        let url = url.trim();
        if let Some((scheme, rest)) = split_scheme(url) {
            return match scheme.to_ascii_lowercase().as_str() {
                "sqlite" => sqlite(url, rest),
                "file" => sqlite_uri(url, rest),
                "postgres" | "postgresql" if cfg!(feature = "postgres") => {
                    Ok(DatabaseUrl::Postgres {
                        url: url.to_owned(),
                    })
                }
                "postgres" | "postgresql" => Err(unavailable(url, "PostgreSQL", "postgres")),
                // diesel's MySQL client only knows the `mysql` scheme.
                "mysql" | "mariadb" if cfg!(feature = "mysql") => Ok(DatabaseUrl::Mysql {
                    url: format!("mysql:{rest}"),
                }),
                "mysql" | "mariadb" => Err(unavailable(url, "MySQL", "mysql")),
                other => Err(UrlError::UnknownScheme {
                    url: redact(url),
                    scheme: other.to_owned(),
                }),
            };
        }
        sqlite(url, url)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite { uri: Some(uri), .. } => f.write_str(uri),
            DatabaseUrl::Sqlite { path, .. } => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } | DatabaseUrl::Mysql { url } => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    /// Same as Display: a URL with a password must never reach a log, even via `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl DatabaseUrl {
    /// What SQLite is given to open a [`DatabaseUrl::Sqlite`]: the `file:`
    /// URI as written, else the path. `None` for a server URL.
    pub fn sqlite_open_text(&self) -> Option<String> {
        match self {
            DatabaseUrl::Sqlite { uri: Some(uri), .. } => Some(uri.clone()),
            DatabaseUrl::Sqlite { path, .. } => Some(path.to_string_lossy().into_owned()),
            _ => None,
        }
    }
}

/// A path, or `sqlite:` + `rest`: diesel's reading (`//` then the path),
/// with the other common one kept (module docs).
fn sqlite(url: &str, rest: &str) -> Result<DatabaseUrl, UrlError> {
    let path = rest.strip_prefix("//").unwrap_or(rest);
    if path.is_empty() {
        return Err(UrlError::Empty(redact(url)));
    }
    let other_reading = if !rest.starts_with("//") {
        None
    } else if let Some(relative) = path.strip_prefix('/').filter(|p| !p.starts_with('/')) {
        // `sqlite:///app.db`: SQLAlchemy's relative `app.db`.
        Some(PathBuf::from(relative))
    } else if !path.starts_with('/') {
        // `sqlite://srv/app.db`: meant as `/srv/app.db`?
        Some(Path::new("/").join(path))
    } else {
        None
    };
    Ok(DatabaseUrl::Sqlite {
        path: PathBuf::from(path),
        uri: None,
        other_reading: other_reading.filter(|p| !p.as_os_str().is_empty()),
    })
}

/// A SQLite `file:` URI (`rest` follows `file:`): kept whole for SQLite,
/// its path part (after an empty or `localhost` authority, before `?`/`#`,
/// percent-decoded) as the file. An in-memory one (`file::memory:`,
/// `mode=memory`) has no file; SQLite reports it so to the lock.
fn sqlite_uri(url: &str, rest: &str) -> Result<DatabaseUrl, UrlError> {
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let mut path = &rest[..end];
    if let Some(after) = path.strip_prefix("//") {
        path = after.find('/').map_or("", |slash| &after[slash..]);
    }
    if path.is_empty() {
        return Err(UrlError::Empty(redact(url)));
    }
    Ok(DatabaseUrl::Sqlite {
        path: PathBuf::from(percent_decoded(path)),
        uri: Some(url.to_owned()),
        other_reading: None,
    })
}

/// `%XX` escapes decoded, as SQLite decodes a URI's path; a malformed one
/// is kept as written.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unavailable(url: &str, engine: &'static str, feature: &'static str) -> UrlError {
    UrlError::EngineUnavailable {
        url: redact(url),
        engine,
        feature,
    }
}

/// `scheme:rest` when `url` starts with a URL scheme. A Windows drive letter
/// (`C:\db.sqlite`) is a path, not a scheme, hence the two-character minimum.
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once(':')?;
    let valid = scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some((scheme, rest))
}

/// `url` with any password replaced by `***` (`postgres://me:***@host/db`).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

/// `text` (typically an engine's error message about `url`) with the URL's
/// password replaced by `***` wherever it occurs, in case the engine echoes it.
pub fn scrub(text: &str, url: &str) -> String {
    match password(url) {
        Some(pw) if !pw.is_empty() => text.replace(pw, "***"),
        _ => text.to_owned(),
    }
}

/// The password part of `scheme://user:password@host...`, if any.
fn password(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (userinfo, _) = authority.rsplit_once('@')?;
    userinfo.split_once(':').map(|(_, pw)| pw)
}

/// The database URL to use: `flag` if given, else `DATABASE_URL` from the
/// environment, else `DATABASE_URL` from `.env` in `dir`, read by dotenvy
/// as diesel's CLI reads it. `None` when none of them gives one; an error
/// when `.env` cannot be read or parsed before `DATABASE_URL` is found.
pub fn resolve(flag: Option<String>, dir: &Path) -> Result<Option<String>, UrlError> {
    if let Some(url) = flag {
        return Ok(Some(url));
    }
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|v| !v.is_empty()) {
        return Ok(Some(url));
    }
    let path = dir.join(".env");
    match std::fs::read_to_string(&path) {
        Ok(text) => dotenv_value(&text, "DATABASE_URL")
            .map_err(|problem| UrlError::DotEnv { path, problem }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(UrlError::DotEnv {
            path,
            problem: e.to_string(),
        }),
    }
}

/// The value of `key` in `.env` text, with dotenvy's rules (diesel's CLI
/// reads `.env` with it): `KEY=value` or `export KEY=value`, single quotes
/// taken literally, double quotes with `\` escapes, `#` comments,
/// `${OTHER}` substitution. The first definition wins, as when dotenvy
/// loads the file. A line that does not parse before `key` is found is an
/// error naming its line (and never its text, which may hold a password).
pub fn dotenv_value(text: &str, key: &str) -> Result<Option<String>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((k, value)) if k == key => return Ok(Some(value)),
            Ok(_) => {}
            Err(dotenvy::Error::LineParse(line, at)) => {
                let number = text
                    .find(line.as_str())
                    .map_or(0, |offset| text[..offset].matches('\n').count() + 1);
                return Err(format!(
                    "line {number} does not parse (at character {}): write `KEY=value`, quoting a value that holds spaces or `#`",
                    at + 1
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, other: Option<&str>) -> Result<DatabaseUrl, UrlError> {
        Ok(DatabaseUrl::Sqlite {
            path: path.into(),
            uri: None,
            other_reading: other.map(PathBuf::from),
        })
    }

    #[test]
    fn paths_and_sqlite_urls() {
        let p = |s: &str| DatabaseUrl::parse(s);
        assert_eq!(p("jobs.db"), file("jobs.db", None));
        assert_eq!(p("sqlite:jobs.db"), file("jobs.db", None));
        // diesel's reading, with the other one kept for the error.
        assert_eq!(p("sqlite://jobs.db"), file("jobs.db", Some("/jobs.db")));
        assert_eq!(p("sqlite:///tmp/a.db"), file("/tmp/a.db", Some("tmp/a.db")));
        assert_eq!(
            p("sqlite:///./data/app.db"),
            file("/./data/app.db", Some("./data/app.db"))
        );
        assert_eq!(p("sqlite:////srv/a.db"), file("//srv/a.db", None));
        assert_eq!(p("C:\\x.db"), file("C:\\x.db", None));
        assert!(matches!(p("sqlite://"), Err(UrlError::Empty(_))));
        assert!(matches!(
            p("redis://x"),
            Err(UrlError::UnknownScheme { .. })
        ));
    }

    #[test]
    fn file_uris_go_to_sqlite_whole() {
        let p = |s: &str| DatabaseUrl::parse(s).expect(s);
        let uri = p("file:data/app.db?mode=rwc");
        assert_eq!(
            uri,
            DatabaseUrl::Sqlite {
                path: "data/app.db".into(),
                uri: Some("file:data/app.db?mode=rwc".to_owned()),
                other_reading: None,
            }
        );
        assert_eq!(
            uri.sqlite_open_text().as_deref(),
            Some("file:data/app.db?mode=rwc")
        );
        assert_eq!(uri.to_string(), "file:data/app.db?mode=rwc");
        let absolute = p("file:///srv/my%20app.db?cache=shared");
        assert!(
            matches!(absolute, DatabaseUrl::Sqlite { ref path, .. } if path == Path::new("/srv/my app.db"))
        );
        let local = p("file://localhost/srv/a.db");
        assert!(
            matches!(local, DatabaseUrl::Sqlite { ref path, .. } if path == Path::new("/srv/a.db"))
        );
        assert!(matches!(
            DatabaseUrl::parse("file:?mode=memory"),
            Err(UrlError::Empty(_))
        ));
        assert_eq!(p("jobs.db").sqlite_open_text().as_deref(), Some("jobs.db"));
    }

    #[test]
    fn passwords_never_shown() {
        assert_eq!(
            redact("postgres://me:s3cret@db:5432/app"),
            "postgres://me:***@db:5432/app"
        );
        assert_eq!(redact("postgres://me@db/app"), "postgres://me@db/app");
        assert_eq!(redact("jobs.db"), "jobs.db");
        // An error without the postgres feature, a URL with it: hidden either way.
        let shown = match DatabaseUrl::parse("postgres://me:s3cret@db/app") {
            Ok(url) => format!("{url} {url:?}"),
            Err(e) => e.to_string(),
        };
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn server_urls_hide_their_password() {
        let text = "postgres://me:s3cret@db:5432/app";
        let parsed = DatabaseUrl::parse(text);
        if cfg!(feature = "postgres") {
            let url = parsed.as_ref().map(ToString::to_string);
            assert_eq!(url.as_deref(), Ok("postgres://me:***@db:5432/app"));
            let debug = format!("{parsed:?}");
            assert!(!debug.contains("s3cret"), "{debug}");
        }
        if cfg!(feature = "mysql") {
            let parsed = DatabaseUrl::parse("mariadb://root:pw%40x@h/db");
            assert_eq!(
                parsed,
                Ok(DatabaseUrl::Mysql {
                    url: "mysql://root:pw%40x@h/db".to_owned()
                })
            );
            let shown = parsed.map(|u| u.to_string()).unwrap_or_default();
            assert!(!shown.contains("pw%40x"), "{shown}");
        }
        assert_eq!(scrub("auth failed for s3cret", text), "auth failed for ***");
        assert_eq!(
            scrub("no password here", "postgres://me@db/app"),
            "no password here"
        );
    }

    #[test]
    fn dotenv_lines() {
        let value = |text: &str| dotenv_value(text, "DATABASE_URL");
        let text = "# comment\nFOO=1\nexport DATABASE_URL=\"sqlite://a.db\"\n";
        assert_eq!(value(text), Ok(Some("sqlite://a.db".to_owned())));
        assert_eq!(
            value("DATABASE_URL=b.db # dev"),
            Ok(Some("b.db".to_owned()))
        );
        assert_eq!(value("X=1"), Ok(None));
        // dotenvy's quoting: single quotes literal, double quotes escape.
        assert_eq!(
            value("DATABASE_URL='postgres://u:p\\$x@h/db'"),
            Ok(Some("postgres://u:p\\$x@h/db".to_owned()))
        );
        assert_eq!(
            value("DATABASE_URL=\"a \\\"b\\\".db\""),
            Ok(Some("a \"b\".db".to_owned()))
        );
        // Substitution from an earlier line; the first definition wins.
        assert_eq!(
            value("DIR=data\nDATABASE_URL=${DIR}/app.db\nDATABASE_URL=other.db\n"),
            Ok(Some("data/app.db".to_owned()))
        );
        assert_eq!(
            value("\u{feff}DATABASE_URL=bom.db"),
            Ok(Some("bom.db".to_owned()))
        );
    }

    #[test]
    fn a_dotenv_line_that_does_not_parse_is_named_not_shown() {
        let err = dotenv_value(
            "A=1\nDATABASE_URL=\"postgres://me:s3cret@db/app\nB=2\n",
            "DATABASE_URL",
        )
        .expect_err("unterminated quote");
        assert!(err.starts_with("line 2 does not parse"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
}

//! Opening a connection from a [`DatabaseUrl`]: the one place that matches on
//! the engine. Everything after it is generic over [`MigrationConnection`].

use crate::dialects::MigrationConnection;
use crate::error::Error;
use crate::url::{redact, DatabaseUrl};

/// Work to do with a connection of whichever engine the URL names.
pub trait WithConnection {
    /// What the work returns.
    type Output;

    /// Do it.
    fn run<C: MigrationConnection>(self, conn: &mut C) -> Self::Output;
}

/// Open `url` and run `work` with the connection.
// A build with no engine compiled in never uses `work`.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(unused_variables)
)]
pub fn with_connection<W: WithConnection>(url: &DatabaseUrl, work: W) -> Result<W::Output, Error> {
    match url {
        #[cfg(feature = "sqlite")]
        DatabaseUrl::Sqlite { .. } => Ok(work.run(&mut open_sqlite(url)?)),
        #[cfg(feature = "postgres")]
        DatabaseUrl::Postgres { url: text } => {
            Ok(work.run(&mut establish::<diesel::pg::PgConnection>(url, text)?))
        }
        #[cfg(feature = "mysql")]
        DatabaseUrl::Mysql { url: text } => {
            Ok(work.run(&mut establish::<diesel::mysql::MysqlConnection>(url, text)?))
        }
        #[allow(unreachable_patterns)]
        _ => Err(Error::Connect {
            url: redact(&url.to_string()),
            reason: "this engine is not compiled into this build".to_owned(),
        }),
    }
}

/// Open the SQLite database `url` names (a [`DatabaseUrl::Sqlite`]). When
/// it cannot be opened, the error names the resolved path and why (a
/// missing directory, a directory in the file's place, no permission), and
/// where another common reading of the URL would have found a file.
#[cfg(feature = "sqlite")]
pub fn open_sqlite(url: &DatabaseUrl) -> Result<diesel::sqlite::SqliteConnection, Error> {
    use diesel::Connection;
    let DatabaseUrl::Sqlite {
        path,
        other_reading,
        ..
    } = url
    else {
        return Err(Error::Connect {
            url: url.to_string(),
            reason: "not a SQLite database".to_owned(),
        });
    };
    let text = url.sqlite_open_text().unwrap_or_default();
    diesel::sqlite::SqliteConnection::establish(&text).map_err(|e| Error::Connect {
        url: redact(&url.to_string()),
        reason: crate::dialects::sqlite_open::why_not_opened(
            path,
            other_reading.as_deref(),
            &e.to_string(),
        ),
    })
}

/// Connect to a server URL; the error shows the URL redacted and scrubs the
/// password from the engine's message, in case the engine echoes it.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn establish<C: diesel::Connection>(url: &DatabaseUrl, text: &str) -> Result<C, Error> {
    C::establish(text).map_err(|e| Error::Connect {
        url: url.to_string(),
        reason: crate::url::scrub(&e.to_string(), text),
    })
}

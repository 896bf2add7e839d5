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
        DatabaseUrl::Sqlite { path } => {
            use diesel::Connection;
            let text = path.to_string_lossy();
            let mut conn =
                diesel::sqlite::SqliteConnection::establish(&text).map_err(|e| Error::Connect {
                    url: redact(&url.to_string()),
                    reason: e.to_string(),
                })?;
            Ok(work.run(&mut conn))
        }
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

/// Connect to a server URL; the error shows the URL redacted and scrubs the
/// password from the engine's message, in case the engine echoes it.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn establish<C: diesel::Connection>(url: &DatabaseUrl, text: &str) -> Result<C, Error> {
    C::establish(text).map_err(|e| Error::Connect {
        url: url.to_string(),
        reason: crate::url::scrub(&e.to_string(), text),
    })
}

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
        #[allow(unreachable_patterns)]
        _ => Err(Error::Connect {
            url: redact(&url.to_string()),
            reason: "this engine is not compiled into this build".to_owned(),
        }),
    }
}

//! [`Migrator`]: the embedded chain plus run-time options, and every command
//! as a method. The generated module holds one as `MIGRATOR`.

use std::borrow::Cow;
use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use lithify_core::Dialect;

use crate::bookkeeping::DEFAULT_TABLE;
use crate::chain::ChainView;
use crate::dialects::{sql_dialect_for, MigrationConnection};
use crate::embedded::{EmbeddedChain, Revision};
use crate::error::Error;
use crate::executor::{self, Executor, RunOptions};
use crate::recovery::{AdoptReport, ResolveAs, ResolveReport};
use crate::replay::{ReplayOptions, ReplayReport};
use crate::report::{CheckOutcome, CurrentState, Output, RunReport, StampReport};
use crate::session::{Origin, SessionSql};

/// Runs the embedded chain against databases.
///
/// Built at compile time by the generated module
/// (`pub static MIGRATOR: lithify::Migrator = lithify::Migrator::new(&CHAIN);`);
/// options are set on a clone:
///
/// ```ignore
/// let migrator = migrations::MIGRATOR.clone().bookkeeping_table("schema_revisions");
/// migrator.upgrade_to_head(&mut conn)?;
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    chain: &'static EmbeddedChain,
    table: Cow<'static, str>,
    lock_timeout: Duration,
    quiet: bool,
    single_transaction: bool,
    /// Session SQL replacing the chain's `[session]` SQL.
    session_sql: Option<Cow<'static, str>>,
    /// The chain's graph, built on first use and shared by clones (an
    /// application checks on every start; the graph is the same every time).
    view: OnceLock<Arc<ChainView>>,
}

impl Migrator {
    /// A migrator for `chain` with default options: bookkeeping table
    /// `lithify_revisions`, 60 s lock timeout, progress printed on stdout.
    pub const fn new(chain: &'static EmbeddedChain) -> Migrator {
        Migrator {
            chain,
            table: Cow::Borrowed(DEFAULT_TABLE),
            lock_timeout: Duration::from_secs(60),
            quiet: false,
            single_transaction: false,
            session_sql: None,
            view: OnceLock::new(),
        }
    }

    /// Use `name` as the bookkeeping table (ASCII letters, digits, `_`),
    /// optionally qualified as `schema.table`: on PostgreSQL the schema is
    /// created when missing, on MySQL it names the database.
    pub fn bookkeeping_table(mut self, name: impl Into<Cow<'static, str>>) -> Migrator {
        self.table = name.into();
        self
    }

    /// How long to wait for another migrator before giving up.
    pub fn lock_timeout(mut self, timeout: Duration) -> Migrator {
        self.lock_timeout = timeout;
        self
    }

    /// When true, print nothing while migrating (the returned reports say
    /// what happened). Useful for migrate-on-startup in a service with its own logging.
    pub fn quiet(mut self, quiet: bool) -> Migrator {
        self.quiet = quiet;
        self
    }

    /// When true, `upgrade` and `downgrade` run the whole plan in one
    /// transaction (Alembic's `transaction_per_migration = False`, refinery's
    /// "grouped"): every revision and its bookkeeping commit together, or
    /// nothing does.
    ///
    /// Trade-off: all or nothing, and on SQLite about four times faster than
    /// a transaction per revision (one commit, one fsync). But a failure in
    /// the last revision undoes the ones before it too, and the run holds its
    /// locks (SQLite: the database's write lock) until the end. It needs
    /// transactional DDL: on MySQL/MariaDB (DDL commits implicitly), or with
    /// a revision marked `run_in_transaction = false` in the range, the run
    /// is refused with [`Error::SingleTransaction`] before anything changes.
    pub fn single_transaction(mut self, single: bool) -> Migrator {
        self.single_transaction = single;
        self
    }

    /// Run `sql` at the start of every session this migrator works on
    /// (after lithify's own settings, before anything else), instead of the
    /// chain's `[session]` SQL for that engine from `migrations/lithify.toml`.
    /// An empty string runs none. The offline `sql` script shows it first.
    pub fn session_sql(mut self, sql: impl Into<Cow<'static, str>>) -> Migrator {
        self.session_sql = Some(sql.into());
        self
    }

    /// The embedded chain.
    pub const fn chain(&self) -> &'static EmbeddedChain {
        self.chain
    }

    /// The bookkeeping table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Upgrade to `target` (`head`, an id, a prefix, `+N`, ...).
    pub fn upgrade<C: MigrationConnection>(
        &self,
        conn: &mut C,
        target: &str,
    ) -> Result<RunReport, Error> {
        // Migrate-on-start-up at head: one query; no graph, lock or rows.
        if executor::fast_target(self.chain, target) {
            if let Some(at) = self.fast_at_head(conn)? {
                return Ok(executor::nothing_to_do(self.output(), at));
            }
        }
        self.with_executor(conn, |ex| ex.upgrade(target))
    }

    /// Upgrade to head: for migrate-on-startup. Safe with many replicas
    /// starting at once (see the executor's locking).
    pub fn upgrade_to_head<C: MigrationConnection>(
        &self,
        conn: &mut C,
    ) -> Result<RunReport, Error> {
        self.upgrade(conn, "head")
    }

    /// Downgrade to `target` (`base`, an id, `-N`, ...).
    pub fn downgrade<C: MigrationConnection>(
        &self,
        conn: &mut C,
        target: &str,
    ) -> Result<RunReport, Error> {
        self.with_executor(conn, |ex| ex.downgrade(target))
    }

    /// Record the database as being at `target` without running any SQL.
    /// With `purge`, the bookkeeping table is emptied first (the fix for a
    /// database that records revisions this binary does not know).
    pub fn stamp<C: MigrationConnection>(
        &self,
        conn: &mut C,
        target: &str,
        purge: bool,
    ) -> Result<StampReport, Error> {
        self.stamp_all(conn, &[target], purge)
    }

    /// Record the database as being at every one of `targets` at once
    /// (`stamp billing@head search@head`, `stamp base other@head`), without
    /// running any SQL. Each target is resolved against the record as it was
    /// before the stamp; `purge` works as in [`Migrator::stamp`].
    pub fn stamp_all<C: MigrationConnection>(
        &self,
        conn: &mut C,
        targets: &[&str],
        purge: bool,
    ) -> Result<StampReport, Error> {
        self.with_executor(conn, |ex| ex.stamp(targets, purge))
    }

    /// Adopt a database migrated by diesel: record the revisions listed in
    /// `__diesel_schema_migrations` as applied (with this binary's checksums).
    /// Versions this binary does not know are reported, not dropped.
    pub fn adopt<C: MigrationConnection>(&self, conn: &mut C) -> Result<AdoptReport, Error> {
        self.with_executor(conn, |ex| ex.adopt())
    }

    /// Settle revision `id` (or a unique prefix), left `started` by an
    /// interrupted or failed non-transactional run: `Applied` when its
    /// changes are complete, `Reverted` when they were undone.
    pub fn resolve<C: MigrationConnection>(
        &self,
        conn: &mut C,
        id: &str,
        how: ResolveAs,
    ) -> Result<ResolveReport, Error> {
        self.with_executor(conn, |ex| ex.resolve(id, how))
    }

    /// Every revision up, down and up again on an empty scratch database,
    /// checking that each down restores the schema its up started from (see
    /// [`crate::replay`]). Refuses a database that is not empty.
    pub fn replay<C: MigrationConnection>(&self, conn: &mut C) -> Result<ReplayReport, Error> {
        self.replay_with(conn, ReplayOptions::default())
    }

    /// [`Migrator::replay`] with `options`: `keep_going` checks every down
    /// inside a rolled-back transaction and reports every broken one in one
    /// [`crate::ReplayError::Broken`]; `strict_column_order` makes a down that
    /// restores a table's columns in another order an error.
    pub fn replay_with<C: MigrationConnection>(
        &self,
        conn: &mut C,
        options: ReplayOptions,
    ) -> Result<ReplayReport, Error> {
        self.with_executor(conn, |ex| ex.replay(options))
    }

    /// What the database records; never creates the bookkeeping table.
    pub fn current<C: MigrationConnection>(&self, conn: &mut C) -> Result<CurrentState, Error> {
        self.with_executor(conn, |ex| ex.current())
    }

    /// Whether the database is at head. An inconsistent database is an
    /// [`Error::Inconsistent`].
    ///
    /// One single-row query when the chain state the migrator maintains says
    /// the database is at head; the full verification otherwise (see
    /// [`crate::bookkeeping`] for what the fast path trusts).
    pub fn check<C: MigrationConnection>(&self, conn: &mut C) -> Result<CheckOutcome, Error> {
        if let Some(at) = self.fast_at_head(conn)? {
            return Ok(CheckOutcome::AtHead { at });
        }
        self.with_executor(conn, |ex| ex.check())
    }

    /// The verified applied set, indexed like [`EmbeddedChain::revisions`].
    pub fn applied<C: MigrationConnection>(&self, conn: &mut C) -> Result<Vec<bool>, Error> {
        self.with_executor(conn, |ex| ex.applied_set())
    }

    /// Every revision, newest first (the order `history` prints).
    pub fn history(&self) -> Result<Vec<&'static Revision>, Error> {
        let view = self.view()?;
        Ok(view
            .graph
            .topological_order()
            .iter()
            .rev()
            .map(|&ix| view.revision(ix))
            .collect())
    }

    /// The head revisions.
    pub fn heads(&self) -> Result<Vec<&'static Revision>, Error> {
        let view = self.view()?;
        Ok(view
            .graph
            .heads()
            .into_iter()
            .map(|ix| view.revision(ix))
            .collect())
    }

    /// The offline SQL script for `range` in `dialect` (see the `sql` command).
    pub fn sql(
        &self,
        dialect: Dialect,
        range: Option<&str>,
        downgrade: bool,
    ) -> Result<String, Error> {
        self.check_table()?;
        let sql_dialect = sql_dialect_for(dialect).ok_or(Error::DialectUnavailable(dialect))?;
        let view = self.view()?;
        let session = self.session(dialect);
        crate::offline::render_script(&view, sql_dialect, &self.table, range, downgrade, session)
    }

    /// The session SQL for `dialect`: the option's, else the chain's.
    fn session(&self, dialect: Dialect) -> Option<SessionSql<'_>> {
        match &self.session_sql {
            Some(sql) => Some(SessionSql {
                sql,
                origin: Origin::Option,
            }),
            None => self
                .chain
                .session
                .for_dialect(dialect)
                .map(|sql| SessionSql {
                    sql,
                    origin: Origin::Config(dialect),
                }),
        }
    }

    /// Handle `--migrate <command> [args]` in the application's arguments.
    ///
    /// Returns `None` when `--migrate` is absent (the application carries on
    /// with its arguments untouched); otherwise runs the command, printing
    /// progress on stdout and errors on stderr, and returns the exit code
    /// (0 ok, 1 check failed, 2 usage, 3 failure, 4 refused). The database URL
    /// comes from `--database-url` (before or after `--migrate`), then
    /// `DATABASE_URL`, then `.env` in the working directory.
    pub fn handle_cli_flag(&self, args: impl IntoIterator<Item = OsString>) -> Option<ExitCode> {
        crate::cli::handle_flag(self, args.into_iter().collect())
    }

    pub(crate) fn view(&self) -> Result<Arc<ChainView>, Error> {
        if let Some(view) = self.view.get() {
            return Ok(Arc::clone(view));
        }
        let view = Arc::new(ChainView::new(self.chain)?);
        // Another thread may have won the race; either graph is the same.
        Ok(Arc::clone(self.view.get_or_init(|| view)))
    }

    /// A plain identifier, or `schema.table` (PostgreSQL schema, MySQL database).
    fn check_table(&self) -> Result<(), Error> {
        let ident = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let valid = match self.table.split_once('.') {
            Some((schema, table)) => ident(schema) && ident(table),
            None => ident(&self.table),
        };
        if valid {
            Ok(())
        } else {
            Err(Error::InvalidTableName(self.table.to_string()))
        }
    }

    fn output(&self) -> Output {
        Output { quiet: self.quiet }
    }

    /// [`executor::fast_at_head`] after validating the table name (it goes
    /// into SQL text).
    fn fast_at_head<C: MigrationConnection>(&self, conn: &mut C) -> Result<Option<String>, Error> {
        self.check_table()?;
        let session = self.session(conn.sql_dialect().dialect());
        Ok(executor::fast_at_head(
            conn,
            self.chain,
            &self.table,
            self.lock_timeout,
            session,
        ))
    }

    fn with_executor<C: MigrationConnection, T>(
        &self,
        conn: &mut C,
        f: impl FnOnce(&mut Executor<'_, C>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.check_table()?;
        let view = self.view()?;
        let options = RunOptions {
            table: &self.table,
            lock_timeout: self.lock_timeout,
            output: self.output(),
            single_transaction: self.single_transaction,
            session: self.session(conn.sql_dialect().dialect()),
        };
        let mut executor = Executor::new(conn, &view, options)?;
        f(&mut executor)
    }
}

//! The command set shared by both front ends: the application's
//! `--migrate <command>` flag and the authoring binary `lithify`.
//!
//! Parsing is clap (derive); [`run`] executes a parsed [`Command`] with a
//! [`Migrator`] and turns the outcome into lines and an exit code.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lithify_core::listing::first_few;
use lithify_core::{target, Dialect};

use crate::chain::ChainView;
use crate::cli::views::Current;
use crate::connect::{with_connection, WithConnection};
use crate::dialects::MigrationConnection;
use crate::error::{exit, Error};
use crate::migrator::Migrator;
use crate::recovery::ResolveAs;
use crate::replay::ReplayOptions;
use crate::report::CheckOutcome;
use crate::url::{self, DatabaseUrl};

mod views;

/// The run-time commands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Upgrade the database to TARGET (default: head).
    Upgrade {
        /// Target: head, heads, an id or unique prefix (>= 4 chars), LABEL@head,
        /// REV@head, +N, REV+N, LABEL@+N (see docs/branches.md).
        #[arg(default_value = "head", allow_hyphen_values = true)]
        target: String,
        /// Run every revision of the plan in one transaction: all or nothing
        /// (SQLite and PostgreSQL; refused on MySQL and for revisions marked
        /// run_in_transaction = false).
        #[arg(long)]
        single_transaction: bool,
    },
    /// Downgrade the database to TARGET.
    Downgrade {
        /// Target: base, an id or prefix, LABEL@base, -N, REV-N, head-N,
        /// LABEL@-N (see docs/branches.md).
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Run every revision of the plan in one transaction: all or nothing
        /// (SQLite and PostgreSQL; refused on MySQL and for revisions marked
        /// run_in_transaction = false).
        #[arg(long)]
        single_transaction: bool,
    },
    /// Show the revision(s) the database is at.
    Current {
        /// Show every bookkeeping row (checksum, applied at, duration).
        #[arg(short, long)]
        verbose: bool,
        /// Exit 1 unless the database is at every head (nothing pending).
        #[arg(long)]
        check_heads: bool,
    },
    /// List revisions, newest first.
    History {
        /// Only revisions in START:END (either side may be empty).
        #[arg(
            short = 'r',
            long = "rev-range",
            value_name = "START:END",
            allow_hyphen_values = true
        )]
        range: Option<String>,
        /// Show ids, parents, directory and checksum of each revision.
        #[arg(short, long)]
        verbose: bool,
        /// Mark the revision(s) the database is at with (current); needs a database.
        #[arg(short, long)]
        indicate_current: bool,
    },
    /// List the head revisions of the chain.
    Heads {
        /// Show each head's message and directory.
        #[arg(short, long)]
        verbose: bool,
        /// Leave out heads that other revisions depend on (`depends_on`).
        #[arg(long)]
        resolve_dependencies: bool,
    },
    /// List each branchpoint and the branches that start at it.
    Branches {
        /// Show each branchpoint's full entry (parents, branches, path, message).
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show a revision: parents, children, labels, dependencies, path, message.
    Show {
        /// The revision: an id, a unique prefix, a label, `head`, `LABEL@head`, ...
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Record the database as being at TARGET(s) without running SQL.
    Stamp {
        /// Target revision(s) (or base); several put the database at each
        /// (`stamp billing@head search@head`).
        #[arg(allow_hyphen_values = true, required = true, num_args = 1..)]
        targets: Vec<String>,
        /// Empty the bookkeeping table first (drops revisions this binary does not know).
        #[arg(long)]
        purge: bool,
    },
    /// Print the SQL for RANGE without a database (default base:head).
    Sql {
        /// START:END, or END alone (from base, or from head with --downgrade).
        #[arg(allow_hyphen_values = true)]
        range: Option<String>,
        /// Dialect to render (sqlite, postgres, mysql).
        #[arg(long, default_value = "sqlite")]
        dialect: Dialect,
        /// Render the downgrade direction (default range head:base; a range
        /// whose END is below its START is a downgrade without this flag).
        #[arg(long)]
        downgrade: bool,
    },
    /// Exit 0 when the database is at head and consistent, 1 otherwise.
    Check {
        /// List every pending revision (and, in the `lithify` binary, every
        /// warning about the directory) instead of the first few.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Settle a revision left `started` by an interrupted non-transactional run.
    #[command(group(clap::ArgGroup::new("outcome").required(true)))]
    Resolve {
        /// The revision (id or unique prefix).
        revision: String,
        /// Its changes are complete: record it applied.
        #[arg(long, group = "outcome")]
        applied: bool,
        /// Its changes were undone: forget it (the next upgrade runs it again).
        #[arg(long, group = "outcome")]
        reverted: bool,
    },
    /// Record the revisions diesel applied (`__diesel_schema_migrations`) as applied.
    Adopt,
    /// Apply every revision, revert it and apply it again on an empty
    /// scratch database, checking that each down restores the schema its up
    /// started from. Exit 1 when one does not.
    Replay {
        /// An empty database to replay on (default: a new temporary SQLite
        /// file, removed afterwards). Never DATABASE_URL: replay tears the
        /// schema down.
        #[arg(long, value_name = "URL")]
        scratch: Option<String>,
        /// Check every down inside a transaction that is rolled back, so the
        /// chain advances only by ups and one run lists every broken down
        /// (SQLite, PostgreSQL; MySQL commits DDL implicitly and stops at the
        /// first).
        #[arg(long)]
        keep_going: bool,
        /// A down that restores a table's columns in another order is an
        /// error, not a warning (diesel's Queryable loads columns by position).
        #[arg(long)]
        strict_column_order: bool,
    },
}

/// `<app> --migrate [--database-url URL] <command>`.
#[derive(Debug, Clone, Parser)]
#[command(about = "Run the database migrations embedded in this binary")]
pub struct MigrateArgs {
    /// Where and how to connect.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The options of every command that talks to a database, shared by both
/// front ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct DatabaseArgs {
    /// Database: a file path, sqlite://path, postgres://... or mysql://... Default: $DATABASE_URL, then DATABASE_URL in ./.env.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Seconds to wait for another migrator to finish before giving up
    /// (default: the application's setting, 60 unless it changed it).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub lock_timeout: Option<u64>,
    /// Bookkeeping table, optionally `schema.table` (default: the
    /// application's setting, `lithify_revisions` unless it changed it).
    #[arg(long, global = true, value_name = "NAME")]
    pub bookkeeping_table: Option<String>,
    /// SQL every database session runs first (e.g. `SET FOREIGN_KEY_CHECKS
    /// = 0`), instead of `[session]` in migrations/lithify.toml; '' runs none.
    #[arg(long, global = true, value_name = "SQL", allow_hyphen_values = true)]
    pub session_sql: Option<String>,
}

impl DatabaseArgs {
    /// `migrator` with the options given on the command line applied; the
    /// application's own settings stay where a flag is absent.
    pub fn configure(&self, migrator: &Migrator) -> Migrator {
        let mut configured = migrator.clone();
        if let Some(seconds) = self.lock_timeout {
            configured = configured.lock_timeout(std::time::Duration::from_secs(seconds));
        }
        if let Some(table) = &self.bookkeeping_table {
            configured = configured.bookkeeping_table(table.clone());
        }
        if let Some(sql) = &self.session_sql {
            configured = configured.session_sql(sql.clone());
        }
        configured
    }
}

/// Implementation of [`Migrator::handle_cli_flag`].
pub(crate) fn handle_flag(migrator: &Migrator, args: Vec<OsString>) -> Option<ExitCode> {
    let pos = args.iter().position(|a| a == "--migrate")?;
    let program = args.first().map_or_else(|| "app".to_owned(), program_name);
    let before_url = database_url_before(&args[1.min(args.len())..pos]);
    let rest = args[pos + 1..].iter().cloned();
    let parsed = MigrateArgs::try_parse_from(
        std::iter::once(OsString::from(format!("{program} --migrate"))).chain(rest),
    );
    Some(match parsed {
        Ok(parsed) => run(
            &parsed.database.configure(migrator),
            &parsed.command,
            parsed.database.database_url.or(before_url),
        ),
        Err(e) => clap_exit(&e),
    })
}

/// Print a clap error (or help) and return its exit code (2 for usage).
pub fn clap_exit(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE))
}

fn program_name(arg0: &OsString) -> String {
    Path::new(arg0)
        .file_name()
        .map_or_else(|| "app".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// `--database-url URL` or `--database-url=URL` among the application's own
/// arguments before `--migrate` (they are otherwise left to the application).
fn database_url_before(args: &[OsString]) -> Option<String> {
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--database-url" {
            return iter.next().map(|v| v.into_owned());
        }
        if let Some(v) = arg.strip_prefix("--database-url=") {
            return Some(v.to_owned());
        }
    }
    None
}

/// Run `command` with `migrator`; `database_url` is the `--database-url` flag
/// if given (falling back to `DATABASE_URL` and `.env`). Prints results on
/// stdout and errors on stderr; returns the exit code.
pub fn run(migrator: &Migrator, command: &Command, database_url: Option<String>) -> ExitCode {
    match try_run(migrator, command, database_url) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            // Any failure to establish consistency is a failed check.
            if matches!(command, Command::Check { .. }) && matches!(e, Error::Inconsistent(_)) {
                return ExitCode::from(exit::CHECK_FAILED);
            }
            e.exit()
        }
    }
}

fn try_run(
    migrator: &Migrator,
    command: &Command,
    database_url: Option<String>,
) -> Result<u8, Error> {
    match command {
        Command::Sql {
            range,
            dialect,
            downgrade,
        } => {
            print!("{}", migrator.sql(*dialect, range.as_deref(), *downgrade)?);
            Ok(exit::OK)
        }
        Command::Heads {
            verbose,
            resolve_dependencies,
        } => {
            let view = migrator.view()?;
            print!("{}", views::heads(&view, *resolve_dependencies, *verbose));
            Ok(exit::OK)
        }
        Command::Branches { verbose } => {
            let view = migrator.view()?;
            print!("{}", views::branches(&view, None, *verbose));
            Ok(exit::OK)
        }
        Command::Show { revision } if !mentions_current(Some(revision)) => {
            let view = migrator.view()?;
            print_show(&view, revision, None)?;
            Ok(exit::OK)
        }
        Command::History {
            range,
            verbose,
            indicate_current,
        } if !*indicate_current && !mentions_current(range.as_deref()) => {
            let view = migrator.view()?;
            print_history(&view, range.as_deref(), *verbose, None)?;
            Ok(exit::OK)
        }
        Command::Replay { scratch, .. } => replay(migrator, command, scratch.as_deref()),
        _ => {
            let url =
                url::resolve(database_url, Path::new("."))?.ok_or(Error::MissingDatabaseUrl)?;
            let url = DatabaseUrl::parse(&url)?;
            with_connection(&url, DbCommand { migrator, command })?
        }
    }
}

/// `replay` on `scratch`, or on a new temporary SQLite file that is removed
/// afterwards (with the files SQLite and lithify put beside it).
fn replay(migrator: &Migrator, command: &Command, scratch: Option<&str>) -> Result<u8, Error> {
    // Named, not `_`: the file must outlive the connection.
    let (url, _temporary) = match scratch {
        Some(url) => (url.to_owned(), None),
        None => {
            let file = ScratchFile::new();
            println!("replaying on a temporary SQLite database");
            (file.path.to_string_lossy().into_owned(), Some(file))
        }
    };
    let url = DatabaseUrl::parse(&url)?;
    with_connection(&url, DbCommand { migrator, command })?
}

/// A database file path in the temp directory, deleted (with its journal
/// and lock file) on drop.
pub(crate) struct ScratchFile {
    pub(crate) path: std::path::PathBuf,
}

impl ScratchFile {
    pub(crate) fn new() -> ScratchFile {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("lithify-replay-{}-{nanos}.db", std::process::id());
        ScratchFile {
            path: std::env::temp_dir().join(name),
        }
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        let lock = crate::dialects::LOCK_FILE_SUFFIX;
        for suffix in ["", "-journal", "-wal", "-shm", lock] {
            let mut name = self.path.as_os_str().to_owned();
            name.push(suffix);
            // Best effort: a leftover file in the temp dir harms nobody.
            let _ = std::fs::remove_file(name);
        }
    }
}

/// Whether a target or range needs the database: `current`, or a step
/// relative to it (`+N`, `-N`, `LABEL@+N`, `LABEL@-N`).
fn mentions_current(text: Option<&str>) -> bool {
    text.is_some_and(|t| {
        t.split(':').any(|part| {
            part.contains("current")
                || part.starts_with(['+', '-'])
                || part.contains("@+")
                || part.contains("@-")
        })
    })
}

/// A command that needs a connection.
struct DbCommand<'a> {
    migrator: &'a Migrator,
    command: &'a Command,
}

impl WithConnection for DbCommand<'_> {
    type Output = Result<u8, Error>;

    fn run<C: MigrationConnection>(self, conn: &mut C) -> Result<u8, Error> {
        let m = self.migrator;
        // The flag can only turn the mode on: a migrator the application
        // built with `.single_transaction(true)` keeps it.
        let grouped = |on: bool| {
            if on {
                m.clone().single_transaction(true)
            } else {
                m.clone()
            }
        };
        match self.command {
            Command::Upgrade {
                target,
                single_transaction,
            } => grouped(*single_transaction)
                .upgrade(conn, target)
                .map(|_| exit::OK),
            Command::Downgrade {
                target,
                single_transaction,
            } => grouped(*single_transaction)
                .downgrade(conn, target)
                .map(|_| exit::OK),
            Command::Stamp { targets, purge } => {
                let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
                m.stamp_all(conn, &targets, *purge).map(|_| exit::OK)
            }
            Command::Current {
                verbose,
                check_heads,
            } => print_current(m, conn, *verbose, *check_heads),
            Command::Check { verbose } => print_check(m, conn, *verbose),
            Command::History { range, verbose, .. } => {
                let view = m.view()?;
                let applied = m.applied(conn)?;
                print_history(&view, range.as_deref(), *verbose, Some(&applied))?;
                Ok(exit::OK)
            }
            Command::Show { revision } => {
                let view = m.view()?;
                let applied = m.applied(conn)?;
                print_show(&view, revision, Some(&applied))?;
                Ok(exit::OK)
            }
            Command::Resolve {
                revision, applied, ..
            } => {
                let how = if *applied {
                    ResolveAs::Applied
                } else {
                    ResolveAs::Reverted
                };
                m.resolve(conn, revision, how).map(|_| exit::OK)
            }
            Command::Adopt => m.adopt(conn).map(|_| exit::OK),
            Command::Replay {
                keep_going,
                strict_column_order,
                ..
            } => {
                let options = ReplayOptions {
                    keep_going: *keep_going,
                    strict_column_order: *strict_column_order,
                };
                m.replay_with(conn, options).map(|_| exit::OK)
            }
            Command::Sql { .. } | Command::Heads { .. } | Command::Branches { .. } => Ok(exit::OK),
        }
    }
}

fn print_current<C: MigrationConnection>(
    m: &Migrator,
    conn: &mut C,
    verbose: bool,
    check_heads: bool,
) -> Result<u8, Error> {
    let state = m.current(conn)?;
    println!("{}", state.at);
    if verbose {
        for row in &state.rows {
            let ms = row
                .duration_ms
                .map_or_else(|| "-".to_owned(), |d| format!("{d} ms"));
            let at = row.applied_at.as_deref().unwrap_or("-");
            println!(
                "  {}  {}  {at}  {ms}  {}  {}",
                row.id, row.state, row.checksum, row.message
            );
        }
    }
    match state.problem {
        Some(problem) => {
            eprintln!("warning: {problem}");
            Ok(exit::REFUSED)
        }
        None if check_heads => check_at_heads(m, conn),
        None => Ok(exit::OK),
    }
}

/// `current --check-heads`: 0 when every head is applied, 1 (with what is
/// missing and the fix) otherwise.
fn check_at_heads<C: MigrationConnection>(m: &Migrator, conn: &mut C) -> Result<u8, Error> {
    match m.check(conn)? {
        CheckOutcome::AtHead { .. } => Ok(exit::OK),
        CheckOutcome::Behind { pending, .. } => {
            let heads: Vec<&str> = m.heads()?.iter().map(|r| r.id).collect();
            eprintln!(
                "error: the database is not at all heads ({}): {}; run `upgrade heads`",
                first_few(&heads),
                pending_text(&pending, false)
            );
            Ok(exit::CHECK_FAILED)
        }
        not_adopted @ CheckOutcome::NotAdopted { .. } => {
            eprintln!("error: {}", not_adopted_text(&not_adopted, false));
            Ok(exit::CHECK_FAILED)
        }
    }
}

fn print_check<C: MigrationConnection>(
    m: &Migrator,
    conn: &mut C,
    verbose: bool,
) -> Result<u8, Error> {
    match m.check(conn)? {
        CheckOutcome::AtHead { at } => {
            println!("ok: database is at head ({at})");
            Ok(exit::OK)
        }
        CheckOutcome::Behind { at, pending } => {
            eprintln!(
                "check failed: database is at {at}, {}; run `upgrade head`",
                pending_text(&pending, verbose)
            );
            Ok(exit::CHECK_FAILED)
        }
        not_adopted @ CheckOutcome::NotAdopted { .. } => {
            eprintln!("check failed: {}", not_adopted_text(&not_adopted, verbose));
            Ok(exit::CHECK_FAILED)
        }
    }
}

/// `3 revision(s) pending (a, b, c)`.
fn pending_text(pending: &[&str], verbose: bool) -> String {
    format!(
        "{} revision(s) pending ({})",
        pending.len(),
        ids_text(pending, verbose)
    )
}

/// The first few ids, or all of them when `verbose`.
fn ids_text(ids: &[&str], verbose: bool) -> String {
    if verbose {
        ids.join(", ")
    } else {
        first_few(ids)
    }
}

/// What `check` says about a database diesel migrated that lithify has not
/// adopted: the fix is `adopt` (then `upgrade head` for what diesel did
/// not apply), not an `upgrade`, which refuses it.
fn not_adopted_text(outcome: &CheckOutcome, verbose: bool) -> String {
    let CheckOutcome::NotAdopted {
        known,
        total,
        pending,
    } = outcome
    else {
        return String::new();
    };
    let then = if pending.is_empty() {
        String::new()
    } else {
        format!(
            ", then `upgrade head` for the {} revision(s) diesel did not apply ({})",
            pending.len(),
            ids_text(pending, verbose)
        )
    };
    format!(
        "the database was migrated by diesel ({known} of the {total} versions in \
         `__diesel_schema_migrations` are revisions of this chain) and lithify has recorded \
         nothing yet; run `adopt` once to record them as applied{then}"
    )
}

/// `show REV`: one block per revision the target names.
fn print_show(view: &ChainView, revision: &str, applied: Option<&[bool]>) -> Result<(), Error> {
    let none = view.none_applied();
    let named = target::resolve(revision, &view.graph, applied.unwrap_or(&none))
        .map_err(lithify_core::PlanError::from)?;
    if named.is_empty() {
        return Err(lithify_core::PlanError::from(target::TargetError::Syntax {
            input: revision.to_owned(),
            reason: "it names no revision (`base` is the state before the first one); pass an id, a unique prefix, a label, `head` or `heads`".to_owned(),
        })
        .into());
    }
    let current = current_heads(view, applied);
    let blocks: Vec<String> = named
        .iter()
        .map(|&ix| views::show(view, ix, current.as_deref()))
        .collect();
    print!("{}", blocks.join("\n"));
    Ok(())
}

/// The database's applied heads, when the command read the database.
fn current_heads(view: &ChainView, applied: Option<&[bool]>) -> Option<Vec<usize>> {
    applied.map(|a| lithify_core::planner::applied_heads(&view.graph, a))
}

fn print_history(
    view: &ChainView,
    range: Option<&str>,
    verbose: bool,
    applied: Option<&[bool]>,
) -> Result<(), Error> {
    let none = view.none_applied();
    let in_range = history_range(view, range, applied.unwrap_or(&none))?;
    let current = current_heads(view, applied);
    let current: Current<'_> = current.as_deref();
    for &ix in view.graph.topological_order().iter().rev() {
        if !in_range[ix] {
            continue;
        }
        if verbose {
            println!("{}", views::entry(view, ix, current));
        } else {
            println!("{}", views::line(view, ix, current));
        }
    }
    Ok(())
}

/// Revisions in `START:END`: descendants of START (inclusive) that are
/// ancestors of END (inclusive). Open ends mean base and every head.
fn history_range(
    view: &ChainView,
    range: Option<&str>,
    applied: &[bool],
) -> Result<Vec<bool>, Error> {
    let (start, end) = match range {
        None => ("", ""),
        Some(r) => target::split_range(r).unwrap_or(("", r)),
    };
    let resolve =
        |t: &str| target::resolve(t, &view.graph, applied).map_err(lithify_core::PlanError::from);
    let mut keep = vec![true; view.len()];
    if !end.is_empty() {
        let mut below = vec![false; view.len()];
        for ix in resolve(end)? {
            merge(&mut below, &view.graph.ancestors_inclusive(ix));
        }
        and(&mut keep, &below);
    }
    if !start.is_empty() && start != "base" {
        let mut above = vec![false; view.len()];
        for ix in resolve(start)? {
            merge(&mut above, &view.graph.descendants_inclusive(ix));
        }
        and(&mut keep, &above);
    }
    Ok(keep)
}

fn merge(into: &mut [bool], other: &[bool]) {
    for (a, b) in into.iter_mut().zip(other) {
        *a |= *b;
    }
}

fn and(into: &mut [bool], other: &[bool]) {
    for (a, b) in into.iter_mut().zip(other) {
        *a &= *b;
    }
}

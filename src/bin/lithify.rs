//! `lithify`: the authoring binary. Writes revisions (`new`, `merge`), seals
//! them (`seal`), validates the directory like the build does (`check`), and
//! runs the same run-time commands as an application's `--migrate` flag, but
//! straight from a migrations directory.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lithify::cli::{self, Command};
use lithify::error::exit;
use lithify::Migrator;
use lithify_build::{Builder, CompiledChain, Diagnostics, NewOptions, Severity};
use lithify_core::listing::first_few;

#[path = "lithify/autogenerate.rs"]
mod autogenerate;

/// The Alembic workflow for diesel applications, checked at build time.
#[derive(Debug, Parser)]
#[command(name = "lithify", version)]
struct Args {
    /// The migrations directory.
    #[arg(long, global = true, default_value = "migrations")]
    dir: PathBuf,
    /// Where and how to connect.
    #[command(flatten)]
    database: cli::DatabaseArgs,
    /// The command.
    #[command(subcommand)]
    command: Authoring,
}

#[derive(Debug, Subcommand)]
enum Authoring {
    /// Write a new revision whose parent is the current head.
    New {
        /// What the revision does.
        #[arg(short, long)]
        message: String,
        /// Parent revision instead of the head (`base` starts a new base).
        #[arg(long, conflicts_with = "autogenerate")]
        head: Option<String>,
        /// Branch label of the new revision.
        #[arg(long, conflicts_with = "autogenerate")]
        branch_label: Option<String>,
        /// A revision the new one depends on (repeatable).
        #[arg(long, conflicts_with = "autogenerate")]
        depends_on: Vec<String>,
        /// Allow --head to name a revision that already has children (new branch).
        #[arg(long, conflicts_with = "autogenerate")]
        splice: bool,
        /// Write a typed revision (revision.toml: operations compiled for
        /// every dialect) instead of up.sql and down.sql.
        #[arg(long, conflicts_with = "autogenerate")]
        typed: bool,
        #[command(flatten)]
        auto: AutogenerateArgs,
    },
    /// Compare a live database (--database-url) with the chain at the
    /// revisions it has applied; exit 1 listing every difference.
    Diff,
    /// Write a merge revision joining two or more heads.
    Merge {
        /// The revisions to merge (ids or unique prefixes).
        #[arg(num_args = 2.., required = true)]
        revisions: Vec<String>,
        /// What the merge is for.
        #[arg(short, long)]
        message: String,
        /// Branch label of the merge revision.
        #[arg(long)]
        branch_label: Option<String>,
    },
    /// Record the checksums of unsealed revisions in lithify.lock.
    Seal {
        /// Record a deliberate change to this sealed revision instead.
        #[arg(long, value_name = "REV", requires = "reason")]
        amend: Option<String>,
        /// Why the sealed revision changed (with --amend).
        #[arg(long, requires = "amend")]
        reason: Option<String>,
        /// Name every revision sealed, and every warning, instead of the first few.
        #[arg(short, long)]
        verbose: bool,
    },
    /// The schema the chain produces: print diesel's `table!` schema, write
    /// it, or verify the model against a real engine.
    Schema(SchemaArgs),
    /// Lint the draft revisions for migration hazards (locks, statements an
    /// engine refuses, lost data); exit 1 when a finding is an error.
    Lint(LintArgs),
    /// A run-time command, applied from the directory.
    #[command(flatten)]
    Run(Command),
}

/// `lithify new --autogenerate`.
#[derive(Debug, clap::Args)]
struct AutogenerateArgs {
    /// Write a typed revision (revision.toml) from the difference between
    /// the chain's head and schema.rs (or --from-database).
    #[arg(long)]
    autogenerate: bool,
    /// The schema.rs to compare with (default: diesel.toml's
    /// print_schema.file, else src/schema.rs).
    #[arg(
        long,
        value_name = "FILE",
        requires = "autogenerate",
        conflicts_with = "from_database"
    )]
    schema: Option<PathBuf>,
    /// The dialect schema.rs is for (sqlite, postgres, mysql; default sqlite).
    #[arg(
        long,
        value_name = "D",
        requires = "autogenerate",
        conflicts_with = "from_database"
    )]
    dialect: Option<lithify::Dialect>,
    /// A column renamed, decided without asking (repeatable).
    #[arg(long, value_name = "TABLE.OLD=NEW", requires = "autogenerate")]
    rename: Vec<String>,
    /// A table renamed, decided without asking (repeatable).
    #[arg(long, value_name = "OLD=NEW", requires = "autogenerate")]
    rename_table: Vec<String>,
    /// Compare with this live database instead of schema.rs: the revision
    /// captures what was changed there by hand.
    #[arg(long, value_name = "URL", requires = "autogenerate")]
    from_database: Option<String>,
}

/// `lithify schema`.
#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// The dialect whose schema is printed (sqlite, postgres, mysql).
    #[arg(long, default_value = "sqlite")]
    dialect: lithify::Dialect,
    /// The revision whose schema is printed (default: every revision, what
    /// `upgrade heads` produces).
    #[arg(long, value_name = "TARGET", allow_hyphen_values = true)]
    at: Option<String>,
    /// Write the schema to diesel.toml's `print_schema.file` (default
    /// `src/schema.rs`) instead of printing it.
    #[arg(long, conflicts_with = "verify")]
    write: bool,
    /// List every statement the schema model does not follow, and every
    /// table left out of the schema.
    #[arg(long, conflicts_with = "verify")]
    explain: bool,
    /// Apply the chain to an empty scratch database revision by revision and
    /// compare the engine's own description of the schema with the model
    /// after each one; exit 1 at the first revision where they differ.
    #[arg(long)]
    verify: bool,
    /// The empty database `--verify` uses (default: a new temporary SQLite
    /// file). Never DATABASE_URL: verifying builds the schema from nothing.
    #[arg(long, value_name = "URL", requires = "verify")]
    scratch: Option<String>,
}

/// `lithify lint`.
#[derive(Debug, clap::Args)]
struct LintArgs {
    /// Lint every revision, sealed ones too (default: drafts only). The
    /// `start_after` cut-off of [lint] in lithify.toml still applies.
    #[arg(long)]
    all: bool,
    /// How findings are printed: `human` (as the build prints them), `gcc`
    /// (`path:line:col: warning|error: rule: message`) or `json`.
    #[arg(long, value_enum, default_value = "human")]
    format: LintFormat,
    /// Lint for this dialect only (repeatable; default: all three, or
    /// `dialects` of [lint] in lithify.toml).
    #[arg(long = "dialect", value_name = "D")]
    dialects: Vec<lithify::Dialect>,
}

/// The output formats of `lithify lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LintFormat {
    /// As `cargo build` shows them, every finding listed.
    Human,
    /// One line per finding, as gcc writes diagnostics.
    Gcc,
    /// A JSON array of findings.
    Json,
}

/// What the authoring binary's `check` adds to the run-time `check`: the
/// schema checks, which need the directory's SQL (the application's
/// `--migrate check` has only the embedded chain).
#[derive(Debug, Default)]
struct SchemaCheck {
    /// `--schema FILE`: a committed schema.rs to compare with the chain.
    file: Option<PathBuf>,
    /// `--dialect D`: the dialect that file is for.
    dialect: Option<lithify::Dialect>,
    /// `--strict-schema`: statements the schema model cannot follow fail.
    strict: bool,
}

/// The command line with the authoring-only `check` flags added.
fn command_line() -> clap::Command {
    use clap::{Arg, ArgAction, CommandFactory};
    Args::command().mut_subcommand("check", |check| {
        check
            .arg(
                Arg::new("schema")
                    .long("schema")
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .help("Also compare this committed schema.rs with the schema the chain produces; exit 1 listing every difference"),
            )
            .arg(
                Arg::new("schema_dialect")
                    .long("dialect")
                    .value_name("D")
                    .value_parser(clap::value_parser!(lithify::Dialect))
                    .help("Check only this dialect's SQL, and it is the dialect of --schema (sqlite, postgres, mysql; default: every dialect, and sqlite for --schema)"),
            )
            .arg(
                Arg::new("strict_schema")
                    .long("strict-schema")
                    .action(ArgAction::SetTrue)
                    .help("Fail when a statement cannot be followed by the schema model (unknown tables)"),
            )
    })
}

fn main() -> ExitCode {
    use clap::FromArgMatches;
    let matches = match command_line().try_get_matches() {
        Ok(m) => m,
        Err(e) => return cli::clap_exit(&e),
    };
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(e) => return cli::clap_exit(&e),
    };
    let schema_check = matches
        .subcommand_matches("check")
        .map(|m| SchemaCheck {
            file: m.get_one::<PathBuf>("schema").cloned(),
            dialect: m.get_one::<lithify::Dialect>("schema_dialect").copied(),
            strict: m.get_flag("strict_schema"),
        })
        .unwrap_or_default();
    match &args.command {
        Authoring::New { message, auto, .. } if auto.autogenerate => {
            autogenerate::new(&args, message, auto)
        }
        Authoring::Diff => autogenerate::diff(&args),
        Authoring::New {
            message,
            head,
            branch_label,
            depends_on,
            splice,
            typed,
            ..
        } => {
            let opts = NewOptions {
                head: head.clone(),
                branch_label: branch_label.clone(),
                depends_on: depends_on.clone(),
                splice: *splice,
                typed: *typed,
            };
            wrote(lithify_build::new_revision(&args.dir, message, opts))
        }
        Authoring::Merge {
            revisions,
            message,
            branch_label,
        } => wrote(lithify_build::merge(
            &args.dir,
            revisions,
            message,
            branch_label.as_deref(),
        )),
        Authoring::Seal {
            amend: Some(id),
            reason,
            verbose,
        } => amend(&args.dir, id, reason.as_deref().unwrap_or(""), *verbose),
        Authoring::Seal {
            amend: None,
            verbose,
            ..
        } => seal(&args.dir, *verbose),
        Authoring::Schema(schema) => schema_command(&args, schema),
        Authoring::Lint(lint) => lint_command(&args, lint),
        Authoring::Run(Command::Check { verbose }) => check(&args, *verbose, &schema_check),
        Authoring::Run(command) => run(&args, command),
    }
}

fn wrote(result: Result<PathBuf, Diagnostics>) -> ExitCode {
    match result {
        Ok(path) => {
            println!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(diags) => failed(&diags, exit::FAILURE, false),
    }
}

fn seal(dir: &Path, verbose: bool) -> ExitCode {
    match lithify_build::seal_new(dir) {
        Ok(ids) if ids.is_empty() => {
            println!("nothing to do: every revision is already sealed");
            ExitCode::SUCCESS
        }
        Ok(ids) => {
            let lock = dir.join("lithify.lock");
            if verbose {
                for id in &ids {
                    println!("sealed {id}");
                }
                println!(
                    "sealed {} revision(s) in {}; commit it",
                    ids.len(),
                    lock.display()
                );
            } else {
                println!(
                    "sealed {} revision(s) in {} ({}); commit it",
                    ids.len(),
                    lock.display(),
                    first_few(&ids)
                );
            }
            ExitCode::SUCCESS
        }
        Err(diags) => failed(&diags, exit::FAILURE, verbose),
    }
}

fn amend(dir: &Path, id: &str, reason: &str, verbose: bool) -> ExitCode {
    match lithify_build::amend(dir, id, reason) {
        Ok(a) => {
            println!("amended {id}: {} -> {} ({})", a.from, a.to, a.reason);
            ExitCode::SUCCESS
        }
        Err(diags) => failed(&diags, exit::FAILURE, verbose),
    }
}

/// Validate the directory exactly as the build does, reporting its
/// warnings one summary line per kind (`--verbose`: each one); with an
/// explicit `--database-url`, also check that database. Without the flag no
/// database is touched, even if DATABASE_URL is set: validating a directory
/// must not depend on the environment.
fn check(args: &Args, verbose: bool, schema: &SchemaCheck) -> ExitCode {
    let mut builder = Builder::new(&args.dir).require_schema(schema.strict);
    if let Some(dialect) = schema.dialect {
        builder = builder.dialects([dialect]);
    }
    if schema.file.is_some() || schema.strict {
        builder = builder
            .schema_dialect(schema.dialect.unwrap_or(lithify::Dialect::Sqlite))
            .crate_root(lithify_build::schema::crate_root(&args.dir));
    }
    if let Some(file) = &schema.file {
        // Relative to where the command runs, like every path it is given:
        // the crate root is only where diesel.toml is looked for.
        let file = std::env::current_dir()
            .ok()
            .and_then(|cwd| {
                let absolute = cwd.join(file);
                let root = lithify_build::schema::crate_root(&args.dir);
                absolute.strip_prefix(&root).ok().map(Path::to_path_buf)
            })
            .unwrap_or_else(|| file.clone());
        builder = builder.schema_file(file);
    }
    let chain = match builder.compile() {
        Ok(chain) => chain,
        Err(diags) => return failed(&diags, exit::CHECK_FAILED, verbose),
    };
    let warnings = shown(&chain.diagnostics, verbose);
    if !warnings.0.is_empty() {
        eprintln!("{warnings}");
    }
    println!(
        "ok: {} is valid ({} revisions)",
        args.dir.display(),
        chain.revisions.len()
    );
    match &args.database.database_url {
        Some(url) => cli::run(
            &migrator(args, &chain),
            &Command::Check { verbose },
            Some(url.clone()),
        ),
        None => ExitCode::SUCCESS,
    }
}

/// A run-time command straight from the directory. It reads the directory
/// only to run against a database, so the directory's warnings (drafts,
/// skipped entries) are not its business and would bury its own output:
/// they are `check`'s (and so is the lint: a draft's hazards are found by
/// the build and `check`, not by the command that runs it). Errors that
/// stop it are printed.
fn run(args: &Args, command: &Command) -> ExitCode {
    let mut builder = Builder::new(&args.dir).lint(false);
    if let Some(dialect) = command_dialect(args, command) {
        // Only the SQL this command can run is compiled: a typed revision
        // that one engine cannot take must not stop a command on another.
        builder = builder.dialects([dialect]);
    }
    match builder.compile() {
        Ok(chain) => cli::run(
            &migrator(args, &chain),
            command,
            args.database.database_url.clone(),
        ),
        Err(diags) => {
            eprintln!("{}", errors_only(&diags));
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// The one dialect whose SQL `command` runs or prints, where that is
/// known before connecting: `sql --dialect`, `replay`'s scratch database,
/// or the database the command would open. `None`: every dialect (the URL
/// does not parse, and the command will say so itself).
fn command_dialect(args: &Args, command: &Command) -> Option<lithify::Dialect> {
    let url = match command {
        Command::Sql { dialect, .. } => return Some(*dialect),
        Command::Replay { scratch: None, .. } => return Some(lithify::Dialect::Sqlite),
        Command::Replay {
            scratch: Some(url), ..
        } => url.clone(),
        _ => lithify::url::resolve(args.database.database_url.clone(), Path::new("."))
            .ok()
            .flatten()?,
    };
    url_dialect(&url)
}

/// The engine a database URL names.
fn url_dialect(url: &str) -> Option<lithify::Dialect> {
    Some(match lithify::DatabaseUrl::parse(url).ok()? {
        lithify::DatabaseUrl::Sqlite { .. } => lithify::Dialect::Sqlite,
        lithify::DatabaseUrl::Postgres { .. } => lithify::Dialect::Postgres,
        lithify::DatabaseUrl::Mysql { .. } => lithify::Dialect::Mysql,
    })
}

fn schema_command(args: &Args, schema: &SchemaArgs) -> ExitCode {
    // `--verify` runs the SQL of its scratch database's engine.
    let dialect = match (&schema.scratch, schema.verify) {
        (Some(url), true) => url_dialect(url),
        (None, true) => Some(lithify::Dialect::Sqlite),
        _ => Some(schema.dialect),
    };
    let mut builder = Builder::new(&args.dir).lint(false);
    if let Some(dialect) = dialect {
        builder = builder.dialects([dialect]);
    }
    let chain = match builder.compile() {
        Ok(chain) => chain,
        Err(diags) => return failed(&diags, exit::FAILURE, schema.explain),
    };
    if schema.verify {
        return verify(args, &chain, schema.scratch.as_deref());
    }
    let root = lithify_build::schema::crate_root(&args.dir);
    let generated = match lithify_build::schema::generate(
        &chain,
        &root,
        schema.dialect,
        schema.at.as_deref(),
    ) {
        Ok(generated) => generated,
        Err(diags) => return failed(&diags, exit::FAILURE, schema.explain),
    };
    // The fold's notes are the same for every configuration: show them once.
    if let Some(first) = generated.first() {
        let notes = shown(&first.diagnostics(), schema.explain);
        if !notes.0.is_empty() {
            eprintln!("{notes}");
        }
    }
    for printed in &generated {
        if !schema.write {
            print!("{}", printed.text);
            continue;
        }
        if printed.file.is_none() {
            continue;
        }
        match printed.write() {
            Ok(path) => println!("wrote {}", path.display()),
            Err(d) => return failed(&Diagnostics(vec![d]), exit::FAILURE, schema.explain),
        }
    }
    ExitCode::SUCCESS
}

/// `lithify lint`: the chain compiled as the build does (without the
/// build's own lint), then linted as asked.
fn lint_command(args: &Args, lint: &LintArgs) -> ExitCode {
    let dialects = if lint.dialects.is_empty() {
        lithify::Dialect::ALL.to_vec()
    } else {
        lint.dialects.clone()
    };
    let compiled = Builder::new(&args.dir)
        .lint(false)
        .dialects(dialects.iter().copied())
        .compile();
    let chain = match compiled {
        Ok(chain) => chain,
        Err(diags) => return failed(&diags, exit::FAILURE, false),
    };
    let report = match lithify_build::lint::lint_chain(&chain, &dialects, lint.all) {
        Ok(mut report) => {
            report.dialects_named |= !lint.dialects.is_empty();
            report.unnamed_dialects_warn()
        }
        Err(diags) => return failed(&diags, exit::FAILURE, false),
    };
    match lint.format {
        LintFormat::Human => {
            let shown = report.diagnostics();
            if !shown.0.is_empty() {
                println!("{shown}");
            }
            let errors = report.findings.iter().filter(|f| f.is_error()).count();
            let names: Vec<&str> = report.dialects.iter().map(|d| d.name()).collect();
            println!(
                "lint: {} finding(s), {errors} error(s), in {} revision(s) linted for {}",
                report.findings.len(),
                report.revisions,
                names.join(", ")
            );
        }
        LintFormat::Gcc => print!("{}", lithify_schema::lint::output::gcc(&report.findings)),
        LintFormat::Json => print!("{}", lithify_schema::lint::output::json(&report.findings)),
    }
    if report.has_errors() {
        ExitCode::from(exit::CHECK_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn verify(args: &Args, chain: &CompiledChain, scratch: Option<&str>) -> ExitCode {
    if scratch.is_none() {
        println!("verifying on a temporary SQLite database");
    }
    let report = match lithify::verify::verify_on(scratch, &migrator(args, chain), chain) {
        Ok(report) => report,
        Err(lithify::verify::VerifyError::NotEmpty(objects)) => {
            eprintln!("error: {}", lithify::verify::VerifyError::NotEmpty(objects));
            return ExitCode::from(exit::USAGE);
        }
        Err(lithify::verify::VerifyError::Run(e)) => {
            eprintln!("error: {e}");
            return e.exit();
        }
    };
    if let Some(d) = &report.disagreement {
        eprintln!(
            "error: after revision `{}` ({}), the schema model and {} disagree (- model only, + {} only):",
            d.revision,
            d.file.display(),
            report.dialect,
            report.dialect
        );
        for line in &d.differences {
            eprintln!("    {line}");
        }
        eprintln!("  the model is lithify's reading of the SQL; please report this with the revision's SQL");
        return ExitCode::from(exit::CHECK_FAILED);
    }
    let server = match report.flavor {
        lithify_schema::model::MysqlFlavor::Mariadb => " (MariaDB)",
        lithify_schema::model::MysqlFlavor::Mysql => " (MySQL)",
        lithify_schema::model::MysqlFlavor::Unknown => "",
    };
    println!(
        "verified {} revision{} on {}{server}: the schema model matches the engine after every one",
        report.revisions,
        if report.revisions == 1 { "" } else { "s" },
        report.dialect
    );
    if !report.unchecked.is_empty() {
        let names: Vec<String> = report.unchecked.iter().map(ToString::to_string).collect();
        println!(
            "  compared by name only (shape unknown to the model): {}",
            names.join(", ")
        );
    }
    ExitCode::SUCCESS
}

/// One directory per process, so leaking the chain to `'static` is its true
/// lifetime. Configured with the command line's database options.
fn migrator(args: &Args, chain: &CompiledChain) -> Migrator {
    args.database
        .configure(&Migrator::new(lithify::leak::leak_chain(chain)))
}

/// Print the errors (and the warnings around them) and return `code`.
fn failed(diags: &Diagnostics, code: u8, verbose: bool) -> ExitCode {
    let warnings_and_errors = Diagnostics(
        diags
            .0
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .cloned()
            .collect(),
    );
    eprintln!("{}", shown(&warnings_and_errors, verbose));
    ExitCode::from(code)
}

/// `diags` as the authoring commands print them: every error, and one
/// summary line per kind of warning or note there are several of, unless
/// `verbose`.
fn shown(diags: &Diagnostics, verbose: bool) -> Diagnostics {
    if verbose {
        diags.clone()
    } else {
        diags.summarised(LIST_HINT)
    }
}

fn errors_only(diags: &Diagnostics) -> Diagnostics {
    Diagnostics(diags.errors().cloned().collect())
}

/// How the authoring commands' summaries say to see every finding.
const LIST_HINT: &str = "`lithify check --verbose` lists each one";

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
        #[arg(long)]
        head: Option<String>,
        /// Branch label of the new revision.
        #[arg(long)]
        branch_label: Option<String>,
        /// A revision the new one depends on (repeatable).
        #[arg(long)]
        depends_on: Vec<String>,
        /// Allow --head to name a revision that already has children (new branch).
        #[arg(long)]
        splice: bool,
    },
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
    },
    /// The schema the chain produces: print diesel's `table!` schema, write
    /// it, or verify the model against a real engine.
    Schema(SchemaArgs),
    /// A run-time command, applied from the directory.
    #[command(flatten)]
    Run(Command),
}

/// `lithify schema`.
#[derive(Debug, clap::Args)]
struct SchemaArgs {
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

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => return cli::clap_exit(&e),
    };
    match &args.command {
        Authoring::New {
            message,
            head,
            branch_label,
            depends_on,
            splice,
        } => {
            let opts = NewOptions {
                head: head.clone(),
                branch_label: branch_label.clone(),
                depends_on: depends_on.clone(),
                splice: *splice,
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
        } => amend(&args.dir, id, reason.as_deref().unwrap_or("")),
        Authoring::Seal { amend: None, .. } => seal(&args.dir),
        Authoring::Schema(schema) => schema_command(&args, schema),
        Authoring::Run(Command::Check) => check(&args),
        Authoring::Run(command) => run(&args, command),
    }
}

fn wrote(result: Result<PathBuf, Diagnostics>) -> ExitCode {
    match result {
        Ok(path) => {
            println!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(diags) => failed(&diags, exit::FAILURE),
    }
}

fn seal(dir: &Path) -> ExitCode {
    match lithify_build::seal_new(dir) {
        Ok(ids) if ids.is_empty() => {
            println!("nothing to do: every revision is already sealed");
            ExitCode::SUCCESS
        }
        Ok(ids) => {
            for id in &ids {
                println!("sealed {id}");
            }
            println!(
                "sealed {} revision(s) in {}; commit it",
                ids.len(),
                dir.join("lithify.lock").display()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => failed(&diags, exit::FAILURE),
    }
}

fn amend(dir: &Path, id: &str, reason: &str) -> ExitCode {
    match lithify_build::amend(dir, id, reason) {
        Ok(a) => {
            println!("amended {id}: {} -> {} ({})", a.from, a.to, a.reason);
            ExitCode::SUCCESS
        }
        Err(diags) => failed(&diags, exit::FAILURE),
    }
}

/// Validate the directory exactly as the build does; with an explicit
/// `--database-url`, also check that database. Without the flag no database is
/// touched, even if DATABASE_URL is set: validating a directory must not
/// depend on the environment.
fn check(args: &Args) -> ExitCode {
    let chain = match Builder::new(&args.dir).compile() {
        Ok(chain) => chain,
        Err(diags) => return failed(&diags, exit::CHECK_FAILED),
    };
    if !chain.diagnostics.0.is_empty() {
        eprintln!("{}", chain.diagnostics);
    }
    println!(
        "ok: {} is valid ({} revisions)",
        args.dir.display(),
        chain.revisions.len()
    );
    match &args.database.database_url {
        Some(url) => cli::run(&migrator(args, &chain), &Command::Check, Some(url.clone())),
        None => ExitCode::SUCCESS,
    }
}

fn run(args: &Args, command: &Command) -> ExitCode {
    match Builder::new(&args.dir).compile() {
        Ok(chain) => cli::run(
            &migrator(args, &chain),
            command,
            args.database.database_url.clone(),
        ),
        Err(diags) => failed(&diags, exit::FAILURE),
    }
}

fn schema_command(args: &Args, schema: &SchemaArgs) -> ExitCode {
    let chain = match Builder::new(&args.dir).compile() {
        Ok(chain) => chain,
        Err(diags) => return failed(&diags, exit::FAILURE),
    };
    if schema.verify {
        return verify(args, &chain, schema.scratch.as_deref());
    }
    eprintln!("error: nothing to do: pass --verify");
    ExitCode::from(exit::USAGE)
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
fn failed(diags: &Diagnostics, code: u8) -> ExitCode {
    let shown = Diagnostics(
        diags
            .0
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .cloned()
            .collect(),
    );
    eprintln!("{shown}");
    ExitCode::from(code)
}

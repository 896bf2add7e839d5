//! jobboard: the demo application. Its build script compiles `migrations/`,
//! so the binary carries its own migrator:
//!
//! ```text
//! jobboard --database-url jobs.db --migrate upgrade head
//! jobboard --database-url jobs.db list
//! jobboard --database-url jobs.db add --company "Acme Rockets" --title "Test Pilot"
//! ```

use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use lithify::error::exit;
use lithify::{CheckOutcome, DatabaseUrl};

lithify::include_migrations!();

/// A tiny job board over SQLite. `--migrate <command>` runs its migrations.
#[derive(Debug, Parser)]
#[command(
    name = "jobboard",
    after_help = "Migrations: jobboard --migrate <upgrade|downgrade|current|history|heads|stamp|sql|check> (see `jobboard --migrate --help`)"
)]
struct Args {
    /// Database: a file path or sqlite://path. Default: $DATABASE_URL, then DATABASE_URL in ./.env.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: AppCommand,
}

#[derive(Debug, Subcommand)]
enum AppCommand {
    /// List open jobs, newest first.
    List,
    /// List companies and how many jobs each posts.
    Companies,
    /// Post a job (the company is created if new).
    Add {
        /// Company name.
        #[arg(long)]
        company: String,
        /// Job title.
        #[arg(long)]
        title: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
        /// Location.
        #[arg(long)]
        location: Option<String>,
        /// Minimum yearly salary.
        #[arg(long)]
        salary_min: Option<i32>,
        /// Maximum yearly salary.
        #[arg(long)]
        salary_max: Option<i32>,
        /// ISO currency code of the salary.
        #[arg(long, default_value = "USD")]
        currency: String,
    },
}

use migrations::schema::{companies, jobs};

fn main() -> ExitCode {
    // Migration commands first; everything else is the application's.
    if let Some(code) = migrations::MIGRATOR.handle_cli_flag(std::env::args_os()) {
        return code;
    }
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => return lithify::cli::clap_exit(&e),
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

type Failure = (u8, String);

fn run(args: Args) -> Result<(), Failure> {
    let mut conn = connect(args.database_url)?;
    require_head(&mut conn)?;
    let db_err = |e: diesel::result::Error| (exit::FAILURE, e.to_string());
    match args.command {
        AppCommand::List => list(&mut conn).map_err(db_err),
        AppCommand::Companies => companies(&mut conn).map_err(db_err),
        AppCommand::Add {
            company,
            title,
            description,
            location,
            salary_min,
            salary_max,
            currency,
        } => {
            let job = NewJob {
                company,
                title,
                description,
                location,
                salary_min,
                salary_max,
                currency,
            };
            add(&mut conn, &job).map_err(db_err)
        }
    }
}

fn connect(flag: Option<String>) -> Result<SqliteConnection, Failure> {
    let url = lithify::url::resolve(flag, Path::new("."))
        .map_err(|e| (exit::USAGE, e.to_string()))?
        .ok_or((exit::USAGE, lithify::Error::MissingDatabaseUrl.to_string()))?;
    let parsed = DatabaseUrl::parse(&url).map_err(|e| (exit::USAGE, e.to_string()))?;
    // The demo's queries are written for SQLite; its migrations run anywhere.
    if !matches!(parsed, DatabaseUrl::Sqlite { .. }) {
        return Err((
            exit::USAGE,
            format!("jobboard stores its data in SQLite; {parsed} is not a SQLite database (`--migrate` commands accept it)"),
        ));
    }
    let mut conn =
        lithify::connect::open_sqlite(&parsed).map_err(|e| (exit::FAILURE, e.to_string()))?;
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .map_err(|e| (exit::FAILURE, e.to_string()))?;
    Ok(conn)
}

/// The application only runs against the schema it was compiled for.
fn require_head(conn: &mut SqliteConnection) -> Result<(), Failure> {
    let migrator = migrations::MIGRATOR.clone().quiet(true);
    match migrator.check(conn) {
        Ok(CheckOutcome::AtHead { .. }) => Ok(()),
        Ok(CheckOutcome::Behind { at, pending }) => Err((
            exit::CHECK_FAILED,
            format!(
                "the database is at {at} but this jobboard needs {} ({} pending revision(s)); run `jobboard --migrate upgrade head` first",
                migrations::HEAD,
                pending.len()
            ),
        )),
        Ok(CheckOutcome::NotAdopted { .. }) => Err((
            exit::CHECK_FAILED,
            "the database was migrated by diesel and lithify has recorded nothing yet; run `jobboard --migrate adopt` first".to_owned(),
        )),
        Err(e) => Err((e.exit_code(), e.to_string())),
    }
}

/// Every job with its company, newest first: a query the compiler checks
/// against `migrations::schema`, the schema the migrations produce.
fn list(conn: &mut SqliteConnection) -> QueryResult<()> {
    let rows = jobs::table
        .inner_join(companies::table)
        .select((
            jobs::id,
            companies::name,
            jobs::title,
            jobs::location,
            jobs::salary_min,
            jobs::salary_max,
            jobs::salary_currency,
        ))
        .order((jobs::posted_at.desc(), jobs::id.desc()))
        .load::<JobRow>(conn)?;
    if rows.is_empty() {
        println!("no jobs posted yet");
    }
    for (id, company, title, location, salary_min, salary_max, currency) in rows {
        let place = location.as_deref().unwrap_or("anywhere");
        let pay = match (salary_min, salary_max) {
            (Some(lo), Some(hi)) => format!("{lo}-{hi} {currency}"),
            (Some(lo), None) => format!("from {lo} {currency}"),
            (None, Some(hi)) => format!("up to {hi} {currency}"),
            (None, None) => "salary not given".to_owned(),
        };
        println!(
            "#{} {title} at {company} ({place}), {pay}",
            id.unwrap_or_default()
        );
    }
    Ok(())
}

/// A row of [`list`]: id, company, title, location, salary range, currency.
type JobRow = (
    Option<i32>,
    String,
    String,
    Option<String>,
    Option<i32>,
    Option<i32>,
    String,
);

fn companies(conn: &mut SqliteConnection) -> QueryResult<()> {
    let rows = companies::table
        .left_join(jobs::table)
        .order(companies::name)
        .group_by(companies::id)
        .select((companies::name, diesel::dsl::count(jobs::id.nullable())))
        .load::<(String, i64)>(conn)?;
    for (name, jobs) in rows {
        println!("{name} ({jobs} job{})", if jobs == 1 { "" } else { "s" });
    }
    Ok(())
}

struct NewJob {
    company: String,
    title: String,
    description: String,
    location: Option<String>,
    salary_min: Option<i32>,
    salary_max: Option<i32>,
    currency: String,
}

fn add(conn: &mut SqliteConnection, job: &NewJob) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(companies::table)
            .values(companies::name.eq(&job.company))
            .on_conflict(companies::name)
            .do_nothing()
            .execute(conn)?;
        let company_id = companies::table
            .filter(companies::name.eq(&job.company))
            .select(companies::id)
            .first::<Option<i32>>(conn)?
            // An INTEGER PRIMARY KEY is the rowid: never NULL once stored.
            .ok_or(diesel::result::Error::NotFound)?;
        diesel::insert_into(jobs::table)
            .values((
                jobs::company_id.eq(company_id),
                jobs::title.eq(&job.title),
                jobs::description.eq(&job.description),
                jobs::location.eq(&job.location),
                jobs::salary_min.eq(job.salary_min),
                jobs::salary_max.eq(job.salary_max),
                jobs::salary_currency.eq(&job.currency),
            ))
            .execute(conn)?;
        println!("posted \"{}\" at {}", job.title, job.company);
        Ok(())
    })
}

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
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
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

#[derive(QueryableByName)]
struct JobRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    company: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    location: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    salary_min: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    salary_max: Option<i32>,
    #[diesel(sql_type = Text)]
    salary_currency: String,
}

#[derive(QueryableByName)]
struct CompanyRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    jobs: i64,
}

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

fn list(conn: &mut SqliteConnection) -> QueryResult<()> {
    let jobs = diesel::sql_query(
        "SELECT j.id, c.name AS company, j.title, j.location, j.salary_min, j.salary_max, j.salary_currency \
         FROM jobs j JOIN companies c ON c.id = j.company_id ORDER BY j.posted_at DESC, j.id DESC",
    )
    .load::<JobRow>(conn)?;
    if jobs.is_empty() {
        println!("no jobs posted yet");
    }
    for job in jobs {
        let place = job.location.as_deref().unwrap_or("anywhere");
        let pay = match (job.salary_min, job.salary_max) {
            (Some(lo), Some(hi)) => format!("{lo}-{hi} {}", job.salary_currency),
            (Some(lo), None) => format!("from {lo} {}", job.salary_currency),
            (None, Some(hi)) => format!("up to {hi} {}", job.salary_currency),
            (None, None) => "salary not given".to_owned(),
        };
        println!(
            "#{} {} at {} ({place}), {pay}",
            job.id, job.title, job.company
        );
    }
    Ok(())
}

fn companies(conn: &mut SqliteConnection) -> QueryResult<()> {
    let rows = diesel::sql_query(
        "SELECT c.name, COUNT(j.id) AS jobs FROM companies c LEFT JOIN jobs j ON j.company_id = c.id \
         GROUP BY c.id ORDER BY c.name",
    )
    .load::<CompanyRow>(conn)?;
    for row in rows {
        println!(
            "{} ({} job{})",
            row.name,
            row.jobs,
            if row.jobs == 1 { "" } else { "s" }
        );
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
        diesel::sql_query("INSERT INTO companies (name) VALUES (?) ON CONFLICT (name) DO NOTHING")
            .bind::<Text, _>(&job.company)
            .execute(conn)?;
        diesel::sql_query(
            "INSERT INTO jobs (company_id, title, description, location, salary_min, salary_max, salary_currency) \
             SELECT id, ?, ?, ?, ?, ?, ? FROM companies WHERE name = ?",
        )
        .bind::<Text, _>(&job.title)
        .bind::<Text, _>(&job.description)
        .bind::<Nullable<Text>, _>(&job.location)
        .bind::<Nullable<Integer>, _>(job.salary_min)
        .bind::<Nullable<Integer>, _>(job.salary_max)
        .bind::<Text, _>(&job.currency)
        .bind::<Text, _>(&job.company)
        .execute(conn)?;
        println!("posted \"{}\" at {}", job.title, job.company);
        Ok(())
    })
}

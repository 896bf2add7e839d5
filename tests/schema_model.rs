//! The schema model against the real engines: every case of the corpus in
//! `tests/schema_corpus/<engine>/<case>.sql` is applied, revision by
//! revision, to a new database of that engine by `lithify::verify::verify`
//! (the engine's catalog, read into the model, must equal the fold's model
//! after every revision), and the fold's notes and unknown tables are
//! compared with what the case declares, so "never a guess" is tested too.
//!
//! A case file is a small chain. Lines before the first marker describe the
//! case. Markers are SQL comments, so the engine sees them too:
//!
//! - `-- @revision NAME [no-transaction]`: a new revision (directory
//!   `NNNN_NAME`; `no-transaction` adds `run_in_transaction = false`).
//! - `-- @note TEXT`: the next statement (the next line that is neither
//!   blank nor a comment) gets a fold note whose message contains TEXT. A
//!   revision's notes are exactly its `@note`s, at those lines.
//! - `-- @unknown A, B`: after this revision the tables the model marks
//!   unknown are exactly these (`schema.table` outside the default schema;
//!   nothing after the marker: none). Without one, the set is the previous
//!   revision's (none before the first).
//!
//! - `-- @only mariadb` (or `mysql`), before the first revision: the case
//!   uses syntax only that server has, and is skipped on the other.
//!
//! `LITHIFY_CORPUS_CASE=NAME` runs only the cases whose name contains NAME.
#![cfg(feature = "cli")]

mod server_support;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lithify::verify::{mysql_flavor, verify};
use lithify::MigrationConnection;
use lithify_build::schema::up_file;
use lithify_build::{Builder, CompiledChain};
use lithify_schema::fold::{Fold, RevisionSql};
use lithify_schema::model::{Dialect, MysqlFlavor};
use server_support::*;

/// One revision of a case.
#[derive(Debug)]
struct CaseRevision {
    name: String,
    sql: String,
    transactional: bool,
    /// (1-based line in `sql`, text the note's message contains).
    notes: Vec<(u32, String)>,
    /// The unknown tables after this revision; `None`: as before.
    unknown: Option<BTreeSet<String>>,
}

/// A case file, read.
#[derive(Debug)]
struct Case {
    name: String,
    /// The only server the case runs on, when it uses syntax of one.
    only: Option<MysqlFlavor>,
    revisions: Vec<CaseRevision>,
}

fn marker<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    let rest = line.trim_start().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix(word)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

fn parse_case(name: &str, text: &str) -> Result<Case, String> {
    let mut revisions: Vec<CaseRevision> = Vec::new();
    let mut pending_notes: Vec<String> = Vec::new();
    let mut only = None;
    for (i, line) in text.lines().enumerate() {
        let at = || format!("{name}.sql:{}", i + 1);
        if let Some(server) = marker(line, "@only").filter(|_| revisions.is_empty()) {
            only = Some(match server {
                "mariadb" => MysqlFlavor::Mariadb,
                "mysql" => MysqlFlavor::Mysql,
                other => return Err(format!("{}: unknown server `{other}`", at())),
            });
            continue;
        }
        if let Some(rest) = marker(line, "@revision") {
            if !pending_notes.is_empty() {
                return Err(format!("{}: @note without a statement after it", at()));
            }
            let mut words = rest.split_whitespace();
            let rev_name = words
                .next()
                .ok_or_else(|| format!("{}: @revision needs a name", at()))?;
            let transactional = match words.next() {
                None => true,
                Some("no-transaction") => false,
                Some(other) => return Err(format!("{}: unknown option `{other}`", at())),
            };
            revisions.push(CaseRevision {
                name: rev_name.to_owned(),
                sql: String::new(),
                transactional,
                notes: Vec::new(),
                unknown: None,
            });
            continue;
        }
        let Some(rev) = revisions.last_mut() else {
            continue; // the description
        };
        rev.sql.push_str(line);
        rev.sql.push('\n');
        let line_no = u32::try_from(rev.sql.lines().count()).expect("short case files");
        if let Some(text) = marker(line, "@note") {
            pending_notes.push(text.to_owned());
        } else if let Some(names) = marker(line, "@unknown") {
            rev.unknown = Some(
                names
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        } else if !line.trim().is_empty() && !line.trim_start().starts_with("--") {
            for text in pending_notes.drain(..) {
                rev.notes.push((line_no, text));
            }
        }
    }
    if !pending_notes.is_empty() {
        return Err(format!("{name}: @note at the end, without a statement"));
    }
    if revisions.is_empty() {
        return Err(format!("{name}: no `-- @revision` marker"));
    }
    Ok(Case {
        name: name.to_owned(),
        only,
        revisions,
    })
}

/// The case as a migrations directory.
fn write_case(case: &Case) -> Fixture {
    let mut fixture = Fixture::new();
    for (i, rev) in case.revisions.iter().enumerate() {
        let dir = format!("{:04}_{}", i + 1, rev.name);
        let mut files = vec![("up.sql", rev.sql.as_str())];
        if !rev.transactional {
            files.push(("metadata.toml", "run_in_transaction = false\n"));
        }
        fixture = fixture.revision(&dir, &files);
    }
    fixture
}

/// The case compiled, without the lint (a case is written for one engine).
fn compile(dir: &Path) -> CompiledChain {
    match Builder::new(dir).lint(false).compile() {
        Ok(chain) => chain,
        Err(diags) => panic!("{} does not compile:\n{diags}", dir.display()),
    }
}

/// Where the fold's notes and unknown tables differ from the case's
/// declarations, revision by revision.
fn check_fold(
    case: &Case,
    chain: &CompiledChain,
    dialect: Dialect,
    flavor: MysqlFlavor,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fold = Fold::new(dialect).with_mysql_flavor(flavor);
    let mut expected_unknown = BTreeSet::new();
    for (rev, declared) in chain.revisions.iter().zip(&case.revisions) {
        let file = up_file(rev, dialect);
        fold.apply(&RevisionSql {
            revision: &rev.id,
            file: &file,
            sql: rev.up.for_dialect(dialect).unwrap_or_default(),
        });
        let notes = fold.take_notes();
        let mut unmatched: Vec<_> = notes.iter().collect();
        for (line, text) in &declared.notes {
            match unmatched
                .iter()
                .position(|n| n.line == *line && n.message.contains(text.as_str()))
            {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => problems.push(format!(
                    "revision {}: expected a note at line {line} containing {text:?}",
                    declared.name
                )),
            }
        }
        for n in unmatched {
            problems.push(format!(
                "revision {}: unexpected note at line {}: {} ({})",
                declared.name, n.line, n.message, n.statement
            ));
        }
        if let Some(u) = &declared.unknown {
            expected_unknown.clone_from(u);
        }
        let unknown: BTreeSet<String> = fold
            .schema()
            .tables
            .iter()
            .filter(|t| t.unknown.is_some())
            .map(|t| t.name.to_string())
            .collect();
        if unknown != expected_unknown {
            problems.push(format!(
                "revision {}: unknown tables are {unknown:?}, the case expects {expected_unknown:?}",
                declared.name
            ));
        }
    }
    problems
}

/// Apply `case` to `conn` (an empty database) with `verify`, and check the
/// fold's notes; every problem found, as text.
fn run_case<C: MigrationConnection>(case: &Case, conn: &mut C) -> Vec<String> {
    let dialect = conn.sql_dialect().dialect();
    let flavor = mysql_flavor(conn).expect("server version");
    if case.only.is_some_and(|only| only != flavor) {
        eprintln!("{}: skipped, not for this server ({flavor:?})", case.name);
        return Vec::new();
    }
    let fixture = write_case(case);
    let chain = compile(fixture.path());
    let migrator = lithify::Migrator::new(lithify::leak::leak_chain(&chain)).quiet(true);
    let mut problems = check_fold(case, &chain, dialect, flavor);
    match verify(&migrator, &chain, conn) {
        Err(e) => problems.push(format!("verify failed: {e}")),
        Ok(report) => {
            if let Some(d) = report.disagreement {
                let rev = chain.revisions.iter().position(|r| r.id == d.revision);
                let name = rev.map_or(d.revision.as_str(), |i| case.revisions[i].name.as_str());
                problems.push(format!(
                    "after revision {name} the model and the engine disagree (- model, + engine):\n      {}",
                    d.differences.join("\n      ")
                ));
            } else if report.revisions != case.revisions.len() {
                problems.push(format!(
                    "verify applied {} of {} revisions",
                    report.revisions,
                    case.revisions.len()
                ));
            }
        }
    }
    problems
}

fn corpus_dir(engine: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schema_corpus")
        .join(engine)
}

/// Every case of `engine`'s corpus (those `LITHIFY_CORPUS_CASE` selects).
fn cases(engine: &str) -> Vec<Case> {
    let filter = std::env::var("LITHIFY_CORPUS_CASE").unwrap_or_default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir(engine))
        .expect("corpus directory")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            name.contains(&filter).then_some((name, p))
        })
        .map(|(name, p)| {
            let text = std::fs::read_to_string(&p).expect("case file");
            parse_case(&name, &text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// Run every case of `engine` with `run` (which gives the case a new, empty
/// database and returns its problems), and fail with every problem of every
/// case.
fn run_corpus(engine: &str, mut run: impl FnMut(&Case) -> Vec<String>) {
    let cases = cases(engine);
    if std::env::var("LITHIFY_CORPUS_CASE").is_err() {
        assert!(
            cases.len() >= 10,
            "the {engine} corpus has only {} cases",
            cases.len()
        );
    }
    let mut report = String::new();
    for case in &cases {
        let problems = run(case);
        if !problems.is_empty() {
            let _ = writeln!(report, "{engine}/{}.sql:", case.name);
            for p in problems {
                let _ = writeln!(report, "    {p}");
            }
        }
    }
    assert!(report.is_empty(), "corpus cases failed:\n{report}");
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use diesel::{Connection, SqliteConnection};

    use super::*;

    #[test]
    fn sqlite_corpus_agrees_with_sqlite() {
        let tmp = tempfile::tempdir().expect("temp dir");
        run_corpus("sqlite", |case| {
            let path = tmp.path().join(format!("{}.sqlite3", case.name));
            let mut conn =
                SqliteConnection::establish(&path.to_string_lossy()).expect("open SQLite file");
            run_case(case, &mut conn)
        });
    }

    /// The harness itself: a wrong declaration is a failure, not a pass.
    #[test]
    fn a_case_that_declares_the_wrong_notes_fails() {
        let case = parse_case(
            "wrong",
            "-- @revision one\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n\
             -- @note cannot happen\nCREATE INDEX i ON t (id);\n-- @unknown t\n",
        )
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let mut conn =
            SqliteConnection::establish(&tmp.path().join("w.sqlite3").to_string_lossy()).unwrap();
        let problems = run_case(&case, &mut conn);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0].contains("expected a note at line 3"),
            "{problems:#?}"
        );
        assert!(
            problems[1].contains("unknown tables are {}"),
            "{problems:#?}"
        );
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use diesel::PgConnection;

    use super::*;

    struct Postgres;

    impl Server for Postgres {
        type Conn = PgConnection;
        const URL_VAR: &'static str = "POSTGRES_URL";
        const DEFAULT_URL: &'static str = "postgres://postgres@127.0.0.1:5432";
        const ADMIN_DATABASE: &'static str = "postgres";
        const DROP_OPTIONS: &'static str = " WITH (FORCE)";
    }

    #[test]
    fn postgres_corpus_agrees_with_postgres() {
        run_corpus("postgres", |case| {
            let db = ServerDb::<Postgres>::new("corpus");
            let mut conn = db.conn();
            run_case(case, &mut conn)
        });
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use diesel::MysqlConnection;

    use super::*;

    struct Mysql;

    impl Server for Mysql {
        type Conn = MysqlConnection;
        const URL_VAR: &'static str = "MYSQL_URL";
        const DEFAULT_URL: &'static str = "mysql://root@127.0.0.1:3306";
        const ADMIN_DATABASE: &'static str = "mysql";
        const DROP_OPTIONS: &'static str = "";
    }

    #[test]
    fn mysql_corpus_agrees_with_the_server() {
        run_corpus("mysql", |case| {
            let db = ServerDb::<Mysql>::new("corpus");
            let mut conn = db.conn();
            run_case(case, &mut conn)
        });
    }
}

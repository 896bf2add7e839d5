//! Both front ends as a person uses them: output lines and exit codes
//! (0 ok, 1 check failed, 2 usage, 3 failure, 4 refused).
mod sqlite_support;

use std::path::Path;
use std::process::{Command, Output};

use sqlite_support::*;

fn run(bin: &str, cwd: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run binary")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const LITHIFY: &str = env!("CARGO_BIN_EXE_lithify");
const JOBBOARD: &str = env!("CARGO_BIN_EXE_jobboard");

#[test]
fn lithify_binary_exit_codes_and_output() {
    let revs = tables_chain(3);
    let fx = Fixture::new(&as_revs(&revs));
    let cwd = fx.tmp.path();
    let db = fx.db.to_string_lossy().into_owned();
    let lithify = |args: &[&str]| run(LITHIFY, cwd, args);

    // Directory check without a database.
    let o = lithify(&["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("is valid (3 revisions)"),
        "{}",
        stdout(&o)
    );

    // With a database that is behind: 1.
    let o = lithify(&["--database-url", &db, "check"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 revision(s) pending"),
        "{}",
        stderr(&o)
    );

    let o = lithify(&["--database-url", &db, "upgrade", "+1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.lines().next().is_some_and(
            |l| l.starts_with("upgrade <base> -> 0001: create t1 (") && l.ends_with(" ms)")
        ),
        "{out}"
    );
    assert!(out.contains("upgraded 1 revision in"), "{out}");

    let o = lithify(&["--database-url", &db, "upgrade"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("database now at 0003 (head)"),
        "{}",
        stdout(&o)
    );
    let o = lithify(&["--database-url", &db, "upgrade"]);
    assert!(
        stdout(&o).contains("nothing to do: database already at 0003 (head)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(code(&lithify(&["--database-url", &db, "check"])), 0);

    let o = lithify(&["--database-url", &db, "downgrade", "-1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("downgrade 0003 -> 0002: create t3 ("),
        "{}",
        stdout(&o)
    );

    let o = lithify(&["--database-url", &db, "current"]);
    assert_eq!(stdout(&o).trim(), "0002");
    let o = lithify(&["--database-url", &db, "history", "--indicate-current"]);
    let out = stdout(&o);
    assert!(
        out.contains("0002 -> 0003 (head), create t3")
            && out.contains("0001 -> 0002 (current), create t2"),
        "{out}"
    );
    assert_eq!(stdout(&lithify(&["heads"])).trim(), "0003 (head)");

    // Usage errors: 2.
    assert_eq!(code(&lithify(&["frobnicate"])), 2);
    assert_eq!(
        code(&lithify(&["--database-url", &db, "upgrade", "nope"])),
        2
    );
    assert_eq!(code(&lithify(&["upgrade"])), 2, "no database given");

    // Refused: drift is 4, and a failed check is 1.
    let mut conn = fx.conn();
    exec(
        &mut conn,
        "UPDATE lithify_revisions SET checksum = 'sha256:00' WHERE id = '0001'",
    );
    let o = lithify(&["--database-url", &db, "upgrade"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("checksum drift in revision `0001`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&lithify(&["--database-url", &db, "check"])), 1);
}

#[test]
fn invalid_directory_fails_check_with_diagnostics() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    std::fs::write(
        fx.dir.join("0002_create_t2/metadata.toml"),
        "parents = [\"nope\"]\n",
    )
    .expect("metadata");
    let o = run(LITHIFY, fx.tmp.path(), &["check"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("error:") && stderr(&o).contains("nope"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn passwords_in_urls_are_never_printed() {
    let revs = tables_chain(1);
    let fx = Fixture::new(&as_revs(&revs));
    for url in [
        "postgres://me:s3cret@127.0.0.1:1/db",
        "redis://me:s3cret@127.0.0.1:1/0",
    ] {
        let o = run(LITHIFY, fx.tmp.path(), &["--database-url", url, "upgrade"]);
        assert_ne!(code(&o), 0);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("s3cret"), "{all}");
    }
}

#[test]
fn jobboard_migrates_itself_and_refuses_to_run_behind() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cwd = tmp.path();
    // The database URL comes from ./.env, like diesel's CLI.
    std::fs::write(cwd.join(".env"), "# demo\nDATABASE_URL=sqlite://jobs.db\n").expect(".env");
    let jobboard = |args: &[&str]| run(JOBBOARD, cwd, args);

    let o = jobboard(&["list"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--migrate upgrade head"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&jobboard(&["--migrate", "check"])), 1);

    let o = jobboard(&["--migrate", "upgrade", "head"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(cwd.join("jobs.db").exists());
    assert_eq!(code(&jobboard(&["--migrate", "check"])), 0);

    let o = jobboard(&[
        "add",
        "--company",
        "Initech",
        "--title",
        "TPS Reporter",
        "--salary-min",
        "40000",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = jobboard(&["list"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("TPS Reporter at Initech")
            && stdout(&o).contains("Propulsion Engineer"),
        "{}",
        stdout(&o)
    );

    // --database-url before --migrate is honoured too; -1 is a target, not a flag.
    let o = jobboard(&["--database-url", "jobs.db", "--migrate", "downgrade", "-1"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(code(&jobboard(&["list"])), 1);
    assert_eq!(code(&jobboard(&["--migrate", "frobnicate"])), 2);
}

#[test]
fn handle_cli_flag_leaves_other_arguments_alone() {
    let revs = tables_chain(1);
    let fx = Fixture::new(&as_revs(&revs));
    let m = fx.migrator();
    let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
    assert!(m
        .handle_cli_flag(args(&["app", "serve", "--port", "80"]))
        .is_none());
    assert!(m.handle_cli_flag(args(&["app"])).is_none());
    assert!(m.handle_cli_flag(Vec::new()).is_none());
    // `--migrate` with no command is a usage error, answered rather than ignored.
    assert_eq!(
        m.handle_cli_flag(args(&["app", "--migrate"])),
        Some(std::process::ExitCode::from(2))
    );
    let db = fx.db.to_string_lossy().into_owned();
    let code = m.handle_cli_flag(args(&[
        "app",
        "--migrate",
        "upgrade",
        "--database-url",
        &db,
    ]));
    assert_eq!(code, Some(std::process::ExitCode::SUCCESS));
    assert_eq!(recorded(&mut fx.conn()), ["0001"]);
}

#[test]
fn authoring_commands_write_seal_and_validate() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cwd = tmp.path();
    let lithify = |args: &[&str]| run(LITHIFY, cwd, args);

    let o = lithify(&["new", "-m", "create widgets"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("created "), "{}", stdout(&o));
    let first = std::fs::read_dir(cwd.join("migrations"))
        .expect("dir")
        .count();
    assert_eq!(first, 1);
    // A second revision must get a later version; wait past the second boundary.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = lithify(&["new", "-m", "add widget colour"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let o = lithify(&["seal"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("sealed 2 revision(s)"),
        "{}",
        stdout(&o)
    );
    assert!(cwd.join("migrations/lithify.lock").exists());
    assert!(stdout(&lithify(&["seal"])).contains("nothing to do"));
    assert_eq!(code(&lithify(&["check"])), 0);

    let o = lithify(&["history"]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.contains("(head), add widget colour")),
        "{out}"
    );
    let o = lithify(&["sql"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("-- upgrade <base> -> "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn history_ranges() {
    let revs = tables_chain(4);
    let fx = Fixture::new(&as_revs(&revs));
    let o = run(LITHIFY, fx.tmp.path(), &["history", "-r", "0002:0003"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "0002 -> 0003, create t3\n0001 -> 0002, create t2\n"
    );
    let o = run(LITHIFY, fx.tmp.path(), &["history", "-r", "0003:"]);
    assert_eq!(
        stdout(&o),
        "0003 -> 0004 (head), create t4\n0002 -> 0003, create t3\n"
    );
}

#[test]
fn lock_timeout_and_bookkeeping_table_flags_on_both_front_ends() {
    let revs = tables_chain(2);
    let fx = Fixture::new(&as_revs(&revs));
    let cwd = fx.tmp.path();
    let db = fx.db.to_string_lossy().into_owned();

    // Another migrator holds the database's lock file: with --lock-timeout 0
    // the run gives up at once, says why, and changes nothing.
    let held = fx.hold_migration_lock();
    let args = ["--database-url", &db, "--lock-timeout", "0", "upgrade"];
    let o = run(LITHIFY, cwd, &args);
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("could not take the migration lock"),
        "{}",
        stderr(&o)
    );
    assert!(tables(&mut fx.conn()).is_empty());
    drop(held);

    // The table flag names the bookkeeping table, before or after the command.
    let o = run(
        LITHIFY,
        cwd,
        &[
            "--bookkeeping-table",
            "schema_history",
            "--database-url",
            &db,
            "upgrade",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let names: Vec<String> = schema(&mut fx.conn()).into_iter().map(|r| r.name).collect();
    assert!(names.contains(&"schema_history".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"lithify_revisions".to_owned()),
        "{names:?}"
    );

    // The application's --migrate flag takes the same options.
    let app_db = cwd.join("app.db").to_string_lossy().into_owned();
    let app = |command: &str| {
        run(
            JOBBOARD,
            cwd,
            &[
                "--database-url",
                &app_db,
                "--migrate",
                command,
                "--bookkeeping-table",
                "ops_revisions",
            ],
        )
    };
    let o = app("upgrade");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = app("current");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("(head)"), "{}", stdout(&o));

    // A name that cannot be a table is refused as a usage error.
    let o = run(
        LITHIFY,
        cwd,
        &[
            "--database-url",
            &db,
            "--bookkeeping-table",
            "x; DROP TABLE t1",
            "current",
        ],
    );
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("x; DROP TABLE t1"), "{}", stderr(&o));
}

#[test]
fn a_file_that_is_not_a_database_is_reported_and_left_alone() {
    let fx = Fixture::new(&as_revs(&tables_chain(1)));
    std::fs::write(&fx.db, "notes, not a database\n").expect("write");
    let o = fx.lithify(&["upgrade"]).output().expect("run lithify");
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("opening the database session: file is not a database"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&fx.db).expect("read"),
        "notes, not a database\n"
    );
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// A directory as a project has it on adoption (a dozen drafts, stray
/// files): `check` says so in one line per kind, `--verbose` names each,
/// and the commands that only run against a database say nothing of it.
#[test]
fn drafts_are_one_summary_in_check_and_none_in_runtime_commands() {
    let revs = tables_chain(12);
    let fx = Fixture::new(&as_revs(&revs));
    std::fs::write(fx.dir.join("schema_dump.sql"), "-- old dump\n").expect("stray file");
    std::fs::write(fx.dir.join(".keep"), "").expect("stray file");
    let cwd = fx.tmp.path();
    let lithify = |args: &[&str]| run(LITHIFY, cwd, args);
    let drafts = |text: &str| text.matches("is not sealed").count();

    let o = lithify(&["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("12 revisions are not sealed"),
        "{}",
        stderr(&o)
    );
    snapshot("cli_check_many_drafts", &stderr(&o));

    let o = lithify(&["check", "--verbose"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(drafts(&stderr(&o)), 12, "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("skipped: not a migration").count(), 2);

    let db = fx.db.to_string_lossy().into_owned();
    for args in [
        &["--database-url", &db, "upgrade", "+2"][..],
        &["--database-url", &db, "current"],
        &["--database-url", &db, "history", "--indicate-current"],
        &["heads"],
        &["branches"],
        &["sql"],
        &["--database-url", &db, "downgrade", "base"],
    ] {
        let o = lithify(args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?} must not warn about the directory");
    }

    // The pending list is capped; --verbose names every one.
    let o = lithify(&["--database-url", &db, "check"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains(
            "12 revision(s) pending (0001, 0002, 0003, 0004, 0005 and 7 more); run `upgrade head`"
        ),
        "{}",
        stderr(&o)
    );
    let o = lithify(&["--database-url", &db, "check", "--verbose"]);
    assert!(
        stderr(&o).contains("0011, 0012); run `upgrade head`"),
        "{}",
        stderr(&o)
    );

    // A runtime command stopped by a broken directory prints its errors only.
    std::fs::write(
        fx.dir.join("0012_create_t12/metadata.toml"),
        "parents = [\"nope\"]\n",
    )
    .expect("metadata");
    let o = lithify(&["heads"]);
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("names parent `nope`"), "{}", stderr(&o));
    assert_eq!(
        drafts(&stderr(&o)) + stderr(&o).matches("skipped").count(),
        0,
        "{}",
        stderr(&o)
    );
}

/// `.env` is read with dotenvy's rules (diesel's CLI reads it so), after
/// `--database-url` and `DATABASE_URL`; a line that does not parse is named.
#[test]
fn dotenv_quoting_precedence_and_errors() {
    let revs = tables_chain(1);
    let fx = Fixture::new(&as_revs(&revs));
    let cwd = fx.tmp.path();
    std::fs::write(
        cwd.join(".env"),
        "# dev database\nDIR='data dir'\nexport DATABASE_URL=\"${DIR}/app \\\"one\\\".db\" # quoted\n",
    )
    .expect(".env");
    std::fs::create_dir(cwd.join("data dir")).expect("dir");
    let o = run(LITHIFY, cwd, &["upgrade"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(cwd.join("data dir/app \"one\".db").exists());

    // The flag, then the environment, come before the file.
    let o = run(LITHIFY, cwd, &["--database-url", "flag.db", "upgrade"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(cwd.join("flag.db").exists());
    let o = Command::new(LITHIFY)
        .arg("upgrade")
        .current_dir(cwd)
        .env("DATABASE_URL", "env.db")
        .output()
        .expect("run");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(cwd.join("env.db").exists());

    std::fs::write(
        cwd.join(".env"),
        "A=1\nDATABASE_URL=\"postgres://me:s3cret@db/app\n",
    )
    .expect(".env");
    let o = run(LITHIFY, cwd, &["current"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(".env: line 2 does not parse") && !stderr(&o).contains("s3cret"),
        "{}",
        stderr(&o)
    );
}

/// A SQLite file that cannot be opened is named, with why, and with the
/// file another common reading of the URL finds; `file:` URIs reach SQLite
/// as URIs, and the lock file sits beside the real database file.
#[test]
fn sqlite_urls_say_what_they_opened_and_why_not() {
    let revs = tables_chain(1);
    let fx = Fixture::new(&as_revs(&revs));
    let cwd = fx.tmp.path();

    // A directory that is missing.
    let o = run(
        LITHIFY,
        cwd,
        &["--database-url", "missing/app.db", "upgrade"],
    );
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let missing = cwd.canonicalize().expect("tmp").join("missing");
    assert!(
        stderr(&o).contains(&format!(
            "cannot open {}/app.db: the directory {} does not exist",
            missing.display(),
            missing.display()
        )),
        "{}",
        stderr(&o)
    );

    // The SQLAlchemy form of a relative path, where the relative file exists:
    // read as absolute (as diesel does), the error points at the relative one.
    let dir = format!("lithify-url-test-{}", std::process::id());
    std::fs::create_dir(cwd.join(&dir)).expect("dir");
    let o = run(
        LITHIFY,
        cwd,
        &[
            "--database-url",
            &format!("sqlite://{}/app.db", cwd.join(&dir).display()),
            "upgrade",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let url = format!("sqlite:///./{dir}/app.db");
    let o = run(LITHIFY, cwd, &["--database-url", &url, "current"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("the directory /{dir} does not exist"))
            && stderr(&o).contains(&format!(
                "{}/app.db exists",
                cwd.canonicalize().expect("tmp").join(&dir).display()
            ))
            && stderr(&o).contains(&format!("write `sqlite://./{dir}/app.db`")),
        "{}",
        stderr(&o)
    );

    // A `file:` URI: its parameters are SQLite's, not part of the file name.
    std::fs::create_dir(cwd.join("data")).expect("dir");
    let o = run(
        LITHIFY,
        cwd,
        &["--database-url", "file:data/app.db?mode=rwc", "upgrade"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut files: Vec<String> = std::fs::read_dir(cwd.join("data"))
        .expect("data")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["app.db", "app.db-lithify-lock"]);
    let o = run(
        LITHIFY,
        cwd,
        &["--database-url", "file:data/app.db?mode=ro", "check"],
    );
    assert_eq!(code(&o), 0, "read-only is enough to check: {}", stderr(&o));
}

/// `--session-sql` on the application's `--migrate` flag runs on every
/// session the migrator opens, the one-query start-up check's included, and
/// the offline script shows it first.
#[test]
fn session_sql_on_the_applications_flag() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cwd = tmp.path();
    let probe = "CREATE TABLE IF NOT EXISTS session_ran (n INTEGER)";
    let jobboard = |args: &[&str]| {
        let mut all = vec![
            "--database-url",
            "jobs.db",
            "--migrate",
            "--session-sql",
            probe,
        ];
        all.extend_from_slice(args);
        run(JOBBOARD, cwd, &all)
    };
    let o = jobboard(&["upgrade", "head"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let db = cwd.join("jobs.db").to_string_lossy().into_owned();
    let mut conn = <diesel::SqliteConnection as diesel::Connection>::establish(&db).expect("db");
    let ran =
        |conn: &mut diesel::SqliteConnection| tables_in(conn).iter().any(|t| t == "session_ran");
    assert!(ran(&mut conn));

    // At head, `check` is one query; the session SQL still runs first.
    exec(&mut conn, "DROP TABLE session_ran");
    let o = jobboard(&["check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(ran(&mut conn), "the start-up check ran the session SQL");

    let o = jobboard(&["sql"]);
    assert!(
        stdout(&o).contains(&format!(
            "-- session set-up, from --session-sql (Migrator::session_sql): run first, in the session that runs this script\n{probe};\n"
        )),
        "{}",
        stdout(&o)
    );
}

fn tables_in(conn: &mut diesel::SqliteConnection) -> Vec<String> {
    schema(conn)
        .into_iter()
        .filter(|r| r.kind == "table")
        .map(|r| r.name)
        .collect()
}

/// docs/deployment.md: a migrate job (compose `service_completed_successfully`,
/// a Kubernetes init container) keeps the application from starting unless
/// `app --migrate upgrade head` exits 0. A failing revision exits 3, a
/// database the binary refuses to touch 4, and both leave the database as it
/// was; the exits 0, 1 and 2 are in `jobboard_migrates_itself_and_refuses_to_run_behind`.
#[test]
fn a_migrate_job_fails_with_3_on_a_failing_revision_and_4_on_a_refusal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cwd = tmp.path();
    let db = cwd.join("jobs.db");
    let url = db.to_string_lossy().into_owned();
    let migrate = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str(), "--migrate"];
        all.extend_from_slice(args);
        run(JOBBOARD, cwd, &all)
    };

    // A table the first revision creates is already there (made by hand):
    // its CREATE TABLE fails, the revision rolls back.
    let mut conn = diesel::Connection::establish(&url).expect("open");
    exec(
        &mut conn,
        "CREATE TABLE companies (id INTEGER PRIMARY KEY);",
    );
    let o = migrate(&["upgrade", "head"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("rolled back"), "{}", stderr(&o));
    assert_eq!(code(&migrate(&["check"])), 1);

    // Once fixed it migrates; a row this binary does not know (a newer
    // release already ran) is a refusal, and nothing changes.
    exec(&mut conn, "DROP TABLE companies;");
    assert_eq!(code(&migrate(&["upgrade", "head"])), 0);
    exec(
        &mut conn,
        "INSERT INTO lithify_revisions (id, checksum, message, state) \
         VALUES ('29990101000000', 'sha256:00', 'from a newer release', 'applied');",
    );
    let o = migrate(&["upgrade", "head"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("29990101000000"), "{}", stderr(&o));
    assert_eq!(code(&migrate(&["check"])), 1);
}

//! `lithify new --autogenerate` and `lithify diff`, end to end on each engine:
//! a diesel user edits schema.rs (a table with a foreign key, columns added,
//! dropped, retyped, made NOT NULL, one renamed with `--rename`), runs one
//! command with no database, and the revision it writes passes `check
//! --schema`, upgrades a database with rows (the real `diesel print-schema`
//! then prints the edited schema.rs), and downgrades back to the schema and
//! rows it started from. Then the database is changed by hand: `diff`
//! reports it, `--from-database` captures it, and after `stamp` `diff`
//! passes. One database per engine for the whole story.
//!
//! Also: the written revision.toml per dialect (snapshots), the rename
//! question answered through a pseudo-terminal both ways (`script`), and
//! the fallback without a terminal.

#![cfg(feature = "cli")]

mod server_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use server_support::text;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/autogenerate");

/// A crate with diesel.toml and a migrations directory holding the base
/// revision (companies, jobs).
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
        )
        .expect("Cargo.toml");
        // print-schema would list lithify's bookkeeping tables.
        std::fs::write(
            root.join("diesel.toml"),
            "[print_schema]\nfile = \"src/schema.rs\"\nfilter = { except_tables = [\"^lithify_revisions\"] }\n",
        )
        .expect("diesel.toml");
        let base = root.join("migrations/2024-01-01-000000_base");
        std::fs::create_dir_all(&base).expect("migrations");
        std::fs::create_dir_all(root.join("src")).expect("src");
        std::fs::copy(
            Path::new(FIXTURE).join("base.toml"),
            base.join("revision.toml"),
        )
        .expect("base revision");
        Project { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `lithify --dir migrations ARGS...` in the crate root, without a terminal.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lithify"));
        cmd.current_dir(self.root())
            .args(["--dir", "migrations"])
            .args(args)
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run lithify")
    }

    /// Run and require success.
    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "lithify {args:?}:\n{}", text(&out));
        out
    }

    fn edit_schema(&self, dialect: &str) -> String {
        let edited =
            std::fs::read_to_string(Path::new(FIXTURE).join(format!("edited.{dialect}.rs")))
                .expect("edited schema");
        std::fs::write(self.root().join("src/schema.rs"), &edited).expect("schema.rs");
        edited
    }

    /// The revision.toml an autogenerate run says it created.
    fn written(&self, out: &Output) -> PathBuf {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("created "))
            .unwrap_or_else(|| panic!("no `created` line:\n{}", text(out)));
        self.root().join(line)
    }

    /// `diesel print-schema` of the database at `url`, with this crate's diesel.toml.
    fn print_schema(&self, url: &str) -> String {
        let out = Command::new(diesel_cli())
            .args(["print-schema", "--database-url", url])
            .current_dir(self.root())
            .env_remove("DATABASE_URL")
            .output()
            .expect("run diesel print-schema (cargo install diesel_cli)");
        assert!(out.status.success(), "diesel print-schema:\n{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn diesel_cli() -> PathBuf {
    if let Some(path) = std::env::var_os("DIESEL") {
        return PathBuf::from(path);
    }
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let in_cargo = home.join(".cargo/bin/diesel");
    if in_cargo.is_file() {
        in_cargo
    } else {
        PathBuf::from("diesel")
    }
}

/// A database of one engine, and what differs in talking to it.
trait Engine {
    /// The dialect's name.
    const DIALECT: &'static str;
    /// Its URL.
    fn url(&self) -> String;
    /// Run statements.
    fn execute(&self, sql: &str);
    /// One line per row of `SELECT <cols joined by |> FROM table ORDER BY id`.
    fn rows(&self, table: &str, columns: &[&str]) -> Vec<String>;
}

struct Sqlite {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Sqlite {
    fn new() -> Sqlite {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("app.db");
        Sqlite { _dir: dir, path }
    }

    fn conn(&self) -> diesel::SqliteConnection {
        diesel::SqliteConnection::establish(&self.url()).expect("sqlite")
    }
}

impl Engine for Sqlite {
    const DIALECT: &'static str = "sqlite";

    fn url(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    fn execute(&self, sql: &str) {
        self.conn().batch_execute(sql).expect(sql);
    }

    fn rows(&self, table: &str, columns: &[&str]) -> Vec<String> {
        let parts: Vec<String> = columns
            .iter()
            .map(|c| format!("ifnull(CAST({c} AS TEXT), '-')"))
            .collect();
        let sql = format!(
            "SELECT {} AS line FROM {table} ORDER BY id",
            parts.join(" || '|' || ")
        );
        server_support::lines(&mut self.conn(), &sql)
    }
}

/// `concat_ws` over text casts: PostgreSQL and MySQL both have it.
fn concat_rows(table: &str, columns: &[&str], text_type: &str) -> String {
    let parts: Vec<String> = columns
        .iter()
        .map(|c| format!("coalesce(CAST({c} AS {text_type}), '-')"))
        .collect();
    format!(
        "SELECT concat_ws('|', {}) AS line FROM {table} ORDER BY id",
        parts.join(", ")
    )
}

#[cfg(feature = "postgres")]
impl Engine for server_support::ServerDb<server_support::Postgres> {
    const DIALECT: &'static str = "postgres";

    fn url(&self) -> String {
        self.url.clone()
    }

    fn execute(&self, sql: &str) {
        self.conn().batch_execute(sql).expect(sql);
    }

    fn rows(&self, table: &str, columns: &[&str]) -> Vec<String> {
        server_support::lines(&mut self.conn(), &concat_rows(table, columns, "TEXT"))
    }
}

#[cfg(feature = "mysql")]
impl Engine for server_support::ServerDb<server_support::Mysql> {
    const DIALECT: &'static str = "mysql";

    fn url(&self) -> String {
        self.url.clone()
    }

    fn execute(&self, sql: &str) {
        self.conn().batch_execute(sql).expect(sql);
    }

    fn rows(&self, table: &str, columns: &[&str]) -> Vec<String> {
        server_support::lines(&mut self.conn(), &concat_rows(table, columns, "CHAR"))
    }
}

/// The whole story on one database.
fn story<E: Engine>(db: &E) {
    let p = Project::new();
    let url = db.url();
    let d = E::DIALECT;
    p.ok(&["--database-url", &url, "upgrade", "head"]);
    db.execute(
        "INSERT INTO companies (name) VALUES ('acme');\n\
         INSERT INTO jobs (company_id, title, salary, legacy, obsolete) VALUES (1, 'dev', 100, 'kept', 'x');\n\
         INSERT INTO jobs (company_id, title, salary, legacy, obsolete) VALUES (1, 'ops', NULL, NULL, 'y');",
    );
    let before = p.print_schema(&url);
    let untouched = ["id", "company_id", "title", "salary"];
    let rows_before = db.rows("jobs", &untouched);

    // Edit schema.rs, write the revision with no database.
    let edited = p.edit_schema(d);
    let out = p.ok(&[
        "new",
        "--autogenerate",
        "-m",
        "edit jobs",
        "--dialect",
        d,
        "--rename",
        "jobs.legacy=notes",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "detected 6 changes",
        "renamed column `jobs.legacy` to `jobs.notes`",
        "removed column `jobs.obsolete` (destructive",
        "NOT NULL on `jobs.title`",
        "type of `jobs.salary`",
        "added column `jobs.currency`",
        "added table `tags`",
    ] {
        assert!(
            stdout.contains(expected),
            "{d}: `{expected}` in\n{}",
            text(&out)
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("does not build yet") && !stderr.contains("still differs"),
        "{d}: the revision gives schema.rs and builds for every dialect:\n{}",
        text(&out)
    );
    // The reviewer fills the data step the NOT NULL column needs.
    let revision = p.written(&out);
    let toml = std::fs::read_to_string(&revision).expect("revision");
    let placeholder = "sql = \"-- UPDATE jobs SET currency = <value> WHERE currency IS NULL;\"";
    assert!(toml.contains(placeholder), "{toml}");
    let filled = toml.replace(
        placeholder,
        "sql = \"UPDATE jobs SET currency = 'EUR' WHERE currency IS NULL\"",
    );
    std::fs::write(&revision, filled).expect("fill the data step");

    p.ok(&["check", "--schema", "src/schema.rs", "--dialect", d]);
    p.ok(&["--database-url", &url, "upgrade", "head"]);
    assert_eq!(
        p.print_schema(&url),
        edited,
        "{d}: print-schema after the upgrade"
    );
    assert_eq!(
        db.rows("jobs", &["id", "title", "notes", "currency"]),
        ["1|dev|kept|EUR", "2|ops|-|EUR"],
        "{d}: the renamed column kept its data"
    );

    p.ok(&["--database-url", &url, "downgrade", "-1"]);
    assert_eq!(
        p.print_schema(&url),
        before,
        "{d}: print-schema after the downgrade"
    );
    assert_eq!(
        db.rows("jobs", &untouched),
        rows_before,
        "{d}: rows after the downgrade"
    );
    assert_eq!(
        db.rows("jobs", &["id", "legacy"]),
        ["1|kept", "2|-"],
        "{d}: renamed back"
    );

    drift(&p, db);
}

/// A column added by hand is drift; captured and stamped, it is not.
fn drift<E: Engine>(p: &Project, db: &E) {
    let url = db.url();
    p.ok(&["--database-url", &url, "upgrade", "head"]);
    p.ok(&["--database-url", &url, "diff"]);
    db.execute("ALTER TABLE jobs ADD COLUMN remote BOOLEAN NOT NULL DEFAULT FALSE");
    let out = p.run(&["--database-url", &url, "diff"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Database is out of sync") && stderr.contains("+ column jobs.remote"),
        "{}",
        text(&out)
    );
    let out = p.ok(&[
        "new",
        "--autogenerate",
        "--from-database",
        &url,
        "-m",
        "capture remote",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("added column `jobs.remote`")
            && !String::from_utf8_lossy(&out.stderr).contains("not captured"),
        "{}",
        text(&out)
    );
    p.ok(&["--database-url", &url, "stamp", "head"]);
    let out = p.ok(&["--database-url", &url, "diff"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("ok: "),
        "{}",
        text(&out)
    );
}

#[test]
fn sqlite_autogenerate_upgrade_downgrade_and_drift() {
    story(&Sqlite::new());
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_autogenerate_upgrade_downgrade_and_drift() {
    story(&server_support::ServerDb::<server_support::Postgres>::new(
        "autogen",
    ));
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_autogenerate_upgrade_downgrade_and_drift() {
    story(&server_support::ServerDb::<server_support::Mysql>::new(
        "autogen",
    ));
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// The revision written for the reference edits, per dialect: what the
/// reviewer reads.
#[test]
fn written_revisions_for_the_reference_edits() {
    for d in ["sqlite", "postgres", "mysql"] {
        let p = Project::new();
        p.edit_schema(d);
        let out = p.ok(&[
            "new",
            "--autogenerate",
            "-m",
            "edit jobs",
            "--dialect",
            d,
            "--rename",
            "jobs.legacy=notes",
        ]);
        let revision = std::fs::read_to_string(p.written(&out)).expect("revision");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let shown: Vec<&str> = stdout
            .lines()
            .filter(|l| !l.starts_with("created "))
            .collect();
        snapshot(
            &format!("autogenerate_{d}"),
            &format!("{}\n--- revision.toml\n{revision}", shown.join("\n")),
        );
    }
}

#[test]
fn nothing_to_do_writes_nothing() {
    let p = Project::new();
    let out = p.ok(&["schema", "--write", "--dialect", "postgres"]);
    assert!(out.status.success());
    let out = p.ok(&[
        "new",
        "--autogenerate",
        "-m",
        "nothing",
        "--dialect",
        "postgres",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no changes detected between the chain's head and src/schema.rs (postgres)\n"
    );
    let revisions = std::fs::read_dir(p.root().join("migrations"))
        .expect("dir")
        .count();
    assert_eq!(revisions, 1);
}

/// A schema.rs where `jobs.legacy` became `jobs.notes`, nothing else.
fn renamed_only(p: &Project) {
    let printed = p.ok(&["schema", "--dialect", "sqlite"]);
    let text = String::from_utf8_lossy(&printed.stdout).replace("legacy ->", "notes ->");
    std::fs::write(p.root().join("src/schema.rs"), text).expect("schema.rs");
}

/// `lithify new --autogenerate` in a pseudo-terminal (`script`), `answer`
/// typed at the question.
fn through_a_terminal(p: &Project, answer: &str) -> Option<Output> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed, so no pseudo-terminal");
        return None;
    }
    let command = format!(
        "'{}' --dir migrations new --autogenerate -m rename --dialect sqlite",
        env!("CARGO_BIN_EXE_lithify")
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(p.root())
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(answer.as_bytes()).expect("answer");
    }
    Some(child.wait_with_output().expect("script"))
}

#[test]
fn the_rename_question_through_a_terminal() {
    for (answer, renamed) in [("y\n", true), ("n\n", false)] {
        let p = Project::new();
        renamed_only(&p);
        let Some(out) = through_a_terminal(&p, answer) else {
            return;
        };
        let shown = text(&out);
        assert!(
            shown.contains("Did you rename jobs.legacy to jobs.notes (TEXT)? [y/N]"),
            "{shown}"
        );
        let revision = std::fs::read_to_string(p.written(&out)).expect("revision");
        assert_eq!(
            revision.contains("rename_to = \"notes\""),
            renamed,
            "{revision}"
        );
        assert_eq!(
            revision.contains("op = \"drop_column\""),
            !renamed,
            "{revision}"
        );
        assert!(
            !revision.contains("MAY BE A RENAME"),
            "answered: {revision}"
        );
    }
}

#[test]
fn without_a_terminal_a_possible_rename_is_written_as_drop_and_add_and_said() {
    let p = Project::new();
    renamed_only(&p);
    let out = p.ok(&[
        "new",
        "--autogenerate",
        "-m",
        "rename",
        "--dialect",
        "sqlite",
    ]);
    let shown = text(&out);
    assert!(!shown.contains("Did you rename"), "{shown}");
    assert!(
        shown.contains("may be a rename: written as drop + add, which loses the data; `--rename jobs.legacy=notes` keeps it"),
        "{shown}"
    );
    let revision = std::fs::read_to_string(p.written(&out)).expect("revision");
    assert!(
        revision.contains("# MAY BE A RENAME: column `jobs.legacy` was removed"),
        "{revision}"
    );
    let out = p.run(&[
        "new",
        "--autogenerate",
        "-m",
        "x",
        "--rename",
        "jobs.nope=notes",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--rename jobs.nope=notes: `nope` is not among what the change removes"),
        "{}",
        text(&out)
    );
}

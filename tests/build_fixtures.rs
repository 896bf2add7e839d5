//! `cargo build` of small fixture applications: a broken migrations directory
//! must fail the build with a readable diagnostic, and a new revision must be
//! picked up by the next build with no other change.
//!
//! Every fixture shares one target directory, so lithify and diesel are
//! compiled once for the whole file; cargo's own lock serialises the builds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LITHIFY: &str = env!("CARGO_MANIFEST_DIR");

/// A fixture application crate in a temporary directory.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join(name);
        let template = Path::new(LITHIFY).join("tests/fixtures/app");
        fs::create_dir_all(root.join("src")).expect("mkdir");
        fs::create_dir_all(root.join("migrations")).expect("mkdir");
        let manifest = fs::read_to_string(template.join("Cargo.toml.in"))
            .expect("template")
            .replace("@NAME@", &format!("fixture_{name}"))
            .replace("@LITHIFY@", LITHIFY);
        fs::write(root.join("Cargo.toml"), manifest).expect("write");
        fs::copy(template.join("build.rs"), root.join("build.rs")).expect("copy");
        fs::copy(template.join("src/main.rs"), root.join("src/main.rs")).expect("copy");
        // The workspace's lock file pins the same dependency versions, so the
        // shared target directory reuses every compiled dependency.
        fs::copy(
            Path::new(LITHIFY).join("Cargo.lock"),
            root.join("Cargo.lock"),
        )
        .expect("lock");
        Fixture { _dir: dir, root }
    }

    /// Write `migrations/<rel>`, creating directories.
    fn write(&self, rel: &str, contents: &str) -> &Fixture {
        let path = self.root.join("migrations").join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
        self
    }

    /// Write `<app>/<rel>` (a source file, diesel.toml, build.rs).
    fn write_app_file(&self, rel: &str, contents: &str) -> &Fixture {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
        self
    }

    /// The `lithify` binary on this app, run from its root.
    fn lithify(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lithify"))
            .args(args)
            .current_dir(&self.root)
            .env_remove("DATABASE_URL")
            .output()
            .expect("lithify runs")
    }

    /// A revision directory with up/down SQL and, optionally, metadata.
    fn revision(&self, dir: &str, up: &str, metadata: Option<&str>) -> &Fixture {
        self.write(&format!("{dir}/up.sql"), up);
        self.write(
            &format!("{dir}/down.sql"),
            "-- irreversible in this fixture\n",
        );
        if let Some(metadata) = metadata {
            self.write(&format!("{dir}/metadata.toml"), metadata);
        }
        self
    }

    fn cargo(&self, args: &[&str]) -> Output {
        self.cargo_with(args, &[], true)
    }

    /// cargo with `env` set on top of a build environment free of lithify's
    /// own variables; `quiet` also hides the build script's warnings.
    fn cargo_with(&self, args: &[&str], env: &[(&str, &str)], quiet: bool) -> Output {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures-target");
        Command::new(env!("CARGO"))
            .args(args)
            .args(quiet.then_some("--quiet"))
            .arg("--offline")
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("LITHIFY_REQUIRE_SEALS")
            .env_remove("LITHIFY_VERBOSE")
            .env("CARGO_TERM_COLOR", "never")
            .envs(env.iter().copied())
            .output()
            .expect("cargo runs")
    }

    fn build(&self) -> Output {
        self.cargo(&["build"])
    }

    /// A build that must succeed; returns the warnings cargo printed for the
    /// fixture's build script (cargo's `warning: <package>@<version>: `
    /// prefix removed).
    fn build_warnings(&self, env: &[(&str, &str)]) -> Vec<String> {
        let out = self.cargo_with(&["build"], env, false);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        stderr
            .lines()
            .filter_map(|l| l.split_once("@0.1.0: ").map(|(_, w)| w.to_owned()))
            .collect()
    }

    fn run(&self) -> String {
        let out = self.cargo(&["run"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The build must fail; returns the build script's diagnostic text with
    /// machine-specific paths removed.
    fn build_error(&self) -> String {
        let out = self.build();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "build unexpectedly succeeded:\n{stderr}"
        );
        let script_stderr = stderr
            .split_once("--- stderr")
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no build-script stderr in:\n{stderr}"));
        // cargo indents the script's output by two spaces; its own lines are not.
        script_stderr
            .lines()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| l.starts_with("  ") || l.trim().is_empty())
            .map(|l| l.strip_prefix("  ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .replace(self.root.to_string_lossy().as_ref(), "<app>")
            .trim()
            .to_owned()
    }
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

const COMPANIES: &str = "CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";
const JOBS: &str = "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT NOT NULL);\n";

#[test]
fn valid_chain_builds_and_a_new_revision_is_picked_up_without_other_changes() {
    let app = Fixture::new("grows");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None)
        .revision("2024-01-02-000000_create_jobs", JOBS, None);
    let first = app.run();
    assert!(first.contains("head=20240102000000"), "{first}");
    assert!(first.contains("revisions=2"), "{first}");

    // Only a new directory: no build.rs touch, no source change.
    app.revision(
        "2024-01-03-000000_add_salary",
        "ALTER TABLE jobs ADD COLUMN salary INTEGER;\n",
        None,
    );
    let second = app.run();
    assert!(second.contains("head=20240103000000"), "{second}");
    assert!(second.contains("revisions=3"), "{second}");
}

#[test]
fn dangling_parent_fails_the_build() {
    let app = Fixture::new("dangling");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None)
        .revision(
            "2024-01-02-000000_create_jobs",
            JOBS,
            Some("parents = [\"20231231000000\"]\n"),
        );
    snapshot("build_fails_dangling_parent", &app.build_error());
}

#[test]
fn two_unmerged_heads_fail_the_build_with_the_merge_command() {
    let app = Fixture::new("two_heads");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None)
        .revision(
            "2024-01-02-000000_create_jobs",
            JOBS,
            Some("parents = [\"20240101000000\"]\n"),
        )
        .revision(
            "2024-01-02-120000_create_tags",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
            Some("parents = [\"20240101000000\"]\n"),
        );
    let error = app.build_error();
    assert!(
        error.contains("lithify merge 20240102000000 20240102120000"),
        "{error}"
    );
    snapshot("build_fails_two_heads", &error);
}

#[test]
fn edited_sealed_revision_fails_the_build() {
    let app = Fixture::new("edited_seal");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None)
        .revision("2024-01-02-000000_create_jobs", JOBS, None);
    lithify_build::seal::seal_new(app.root.join("migrations")).expect("seal");
    assert!(app.build().status.success());

    app.write(
        "2024-01-01-000000_create_companies/up.sql",
        "CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT);\n",
    );
    snapshot("build_fails_edited_sealed_revision", &app.build_error());
}

#[test]
fn malformed_metadata_fails_the_build() {
    let app = Fixture::new("bad_metadata");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None)
        .revision(
            "2024-01-02-000000_create_jobs",
            JOBS,
            Some("run_in_transaction = flase\n"),
        );
    snapshot("build_fails_malformed_metadata", &app.build_error());
}

/// A first build of a directory of drafts is quiet: one line says how many,
/// names the first few and gives the command; LITHIFY_VERBOSE=1 reruns the
/// build script and lists each one.
#[test]
fn a_directory_of_drafts_builds_with_one_summary_line() {
    let app = Fixture::new("drafts");
    for day in 1..=12 {
        app.revision(
            &format!("2024-01-{day:02}-000000_create_t{day}"),
            &format!("CREATE TABLE t{day} (id INTEGER PRIMARY KEY);\n"),
            None,
        );
    }
    let warnings = app.build_warnings(&[]);
    snapshot("build_drafts_summary", &warnings.join("\n"));
    let about_drafts = warnings.iter().filter(|w| w.contains("not sealed"));
    assert_eq!(about_drafts.count(), 1, "{warnings:#?}");
    // The only other line: the build embeds three dialects and names none
    // for the schema module.
    assert_eq!(warnings.len(), 2, "{warnings:#?}");

    let each = app.build_warnings(&[("LITHIFY_VERBOSE", "1")]);
    let drafts = each.iter().filter(|w| w.contains("is not sealed (draft)"));
    assert_eq!(drafts.count(), 12, "{each:#?}");
}

/// `[session]` of migrations/lithify.toml reaches the application binary,
/// and editing the file rebuilds it (it is inside the migrations directory).
#[test]
fn lithify_toml_session_sql_is_embedded_and_rebuilt_on_change() {
    let app = Fixture::new("session");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None);
    app.write(
        "lithify.toml",
        "[session]\nmysql = \"SET FOREIGN_KEY_CHECKS = 0\"\n",
    );
    let first = app.run();
    assert!(
        first.contains("session.mysql=Some(\"SET FOREIGN_KEY_CHECKS = 0\")"),
        "{first}"
    );
    app.write("lithify.toml", "[session]\nmysql = \"SET sql_mode = ''\"\n");
    let second = app.run();
    assert!(
        second.contains("session.mysql=Some(\"SET sql_mode = ''\")"),
        "{second}"
    );
    app.write("lithify.toml", "[session]\nmysql = 1\n");
    let error = app.build_error();
    assert!(
        error.contains("`mysql` in [session] of lithify.toml must be a string of SQL"),
        "{error}"
    );
    assert!(error.contains("migrations/lithify.toml:2"), "{error}");
}

/// The `alembic check` of diesel projects, in `cargo build`: a committed
/// schema.rs that no longer matches the migrations fails the build with every
/// difference and the command that fixes it; after that command it builds.
#[test]
fn a_stale_schema_file_fails_the_build_until_regenerated() {
    let app = Fixture::new("stale");
    app.revision(
        "2024-01-01-000000_create_jobs",
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY NOT NULL, title TEXT NOT NULL);\n",
        None,
    )
    .revision(
        "2024-01-02-000000_add_salary",
        "ALTER TABLE jobs ADD COLUMN salary INTEGER;\nALTER TABLE jobs ADD COLUMN remote BOOLEAN NOT NULL DEFAULT 0;\n",
        None,
    )
    .write_app_file(
        "build.rs",
        "fn main() {\n    lithify_build::Builder::new(\"migrations\")\n        .dialects([lithify_build::Dialect::Sqlite])\n        .schema_file(\"src/schema.rs\")\n        .compile_or_exit();\n}\n",
    )
    .write_app_file("diesel.toml", "[print_schema]\nfile = \"src/schema.rs\"\n")
    // The schema as the first revision left it: the second is not in it.
    .write_app_file(
        "src/schema.rs",
        "// @generated automatically by Diesel CLI.\n\ndiesel::table! {\n    jobs (id) {\n        id -> Integer,\n        title -> Nullable<Text>,\n    }\n}\n",
    );
    snapshot("build_fails_stale_schema", &app.build_error());

    let out = app.lithify(&["schema", "--write"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = fs::read_to_string(app.root.join("src/schema.rs")).expect("schema.rs");
    assert!(
        written.contains("salary -> Nullable<Integer>,"),
        "{written}"
    );
    let build = app.build();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    // And the module's schema is the same file.
    let out = app.lithify(&["check", "--schema", "src/schema.rs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Lint in `cargo build`: a draft whose statement SQLite refuses
/// (`sqlite-add-column-with-key`, `deny` by default) fails the build with
/// the file, line and fix; sealed, the same revision is history that already
/// ran, and the build passes.
#[test]
fn a_deny_level_lint_finding_fails_the_build_until_the_revision_is_sealed() {
    let app = Fixture::new("lint_deny");
    app.revision("2024-01-01-000000_create_companies", COMPANIES, None)
        .revision(
            "2024-01-02-000000_add_code",
            "ALTER TABLE companies ADD COLUMN code TEXT UNIQUE;\n",
            None,
        );
    // The build embeds every dialect by default without knowing the
    // application runs on SQLite: what only SQLite refuses is a warning.
    let warnings = app.build_warnings(&[]).join("\n");
    assert!(
        warnings.contains("sqlite-add-column-with-key")
            && warnings.contains("a warning here: the build embeds every dialect by default"),
        "{warnings}"
    );
    // Said so, it fails the build.
    app.write(
        "lithify.toml",
        "[lint]\ndialects = [\"sqlite\", \"postgres\"]\n",
    );
    snapshot("build_fails_lint_deny", &app.build_error());
    lithify_build::seal::seal_new(app.root.join("migrations")).expect("seal");
    let build = app.build();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

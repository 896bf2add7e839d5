//! Lint in the build: drafts are linted, sealed revisions are not (unless
//! asked), findings are warnings with their file, line and fix (one line
//! per rule when there are several), `deny` makes them errors, and
//! `[lint]` of lithify.toml decides levels, the cut-off and the dialects.

mod common;

use common::Fixture;
use lithify_build::lint::lint_chain;
use lithify_build::{Diagnostics, Dialect, BUILD_LIST_HINT};

const JOBS: &str = "CREATE TABLE jobs (id BIGINT PRIMARY KEY, title TEXT, salary INTEGER);\n";

/// A base revision and a draft that indexes `jobs` and drops a column.
fn chain_with_a_risky_draft(f: &Fixture) {
    f.rev("2024-01-01-000000_create_jobs", JOBS, "DROP TABLE jobs;\n");
    f.rev(
        "2024-01-02-000000_index_jobs",
        "CREATE INDEX jobs_title_idx ON jobs (title);\nALTER TABLE jobs DROP COLUMN salary;\n",
        "ALTER TABLE jobs ADD COLUMN salary INTEGER;\nDROP INDEX jobs_title_idx;\n",
    );
}

/// The lint's diagnostics among `diags`, rendered.
fn lint_lines(f: &Fixture, diags: &Diagnostics) -> String {
    let lint = Diagnostics(
        diags
            .0
            .iter()
            .filter(|d| !d.message.contains("not sealed"))
            .cloned()
            .collect(),
    );
    f.render(&lint)
}

#[test]
fn drafts_are_linted_with_the_file_line_and_fix() {
    let f = Fixture::new();
    chain_with_a_risky_draft(&f);
    let chain = f
        .builder()
        .dialects([Dialect::Postgres])
        .compile()
        .expect("warnings only");
    snap!("lint_draft_warnings", lint_lines(&f, &chain.diagnostics));
}

#[test]
fn sealed_revisions_are_not_linted_unless_all_are_asked_for() {
    let f = Fixture::new();
    chain_with_a_risky_draft(&f);
    lithify_build::seal_new(&f.dir).expect("seal");
    let chain = f
        .builder()
        .dialects([Dialect::Postgres])
        .compile()
        .expect("compiles");
    assert!(chain.diagnostics.0.is_empty(), "{}", chain.diagnostics);
    let all = lint_chain(&chain, &[Dialect::Postgres], true).expect("lints");
    assert_eq!(all.revisions, 2);
    let rules: Vec<&str> = all.findings.iter().map(|x| x.rule.id()).collect();
    assert_eq!(
        rules,
        ["require-concurrent-index-creation", "ban-drop-column"]
    );
}

#[test]
fn a_deny_level_finding_fails_the_build_and_allow_turns_a_rule_off() {
    let f = Fixture::new();
    chain_with_a_risky_draft(&f);
    f.file(
        "lithify.toml",
        "[lint]\nban-drop-column = \"deny\"\nrequire-concurrent-index-creation = \"allow\"\n",
    );
    let errors = f.errors(f.builder().dialects([Dialect::Postgres]));
    snap!("lint_deny", errors);
    assert!(!errors.contains("require-concurrent-index-creation"));
}

#[test]
fn many_findings_of_one_rule_are_one_summary_line() {
    let f = Fixture::new();
    f.rev(
        "2024-01-01-000000_create_jobs",
        "CREATE TABLE jobs (id BIGINT PRIMARY KEY, c1 INT, c2 INT, c3 INT, c4 INT, c5 INT, c6 INT, c7 INT);\n",
        "DROP TABLE jobs;\n",
    );
    lithify_build::seal_new(&f.dir).expect("seal");
    for n in 1..=7 {
        f.rev(
            &format!("2024-01-{:02}-000000_drop_c{n}", n + 1),
            &format!("ALTER TABLE jobs DROP COLUMN c{n};\n"),
            &format!("ALTER TABLE jobs ADD COLUMN c{n} INT;\n"),
        );
    }
    let chain = f.builder().compile().expect("warnings only");
    let shown = chain.diagnostics.summarised(BUILD_LIST_HINT);
    snap!("lint_summary", f.render(&shown));
    let about_drops = shown
        .0
        .iter()
        .filter(|d| d.message.contains("ban-drop-column"));
    assert_eq!(about_drops.count(), 1);
}

#[test]
fn start_after_leaves_the_revisions_up_to_it_alone() {
    let f = Fixture::new();
    chain_with_a_risky_draft(&f);
    f.rev("2024-01-03-000000_drop_jobs", "DROP TABLE jobs;\n", JOBS);
    // diesel-guard's spelling of the second revision's version.
    f.file(
        "lithify.toml",
        "[lint]\nstart_after = \"2024_01_02_000000\"\n",
    );
    let chain = f.builder().compile().expect("compiles");
    let report = lint_chain(&chain, &Dialect::ALL, false).expect("lints");
    assert_eq!(report.revisions, 1);
    let places: Vec<String> = report
        .findings
        .iter()
        .map(|x| format!("{} {}", x.revision, x.rule))
        .collect();
    assert_eq!(places, ["20240103000000 ban-drop-table"]);
    // The same by id, and `dialects` narrows what is linted.
    f.file(
        "lithify.toml",
        "[lint]\nstart_after = \"20240102000000\"\ndialects = [\"sqlite\"]\n",
    );
    let chain = f.builder().compile().expect("compiles");
    let report = lint_chain(&chain, &Dialect::ALL, false).expect("lints");
    assert_eq!(report.dialects, [Dialect::Sqlite]);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn a_typed_revision_is_linted_at_its_operations() {
    let f = Fixture::new();
    f.rev("2024-01-01-000000_create_jobs", JOBS, "DROP TABLE jobs;\n");
    f.file(
        "2024-01-02-000000_index_jobs/revision.toml",
        "message = \"index jobs\"\n\n[[upgrade]]\nop = \"create_index\"\ntable = \"jobs\"\ncolumns = [\"title\"]\n",
    );
    let chain = f
        .builder()
        .dialects([Dialect::Postgres])
        .compile()
        .expect("compiles");
    let text = lint_lines(&f, &chain.diagnostics);
    assert!(
        text.contains("--> migrations/2024-01-02-000000_index_jobs/revision.toml:4"),
        "{text}"
    );
    assert!(text.contains("`concurrently = true`"), "{text}");
}

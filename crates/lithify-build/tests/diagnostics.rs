//! Every build error, rendered as `cargo build` shows it, locked by a snapshot.

mod common;

use common::{two_revisions, Fixture};
use lithify_build::{seal_new, Severity};

#[test]
fn dangling_parent() {
    let f = Fixture::new();
    two_revisions(&f);
    f.rev_meta(
        "2024-01-03-000000_add_salary",
        "ALTER TABLE jobs ADD COLUMN salary INTEGER;\n",
        "message = \"add salary\"\nparents = [\"20240102000001\"]\n",
    );
    snap!("dangling_parent", f.errors(f.builder()));
}

#[test]
fn two_unmerged_heads() {
    let f = Fixture::new();
    two_revisions(&f);
    f.rev_meta(
        "2024-01-03-000000_add_salary",
        "SELECT 1;\n",
        "parents = [\"20240102000000\"]\n",
    );
    f.rev_meta(
        "2024-01-03-093000_add_location",
        "SELECT 2;\n",
        "parents = [\"20240102000000\"]\n",
    );
    let out = f.errors(f.builder());
    assert!(
        out.contains("lithify merge 20240103000000 20240103093000 -m \"merge heads\""),
        "{out}"
    );
    snap!("two_unmerged_heads", out);
}

#[test]
fn merged_heads_compile() {
    let f = Fixture::new();
    two_revisions(&f);
    f.rev_meta(
        "2024-01-03-000000_a",
        "SELECT 1;\n",
        "parents = [\"20240102000000\"]\n",
    );
    f.rev_meta(
        "2024-01-03-093000_b",
        "SELECT 2;\n",
        "parents = [\"20240102000000\"]\n",
    );
    let merge = lithify_build::merge(
        &f.dir,
        &["20240103000000".into(), "2024010309".into()],
        "merge heads",
        None,
    )
    .expect("merge");
    let chain = f.builder().compile().expect("merged chain compiles");
    let last = chain.revisions.last().expect("revisions");
    assert_eq!(last.dir, merge);
    assert_eq!(last.parents, ["20240103000000", "20240103093000"]);
    assert_eq!(chain.heads, std::slice::from_ref(&last.id));
}

#[test]
fn edited_sealed_revision() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    f.file(
        "2024-01-01-000000_create_companies/up.sql",
        "CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT);\n",
    );
    snap!("edited_sealed_revision", f.errors(f.builder()));
}

#[test]
fn deleted_sealed_revision() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    f.remove("2024-01-02-000000_create_jobs");
    snap!("deleted_sealed_revision", f.errors(f.builder()));
}

#[test]
fn hand_edited_lock_total() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    // Dropping an entry by hand keeps every remaining checksum valid; only the
    // total notices.
    let lock = f.read("lithify.lock");
    let cut = lock
        .find("[[revision]]\nid = \"20240102000000\"")
        .expect("entry");
    f.file("lithify.lock", &lock[..cut]);
    snap!("hand_edited_lock_total", f.errors(f.builder()));
}

#[test]
fn malformed_lock() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "lithify.lock",
        "version = 1\ntotal = \"sha256:00\"\n[[revision]\nid = 1\n",
    );
    snap!("malformed_lock", f.errors(f.builder()));
}

#[test]
fn malformed_metadata() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "2024-01-02-000000_create_jobs/metadata.toml",
        "message = \"create jobs\"\nparents = [\"20240101000000\"\n",
    );
    snap!("malformed_metadata", f.errors(f.builder()));
}

#[test]
fn unknown_metadata_key() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "2024-01-02-000000_create_jobs/metadata.toml",
        "# diesel would silently run this in a transaction\nrun_in_transation = false\n",
    );
    snap!("unknown_metadata_key", f.errors(f.builder()));
}

#[test]
fn wrong_metadata_type_and_conflicting_transaction_flags() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "2024-01-02-000000_create_jobs/metadata.toml",
        "parents = \"20240101000000\"\nrun_in_transaction = false\ntransactional = true\n",
    );
    snap!("metadata_type_and_conflict", f.errors(f.builder()));
}

#[test]
fn non_utf8_sql() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file(
        "2024-01-02-000000_create_jobs/up.sql",
        b"CREATE TABLE jobs (id INTEGER PRIMARY KEY);\r\nINSERT INTO jobs VALUES (1);\r\n-- caf\xe9\r\n",
    );
    let out = f.errors(f.builder());
    assert!(out.contains("up.sql:3"), "{out}");
    snap!("non_utf8_sql", out);
}

#[test]
fn missing_up_sql() {
    let f = Fixture::new();
    two_revisions(&f);
    f.file("2024-01-03-000000_add_salary/down.sql", "SELECT 1;\n");
    snap!("missing_up_sql", f.errors(f.builder()));
}

#[test]
fn bad_revision_id() {
    let f = Fixture::new();
    two_revisions(&f);
    f.rev("v1.2_add_salary", "SELECT 1;\n", "SELECT 1;\n");
    f.rev("head_add_location", "SELECT 1;\n", "SELECT 1;\n");
    snap!("bad_revision_id", f.errors(f.builder()));
}

#[test]
fn cycle() {
    let f = Fixture::new();
    f.rev_meta(
        "2024-01-01-000000_a",
        "SELECT 1;\n",
        "parents = [\"20240102000000\"]\n",
    );
    f.rev_meta(
        "2024-01-02-000000_b",
        "SELECT 1;\n",
        "parents = [\"20240101000000\"]\n",
    );
    snap!("cycle", f.errors(f.builder()));
}

#[test]
fn duplicate_id() {
    let f = Fixture::new();
    two_revisions(&f);
    f.rev(
        "20240102000000_create_jobs_again",
        "SELECT 1;\n",
        "SELECT 1;\n",
    );
    snap!("duplicate_id", f.errors(f.builder()));
}

#[test]
fn unsealed_revisions_warn_or_fail() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    f.rev("2024-01-03-000000_add_salary", "SELECT 1;\n", "SELECT 1;\n");
    let chain = f.builder().compile().expect("drafts are allowed");
    let warnings: Vec<_> = chain
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", chain.diagnostics);
    assert!(!chain.revisions[2].sealed && chain.revisions[1].sealed);
    snap!(
        "unsealed_required",
        f.errors(f.builder().require_seals(true))
    );
}

#[test]
fn new_revision_sorting_before_a_sealed_one() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    // Implicit diesel order makes this the parent of the sealed create_jobs.
    f.rev(
        "2024-01-01-120000_late_branch",
        "SELECT 1;\n",
        "SELECT 1;\n",
    );
    snap!("unsealed_parent_of_sealed", f.errors(f.builder()));
}

#[test]
fn no_sql_for_the_embedded_dialects() {
    let f = Fixture::new();
    f.file(
        "2024-01-01-000000_pg_only/up.postgres.sql",
        "CREATE EXTENSION citext;\n",
    );
    let builder = f.builder().dialects([lithify_build::Dialect::Sqlite]);
    snap!("no_sql_for_dialects", f.errors(builder));
    f.builder()
        .compile()
        .expect("fine when postgres is embedded");
}

/// A directory as a real project has it on adoption: a dozen drafts and a
/// few stray files.
fn many_drafts(f: &Fixture) {
    for day in 1..=12 {
        f.rev(
            &format!("2024-01-{day:02}-000000_create_t{day}"),
            &format!("CREATE TABLE t{day} (id INTEGER PRIMARY KEY);\n"),
            &format!("DROP TABLE t{day};\n"),
        );
    }
    f.file("schema_dump.sql", "CREATE TABLE x (id INT);\n");
    f.file(".keep", "");
    f.file(
        "2024-01-01-000000_create_t1/up.postgresql.sql",
        "SELECT 1;\n",
    );
}

#[test]
fn many_drafts_are_one_summary_line() {
    let f = Fixture::new();
    many_drafts(&f);
    let chain = f.builder().compile().expect("drafts are allowed");
    let each = &chain.diagnostics;
    let drafts = |d: &lithify_build::Diagnostics| {
        d.0.iter()
            .filter(|d| d.severity == Severity::Warning && d.message.contains("not sealed"))
            .count()
    };
    assert_eq!(drafts(each), 12, "{each}");
    let summary = each.summarised(lithify_build::BUILD_LIST_HINT);
    assert_eq!(drafts(&summary), 1, "{summary}");
    let shown = f.render(&summary);
    // One line for the drafts, one for the skipped entries, and the one
    // misspelt dialect file whole (three lines): it is the only one of its kind.
    assert_eq!(
        shown.lines().filter(|l| !l.is_empty()).count(),
        5,
        "{shown}"
    );
    assert!(
        shown.contains("12 revisions are not sealed (drafts): 20240101000000, 20240102000000, 20240103000000, 20240104000000, 20240105000000 and 7 more; run `lithify seal`"),
        "{shown}"
    );
    snap!("many_drafts_summary", shown);
}

#[test]
fn a_single_finding_of_a_kind_stays_whole_and_errors_are_never_summarised() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    f.rev("2024-01-03-000000_add_salary", "SELECT 1;\n", "SELECT 1;\n");
    let chain = f.builder().compile().expect("one draft");
    assert_eq!(chain.diagnostics.summarised("hint"), chain.diagnostics);

    // With seals required, every draft is an error and each is reported.
    let f = Fixture::new();
    many_drafts(&f);
    let Err(errors) = f.builder().require_seals(true).compile() else {
        panic!("drafts must fail when seals are required");
    };
    let summarised = errors.summarised("hint");
    assert_eq!(summarised.errors().count(), 12, "{summarised}");
    assert_eq!(
        summarised.errors().collect::<Vec<_>>(),
        errors.errors().collect::<Vec<_>>()
    );
}

/// Eight heads: the error names the first few (and how many more) in its
/// message and notes, but the merge command it gives names all eight, so
/// it still runs.
#[test]
fn many_heads_are_capped_except_in_the_merge_command() {
    let f = Fixture::new();
    two_revisions(&f);
    for i in 1..=8 {
        f.rev_meta(
            &format!("2024-01-03-00000{i}_branch_{i}"),
            "SELECT 1;\n",
            "parents = [\"20240102000000\"]\n",
        );
    }
    let out = f.errors(f.builder());
    assert!(
        out.contains("there are 8 heads: 20240103000001, 20240103000002, 20240103000003, 20240103000004, 20240103000005 and 3 more"),
        "{out}"
    );
    assert_eq!(out.matches("= note: head `").count(), 5, "{out}");
    assert!(out.contains("= note: and 3 more"), "{out}");
    let all: Vec<String> = (1..=8).map(|i| format!("2024010300000{i}")).collect();
    assert!(
        out.contains(&format!("lithify merge {} -m", all.join(" "))),
        "{out}"
    );
}

/// `parents` written with a directory name (or a version with `-`), as a
/// diesel user would: the error says which id was meant.
#[test]
fn parent_named_by_its_directory() {
    let f = Fixture::new();
    f.rev(
        "2018-04-23-132822_create_posts",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE posts;\n",
    );
    f.rev_meta(
        "2018-05-01-000000_add_title",
        "ALTER TABLE posts ADD COLUMN title TEXT;\n",
        "parents = [\"2018-04-23-132822_create_posts\"]\n",
    );
    let out = f.errors(f.builder());
    assert!(out.contains("did you mean `20180423132822`?"), "{out}");
    snap!("parent_named_by_directory", out);

    f.file(
        "2018-05-01-000000_add_title/metadata.toml",
        "parents = [\"2018-04-23-132822\"]\n",
    );
    let out = f.errors(f.builder());
    assert!(out.contains("did you mean `20180423132822`?"), "{out}");
    // A typo of a real id has no such answer: the nearby ids instead.
    f.file(
        "2018-05-01-000000_add_title/metadata.toml",
        "parents = [\"20180423132823\"]\n",
    );
    let out = f.errors(f.builder());
    assert!(
        !out.contains("did you mean") && out.contains("existing revisions near it: 20180423132822"),
        "{out}"
    );
}

//! Sealing and amending through lithify.lock.

mod common;

use common::{two_revisions, Fixture};
use lithify_build::{amend, seal_new};

#[test]
fn seal_new_seals_each_revision_once_and_keeps_comments() {
    let f = Fixture::new();
    two_revisions(&f);
    assert_eq!(
        seal_new(&f.dir).expect("seal"),
        ["20240101000000", "20240102000000"]
    );
    assert!(seal_new(&f.dir).expect("seal again").is_empty());
    let lock = f.read("lithify.lock").replace(
        "[[revision]]\nid = \"20240102000000\"",
        "# jobs shipped in 1.0\n[[revision]]\nid = \"20240102000000\"",
    );
    f.file("lithify.lock", &lock);
    f.rev(
        "2024-01-03-000000_add_salary",
        "ALTER TABLE jobs ADD salary INT;\n",
        "SELECT 1;\n",
    );
    assert_eq!(seal_new(&f.dir).expect("seal"), ["20240103000000"]);
    let lock = f.read("lithify.lock");
    assert!(
        lock.contains("# jobs shipped in 1.0\n[[revision]]"),
        "{lock}"
    );
    let chain = f
        .builder()
        .require_seals(true)
        .compile()
        .expect("all sealed");
    assert!(chain.revisions.iter().all(|r| r.sealed));
    snap!("lock_after_two_seals", lock);
}

#[test]
fn seal_refuses_a_directory_that_does_not_build() {
    let f = Fixture::new();
    two_revisions(&f);
    f.rev_meta(
        "2024-01-03-000000_bad",
        "SELECT 1;\n",
        "parents = [\"nope\"]\n",
    );
    let err = seal_new(&f.dir).expect_err("dangling parent");
    assert!(err.has_errors());
    assert!(!f.dir.join("lithify.lock").exists());
}

#[test]
fn amendment_flow() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    let sealed = f.builder().compile().expect("sealed").revisions[0].checksum;

    f.file(
        "2024-01-01-000000_create_companies/up.sql",
        "-- companies that post jobs\nCREATE TABLE companies (id INTEGER PRIMARY KEY);\n",
    );
    f.builder()
        .compile()
        .expect_err("an edited sealed revision fails the build");
    let err = amend(&f.dir, "20240101000000", "  ").expect_err("a reason is required");
    assert!(err.has_errors());

    // A unique prefix is enough.
    let amendment = amend(&f.dir, "2024010100", "document the table").expect("amend");
    assert_eq!(amendment.from, sealed);
    let chain = f
        .builder()
        .require_seals(true)
        .compile()
        .expect("amended chain builds");
    let rev = &chain.revisions[0];
    assert_eq!(amendment.to, rev.checksum);
    assert_eq!(rev.accepted_checksums, [sealed]);
    assert!(
        amend(&f.dir, "20240101000000", "again").is_err(),
        "nothing left to amend"
    );
    snap!("lock_after_amendment", f.read("lithify.lock"));
}

#[test]
fn amending_an_unsealed_revision_is_refused() {
    let f = Fixture::new();
    two_revisions(&f);
    let err = amend(&f.dir, "20240101000000", "why").expect_err("not sealed");
    assert!(
        f.render(&err).contains("is not sealed"),
        "{}",
        f.render(&err)
    );
}

#[test]
fn a_renamed_sealed_revision_warns_until_sealed_again() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    std::fs::rename(
        f.dir.join("2024-01-02-000000_create_jobs"),
        f.dir.join("2024-01-02-000000_create_job_postings"),
    )
    .expect("rename");
    let chain = f
        .builder()
        .require_seals(true)
        .compile()
        .expect("a rename is not an edit");
    let shown = f.render(&chain.diagnostics);
    assert!(
        shown.contains("warning: sealed revision `20240102000000` was renamed")
            && shown.contains("sealed as `2024-01-02-000000_create_jobs`"),
        "{shown}"
    );
    snap!("renamed_sealed_revision", shown);
    let total_before = f.read("lithify.lock");
    assert!(seal_new(&f.dir).expect("seal").is_empty(), "nothing new");
    let lock = f.read("lithify.lock");
    assert!(
        lock.contains("name = \"2024-01-02-000000_create_job_postings\""),
        "{lock}"
    );
    let total = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("total"))
            .map(str::to_owned)
    };
    assert_eq!(
        total(&lock),
        total(&total_before),
        "names are not in the total"
    );
    let chain = f.builder().compile().expect("builds");
    assert!(
        chain.diagnostics.0.is_empty(),
        "{}",
        f.render(&chain.diagnostics)
    );
}

#[test]
fn an_amendment_chain_that_does_not_link_is_a_hand_edit() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    f.file(
        "2024-01-01-000000_create_companies/up.sql",
        "-- amended\nCREATE TABLE companies (id INTEGER PRIMARY KEY);\n",
    );
    let amendment = amend(&f.dir, "20240101000000", "document it").expect("amend");
    let forged = "sha256:".to_owned() + &"ab".repeat(32);
    let lock = f.read("lithify.lock").replacen(
        &format!("to = \"{}\"", amendment.to),
        &format!("to = \"{forged}\""),
        1,
    );
    f.file("lithify.lock", &lock);
    let err = f.builder().compile().expect_err("a broken amendment chain");
    let shown = f.render(&err);
    assert!(
        shown.contains("malformed lithify.lock")
            && shown.contains(&format!(
                "ends at {forged}, but its checksum is {}",
                amendment.to
            )),
        "{shown}"
    );
}

#[test]
fn a_compiled_table_that_does_not_read_is_a_hand_edit() {
    let f = Fixture::new();
    two_revisions(&f);
    seal_new(&f.dir).expect("seal");
    let lock = f.read("lithify.lock").replacen(
        "checksum = ",
        "compiled = { oracle = \"sha256:00\" }\nchecksum = ",
        1,
    );
    f.file("lithify.lock", &lock);
    let shown = f.render(&f.builder().compile().expect_err("an unknown dialect"));
    assert!(
        shown.contains("malformed lithify.lock")
            && shown.contains("`compiled` of `20240101000000` must be a [revision.compiled] table"),
        "{shown}"
    );
}

//! `lithify new` and `lithify merge`: the files they write and the graphs they make.

mod common;

use common::Fixture;
use lithify_build::{merge, new_revision, NewOptions};

fn opts() -> NewOptions {
    NewOptions::default()
}

#[test]
fn new_revisions_chain_onto_the_head_with_explicit_parents() {
    let f = Fixture::new();
    let first = new_revision(&f.dir, "create companies", opts()).expect("first");
    let second = new_revision(&f.dir, "Create jobs!", opts()).expect("second");
    let first_name = first
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_owned();
    let second_name = second
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_owned();
    assert!(first_name.ends_with("_create_companies"), "{first_name}");
    assert!(second_name.ends_with("_create_jobs"), "{second_name}");
    // Created within the same second or not, the versions differ and sort in order.
    assert!(first_name < second_name);
    let chain = f.builder().compile().expect("new revisions compile");
    assert_eq!(chain.revisions.len(), 2);
    assert!(chain.revisions[0].parents.is_empty());
    assert_eq!(chain.revisions[1].parents, [chain.revisions[0].id.clone()]);
    assert_eq!(chain.revisions[1].message, "Create jobs!");
    let meta = f.read(&format!("{second_name}/metadata.toml"));
    assert_eq!(
        meta,
        format!(
            "message = \"Create jobs!\"\nparents = [\"{}\"]\n",
            chain.revisions[0].id
        )
    );
    assert!(f
        .read(&format!("{second_name}/up.sql"))
        .starts_with("-- Create jobs!\n"));
}

#[test]
fn concurrent_revisions_are_two_heads_until_merged() {
    let f = Fixture::new();
    new_revision(&f.dir, "base", opts()).expect("base");
    let base = f.builder().compile().expect("one").revisions[0].id.clone();
    new_revision(&f.dir, "alice", opts()).expect("alice");
    // Bob branched from `base` before Alice's revision reached him.
    let not_a_head = NewOptions {
        head: Some(base.clone()),
        ..opts()
    };
    assert!(
        new_revision(&f.dir, "bob", not_a_head.clone()).is_err(),
        "needs --splice"
    );
    new_revision(
        &f.dir,
        "bob",
        NewOptions {
            splice: true,
            ..not_a_head
        },
    )
    .expect("bob");
    let err = f.builder().compile().expect_err("two heads");
    assert!(
        f.render(&err).contains("lithify merge"),
        "{}",
        f.render(&err)
    );
    assert!(
        new_revision(&f.dir, "carol", opts()).is_err(),
        "ambiguous head"
    );

    let merged = merge(&f.dir, &[], "", None).expect("merge the heads");
    let chain = f.builder().compile().expect("merged");
    let last = chain.revisions.last().expect("last");
    assert_eq!(last.dir, merged);
    assert_eq!(last.parents.len(), 2);
    assert_eq!(last.message, "merge heads");
    assert_eq!(chain.heads.len(), 1);
}

#[test]
fn labels_dependencies_and_new_bases() {
    let f = Fixture::new();
    new_revision(&f.dir, "base", opts()).expect("base");
    let base = f.builder().compile().expect("one").revisions[0].id.clone();
    let other = NewOptions {
        head: Some("base".into()),
        branch_label: Some("audit".into()),
        depends_on: vec![base.clone()],
        ..opts()
    };
    let dir = new_revision(&f.dir, "audit log", other).expect("new base");
    let meta = std::fs::read_to_string(dir.join("metadata.toml")).expect("meta");
    assert!(
        meta.contains("parents = []\nbranch_labels = [\"audit\"]\n"),
        "{meta}"
    );
    assert!(
        meta.contains(&format!("depends_on = [\"{base}\"]")),
        "{meta}"
    );
}

#[test]
fn merge_needs_two_revisions_and_known_ids() {
    let f = Fixture::new();
    new_revision(&f.dir, "base", opts()).expect("base");
    let base = f.builder().compile().expect("one").revisions[0].id.clone();
    assert!(merge(&f.dir, &[base.clone(), base.clone()], "m", None).is_err());
    assert!(merge(&f.dir, &[base, "99999999999999".into()], "m", None).is_err());
    assert!(new_revision(&f.dir, "   ", opts()).is_err());
}

#[test]
fn a_typed_revision_is_written_with_its_metadata_and_an_example_to_replace() {
    let f = Fixture::new();
    let first = new_revision(&f.dir, "create companies", opts()).expect("first");
    let typed = new_revision(
        &f.dir,
        "add remote to companies",
        NewOptions {
            typed: true,
            ..opts()
        },
    )
    .expect("typed");
    let names: Vec<String> = std::fs::read_dir(&typed)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["revision.toml"]);
    let text = std::fs::read_to_string(typed.join("revision.toml")).expect("read");
    let first_id = first
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('_').next())
        .expect("name")
        .replace('-', "");
    assert!(text.starts_with(&format!(
        "message = \"add remote to companies\"\nparents = [\"{first_id}\"]\n"
    )));
    // Until an operation replaces the example, the build says what is missing.
    let err = f.builder().compile().expect_err("no operation yet");
    assert!(f.render(&err).contains("has no `[[upgrade]]` operations"));
    std::fs::write(
        typed.join("revision.toml"),
        text + "\n[[upgrade]]\nop = \"create_table\"\ntable = \"remote\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n",
    )
    .expect("write");
    let chain = f.builder().compile().unwrap_or_else(|d| panic!("{d}"));
    assert!(chain.revisions[1].typed.is_some());
}

//! The generated module: shape (snapshot of the reference chain), formatting,
//! item names, and speed on large chains.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use common::Fixture;
use lithify_build::{Builder, CompiledChain, CompiledRevision, Dialect, DialectSql};
use lithify_core::{ChainHash, Checksum};

/// The workspace's reference chain, as a path relative to this crate (cargo
/// runs tests from the crate directory), so no absolute path reaches a snapshot.
fn reference() -> Builder {
    Builder::new("../../migrations")
}

#[test]
fn reference_chain_module() {
    let chain = reference()
        .require_seals(true)
        .compile()
        .expect("the reference chain is sealed and valid");
    assert_eq!(chain.revisions.len(), 6);
    assert!(chain.revisions.iter().all(|r| r.sealed));
    // The README is reported, not silently skipped.
    assert!(chain
        .diagnostics
        .0
        .iter()
        .any(|d| d.file.as_ref().is_some_and(|f| f.ends_with("README.md"))));
    let code = reference().generate(&chain);
    assert_rustfmt_clean(&code);
    snap!("reference_chain_module", code);
}

#[test]
fn sqlite_only_module_embeds_no_other_dialect() {
    let builder = reference().dialects([Dialect::Sqlite]);
    let chain = builder.compile().expect("compiles");
    let code = builder.generate(&chain);
    assert!(!code.contains("BIGSERIAL") && !code.contains("AUTO_INCREMENT"));
    assert!(code.contains("postgres: None,"));
    assert_rustfmt_clean(&code);
}

#[test]
fn awkward_inputs_stay_rustfmt_clean() {
    let f = Fixture::new();
    f.rev(
        "2024-01-01-000000_create users",
        "SELECT \"a\"#, '\"##';\n",
        "SELECT 1;\n",
    );
    f.rev_meta(
        "2024-01-02-000000_create-users",
        "SELECT 1;\rSELECT 2;\n",
        "message = \"a message\\n\\nwith paragraphs\"\nbranch_labels = [\"accounts\"]\nparents = [\"20240101000000\"]\n",
    );
    f.file("2024-01-02-000000_create-users/up.mysql.sql", "SELECT 3;");
    f.rev_meta(
        "2024-01-03-000000_9lives",
        "SELECT 1;\n",
        "depends_on = [\"20240101000000\", \"20240102000000\"]\nparents = [\"20240102000000\"]\ntransactional = false\n",
    );
    let chain = f.builder().compile().expect("compiles");
    let code = f.builder().generate(&chain);
    let code = common::redact(f.tmp.path(), &code);
    assert!(
        code.contains("pub static CREATE_USERS_20240101000000:"),
        "{code}"
    );
    assert!(
        code.contains("pub static CREATE_USERS_20240102000000:"),
        "{code}"
    );
    assert!(code.contains("pub static R_9LIVES:"), "{code}");
    assert!(
        code.contains("r###\"SELECT \"a\"#, '\"##';\n\"###"),
        "{code}"
    );
    assert_rustfmt_clean(&code);
    snap!("awkward_module", code);
}

/// A chain of `n` revisions built in memory (no files), with SQL of realistic size.
fn synthetic(n: usize) -> CompiledChain {
    let mut hash = ChainHash::new();
    let revisions: Vec<CompiledRevision> = (0..n)
        .map(|i| {
            let id = format!("{:014}", 20_240_101_000_000u64 + i as u64);
            let checksum = Checksum::of_files([("up.sql", id.as_bytes())]);
            hash.push(&id, &checksum);
            CompiledRevision {
                dir_name: format!("{id}_step_{i}"),
                dir: PathBuf::from(format!("migrations/{id}_step_{i}")),
                message: format!("step {i}"),
                parents: if i == 0 { vec![] } else { vec![format!("{:014}", 20_240_101_000_000u64 + i as u64 - 1)] },
                depends_on: vec![],
                branch_labels: vec![],
                transactional: true,
                checksum,
                accepted_checksums: vec![],
                sealed: true,
                up: DialectSql {
                    shared: Some(format!("CREATE TABLE t{i} (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL\n);\n")),
                    per_dialect: BTreeMap::from([(Dialect::Postgres, format!("CREATE TABLE t{i} (id BIGSERIAL PRIMARY KEY);\n"))]),
                },
                down: Some(DialectSql { shared: Some(format!("DROP TABLE t{i};\n")), per_dialect: BTreeMap::new() }),
                id,
            }
        })
        .collect();
    let heads = revisions
        .last()
        .map(|r| vec![r.id.clone()])
        .unwrap_or_default();
    CompiledChain {
        dir: PathBuf::from("migrations"),
        revisions,
        chain_hash: hash.finish(),
        heads,
        diagnostics: Default::default(),
    }
}

#[test]
fn ten_thousand_revisions_generate_quickly() {
    let chain = synthetic(10_000);
    let start = Instant::now();
    let code = Builder::new("migrations").generate(&chain);
    let elapsed = start.elapsed();
    assert!(code.contains("pub static REVISIONS: [&::lithify::Revision; 10000] = ["));
    // Generous bound for a debug build on a slow machine; it takes a few tens of ms.
    assert!(elapsed.as_secs_f64() < 5.0, "generation took {elapsed:?}");
    // Linear: ten times the revisions, roughly ten times the text.
    let small = Builder::new("migrations").generate(&synthetic(1_000));
    let ratio = code.len() as f64 / small.len() as f64;
    assert!((9.0..11.5).contains(&ratio), "size ratio {ratio}");
}

/// Run `rustfmt --check` on `code` when rustfmt is installed.
fn assert_rustfmt_clean(code: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("generated.rs");
    std::fs::write(&path, code).expect("write");
    let output = match Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .arg(&path)
        .output()
    {
        Ok(output) => output,
        Err(_) => {
            eprintln!("rustfmt not found; skipping the formatting check");
            return;
        }
    };
    assert!(
        output.status.success(),
        "generated code is not rustfmt-clean:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

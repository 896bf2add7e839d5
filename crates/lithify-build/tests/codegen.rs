//! The generated module and its packed data: shape (snapshots of the
//! reference chain), formatting, item names, and speed on large chains.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use common::Fixture;
use lithify_build::{Builder, CompiledChain, CompiledRevision, Dialect, DialectSql};
use lithify_core::packed::{decode, PackedRevision};
use lithify_core::{ChainHash, Checksum};

/// The workspace's reference chain, as a path relative to this crate (cargo
/// runs tests from the crate directory), so no absolute path reaches a
/// snapshot; with the SQLite schema module, as the demo builds it.
fn reference() -> Builder {
    Builder::new("../../migrations")
        .schema_dialect(Dialect::Sqlite)
        .crate_root("../..")
}

#[test]
fn reference_chain_module() {
    let chain = reference()
        .require_seals(true)
        .compile()
        .expect("the reference chain is sealed and valid");
    assert_eq!(chain.revisions.len(), 7);
    assert!(chain.revisions.iter().all(|r| r.sealed));
    // The directory's README is documentation: nothing to say about it, so
    // the reference chain builds without a word.
    assert!(chain.diagnostics.0.is_empty(), "{}", chain.diagnostics);
    let generated = reference().generate(&chain);
    assert_eq!(generated.packed_file, "lithify_migrations.chain");
    assert!(generated
        .module
        .contains("data: include_str!(\"lithify_migrations.chain\"),"));
    assert_rustfmt_clean(&generated.module);
    let revisions = unpack(&generated.packed);
    assert_eq!(revisions.len(), 7);
    for (packed, compiled) in revisions.iter().zip(&chain.revisions) {
        assert_eq!(packed.id, compiled.id);
        assert_eq!(packed.checksum, compiled.checksum.to_string());
        assert_eq!(
            packed.up.postgres,
            compiled.up.for_dialect(Dialect::Postgres)
        );
    }
    snap!("reference_chain_module", generated.module);
    snap!("reference_chain_packed", generated.packed);
    assert_eq!(generated.schema_file, "lithify_migrations_schema.rs");
}

/// The diesel schema of the reference chain on each engine. (Tests in the
/// root crate check these against `diesel print-schema` itself.)
#[test]
fn reference_chain_schema_per_dialect() {
    for dialect in Dialect::ALL {
        let chain = reference()
            .schema_dialect(dialect)
            .compile()
            .unwrap_or_else(|d| panic!("{d}"));
        let schema = chain.schema.as_ref().expect("a schema module");
        assert!(chain.diagnostics.0.is_empty(), "{}", chain.diagnostics);
        assert_rustfmt_clean(&schema.text);
        match dialect {
            Dialect::Sqlite => snap!("reference_chain_schema_sqlite", schema.text),
            Dialect::Postgres => snap!("reference_chain_schema_postgres", schema.text),
            Dialect::Mysql => snap!("reference_chain_schema_mysql", schema.text),
        }
    }
}

fn unpack(packed: &str) -> Vec<PackedRevision<'_>> {
    decode(packed).unwrap_or_else(|e| panic!("the packed data does not decode: {e}"))
}

#[test]
fn sqlite_only_module_embeds_no_other_dialect() {
    let builder = reference().dialects([Dialect::Sqlite]);
    let chain = builder.compile().expect("compiles");
    let generated = builder.generate(&chain);
    let packed = &generated.packed;
    assert!(!packed.contains("BIGSERIAL") && !packed.contains("AUTO_INCREMENT"));
    assert!(packed.contains("\nup.postgres -\n") && packed.contains("\nup.mysql -\n"));
    for revision in unpack(packed) {
        assert!(revision.up.sqlite.is_some());
        assert_eq!((revision.up.postgres, revision.up.mysql), (None, None));
    }
    assert_rustfmt_clean(&generated.module);
}

#[test]
fn packed_file_sits_beside_the_module() {
    let name = |module: &str| reference().module_file(module).packed_file();
    assert_eq!(name("lithify_migrations.rs"), "lithify_migrations.chain");
    assert_eq!(name("db.rs"), "db.chain");
    assert_eq!(name("generated"), "generated.chain");
    assert_eq!(name("x.chain"), "x.chain.chain");
    let builder = reference().module_file("db.rs");
    let chain = builder.compile().expect("compiles");
    assert!(builder
        .generate(&chain)
        .module
        .contains("data: include_str!(\"db.chain\"),"));
    let dir = tempfile::tempdir().expect("tempdir");
    let module = builder.write_to(&chain, dir.path()).expect("writes");
    assert_eq!(module, dir.path().join("db.rs"));
    let packed = std::fs::read_to_string(dir.path().join("db.chain")).expect("packed data");
    assert_eq!(unpack(&packed).len(), 7);
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
    let generated = f.builder().generate(&chain);
    let code = common::redact(f.tmp.path(), &generated.module);
    assert!(
        code.contains("pub static CREATE_USERS_20240101000000:"),
        "{code}"
    );
    assert!(
        code.contains("pub static CREATE_USERS_20240102000000:"),
        "{code}"
    );
    assert!(code.contains("pub static R_9LIVES:"), "{code}");
    // Quotes, `#`, a lone carriage return and multi-line messages round-trip.
    let revisions = unpack(&generated.packed);
    assert_eq!(revisions[0].up.sqlite, Some("SELECT \"a\"#, '\"##';\n"));
    assert_eq!(revisions[1].up.sqlite, Some("SELECT 1;\rSELECT 2;\n"));
    assert_eq!(revisions[1].up.mysql, Some("SELECT 3;"));
    assert_eq!(revisions[1].message, "a message\n\nwith paragraphs");
    assert_eq!(revisions[1].branch_labels, ["accounts"]);
    assert_eq!(
        revisions[2].depends_on,
        ["20240101000000", "20240102000000"]
    );
    assert!(!revisions[2].transactional);
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
                typed: None,
                foreign_keys_off: Default::default(),
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
        config: Default::default(),
        diagnostics: Default::default(),
        schema: None,
        folded: Default::default(),
    }
}

#[test]
fn ten_thousand_revisions_generate_quickly() {
    let chain = synthetic(10_000);
    let start = Instant::now();
    let generated = Builder::new("migrations").generate(&chain);
    let elapsed = start.elapsed();
    assert!(generated.module.contains("        len: 10000,\n"));
    // Generous bound for a debug build on a slow machine; it takes a few tens of ms.
    assert!(elapsed.as_secs_f64() < 5.0, "generation took {elapsed:?}");
    assert_eq!(unpack(&generated.packed).len(), 10_000);
    // Linear: ten times the revisions, roughly ten times the text.
    let small = Builder::new("migrations").generate(&synthetic(1_000));
    for (big, small) in [
        (&generated.module, &small.module),
        (&generated.packed, &small.packed),
    ] {
        let ratio = big.len() as f64 / small.len() as f64;
        assert!((9.0..11.5).contains(&ratio), "size ratio {ratio}");
    }
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

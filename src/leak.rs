//! Turning a chain compiled at run time (by the authoring binary `lithify` or
//! by tests) into the `'static` [`EmbeddedChain`] the migrator runs.
//!
//! The strings and slices are leaked on purpose: the authoring binary compiles
//! one migrations directory per process and keeps it until exit, so leaking is
//! the honest lifetime, and it lets the exact same `'static` types serve the
//! embedded (generated) and the directory-driven paths.

use lithify_build::{CompiledChain, CompiledRevision, DialectSql};
use lithify_core::Dialect;

use crate::embedded::{EmbeddedChain, Revision, Sql};

/// Leak `chain` into a `'static` [`EmbeddedChain`]. Call once per directory per process.
pub fn leak_chain(chain: &CompiledChain) -> &'static EmbeddedChain {
    let revisions: Vec<&'static Revision> = chain.revisions.iter().map(leak_revision).collect();
    let ids: Vec<&str> = chain.revisions.iter().map(|r| r.id.as_str()).collect();
    let heads: Vec<&'static str> = chain
        .revisions
        .iter()
        .filter(|r| !chain.revisions.iter().any(|c| c.parents.contains(&r.id)))
        .map(|r| leak_str(&r.id))
        .collect();
    debug_assert_eq!(ids.len(), revisions.len());
    Box::leak(Box::new(EmbeddedChain {
        revisions: Box::leak(revisions.into_boxed_slice()),
        heads: Box::leak(heads.into_boxed_slice()),
        chain_hash: leak_str(&chain.chain_hash.to_string()),
    }))
}

fn leak_revision(r: &CompiledRevision) -> &'static Revision {
    Box::leak(Box::new(Revision {
        id: leak_str(&r.id),
        name: leak_str(&r.dir_name),
        message: leak_str(&r.message),
        parents: leak_strs(&r.parents),
        depends_on: leak_strs(&r.depends_on),
        branch_labels: leak_strs(&r.branch_labels),
        transactional: r.transactional,
        checksum: leak_str(&r.checksum.to_string()),
        accepted_checksums: leak_strs(
            &r.accepted_checksums
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        ),
        up: leak_sql(&r.up),
        down: r.down.as_ref().map(leak_sql),
    }))
}

fn leak_sql(sql: &DialectSql) -> Sql {
    let get = |d: Dialect| sql.for_dialect(d).map(leak_str);
    Sql {
        sqlite: get(Dialect::Sqlite),
        postgres: get(Dialect::Postgres),
        mysql: get(Dialect::Mysql),
    }
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn leak_strs(items: &[String]) -> &'static [&'static str] {
    let v: Vec<&'static str> = items.iter().map(|s| leak_str(s)).collect();
    Box::leak(v.into_boxed_slice())
}

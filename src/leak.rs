//! Turning a chain compiled at run time (by the authoring binary `lithify` or
//! by tests) into the `'static` [`EmbeddedChain`] the migrator runs.
//!
//! It takes the generated module's path: the chain is packed exactly as the
//! build script packs it (all dialects) and parsed by the same decoder, so
//! every command of the authoring binary exercises the format applications
//! embed.
//!
//! The packed text and the chain are leaked on purpose: the authoring binary
//! compiles one migrations directory per process and keeps it until exit, so
//! leaking is the honest lifetime, and it lets the exact same `'static` types
//! serve the embedded (generated) and the directory-driven paths.

use lithify_build::CompiledChain;
use lithify_core::Dialect;

use crate::embedded::{EmbeddedChain, PackedRevisions, Revisions, Sql};

/// Leak `chain` into a `'static` [`EmbeddedChain`]. Call once per directory per process.
pub fn leak_chain(chain: &CompiledChain) -> &'static EmbeddedChain {
    let packed = lithify_build::codegen::pack(chain, &Dialect::ALL.into_iter().collect());
    // The compiler's heads, in the order the generated module's HEADS has.
    let heads: Vec<&'static str> = chain.heads.iter().map(|h| leak_str(h)).collect();
    let revisions = Box::leak(Box::new(Revisions::new(PackedRevisions {
        data: leak_str(&packed),
        len: chain.revisions.len(),
        // Not built by cargo: the data never left this process.
        package: "",
    })));
    let session = |dialect| chain.config.session.for_dialect(dialect).map(leak_str);
    Box::leak(Box::new(EmbeddedChain {
        revisions,
        heads: Box::leak(heads.into_boxed_slice()),
        chain_hash: leak_str(&chain.chain_hash.to_string()),
        session: Sql {
            sqlite: session(Dialect::Sqlite),
            postgres: session(Dialect::Postgres),
            mysql: session(Dialect::Mysql),
        },
    }))
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

//! A whole migrations directory (revision directories, their SQL files,
//! metadata.toml, lithify.lock), compiled as a build script compiles it:
//! sources, graph, seals and code generation. Any input gives a result or
//! diagnostics; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_fuzz::{write_tree, ScratchDir};

thread_local! {
    static SCRATCH: ScratchDir = ScratchDir::new();
}

fuzz_target!(|data: &[u8]| {
    SCRATCH.with(|scratch| {
        let dir = scratch.fresh();
        write_tree(dir, data);
        let builder = lithify_build::Builder::new(dir);
        if let Ok(chain) = builder.compile() {
            // A chain that compiles must also generate its module.
            let _ = builder.generate(&chain);
        }
    });
});

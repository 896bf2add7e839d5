//! metadata.toml: one revision whose metadata is the input, next to a base
//! revision it may name as a parent, compiled through the directory reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify_fuzz::ScratchDir;

thread_local! {
    static SCRATCH: ScratchDir = ScratchDir::new();
}

fuzz_target!(|data: &[u8]| {
    SCRATCH.with(|scratch| {
        let dir = scratch.fresh();
        let write = |rel: &str, bytes: &[u8]| {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, bytes).expect("write");
        };
        write("0001_base/up.sql", b"CREATE TABLE t (id INTEGER);");
        write("0002_next/up.sql", b"SELECT 1;");
        write("0002_next/metadata.toml", data);
        let _ = lithify_build::Builder::new(dir).compile();
    });
});

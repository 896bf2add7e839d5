fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let lint = std::env::args().nth(2).as_deref() == Some("lint");
    for _ in 0..5 {
        let b = lithify_build::Builder::new(&dir)
            .dialects([lithify_build::Dialect::Sqlite])
            .schema_dialect(lithify_build::Dialect::Sqlite)
            .crate_root("/tmp")
            .lint(lint);
        let t = std::time::Instant::now();
        let c = b.compile().unwrap();
        let g = b.generate(&c);
        eprintln!("{:?} {}", t.elapsed(), g.module.len());
    }
}

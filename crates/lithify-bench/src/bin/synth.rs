//! Writes a synthetic migration chain.
fn main() {}

//! Benchmark support for lithify: synthetic migration chains in diesel's layout.

pub mod synth;

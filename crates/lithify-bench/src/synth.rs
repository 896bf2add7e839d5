//! Deterministic synthetic migration chains.

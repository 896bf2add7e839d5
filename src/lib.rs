//! lithify runtime (placeholder).

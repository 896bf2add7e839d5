#!/usr/bin/env bash
# The published crates package and build from their packages, and the API
# docs build without a warning.
#
# `cargo package` of several workspace members at once (cargo >= 1.84)
# verifies each crate against the others' freshly packaged versions, so the
# path dependencies on the not-yet-published lithify-core, lithify-schema and
# lithify-build need no --no-verify. Every published crate must be listed:
# one left out is looked up on crates.io, where it does not exist yet. The
# bench crates are `publish = false` and not listed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo package --locked -p lithify-core -p lithify-schema -p lithify-build -p lithify
RUSTDOCFLAGS="-D warnings" cargo doc --locked --workspace --no-deps --all-features

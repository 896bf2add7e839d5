#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the machine lacks,
# makes sure PostgreSQL and MariaDB are up, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

"$(dirname "$0")/setup.sh"

export POSTGRES_URL="${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
export MYSQL_URL="${MYSQL_URL:-mysql://root@127.0.0.1:3306}"

cargo test --workspace --all-features

#!/usr/bin/env bash
# Installs the C client libraries diesel links against and starts the database
# servers the tests use, when they are missing or stopped. Idempotent and quick
# when everything is already in place.
set -euo pipefail

need=()
for pkg in pkg-config libsqlite3-dev libpq-dev libmariadb-dev libmariadb-dev-compat; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# The engines' own clients: tests/offline_clients.rs pipes `lithify sql` into them.
for tool_pkg in sqlite3:sqlite3 psql:postgresql-client mariadb:mariadb-client; do
    command -v "${tool_pkg%%:*}" >/dev/null || need+=("${tool_pkg#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

wait_for() { # name, command
    for _ in $(seq 1 60); do
        if eval "$2" >/dev/null 2>&1; then return 0; fi
        sleep 1
    done
    echo "setup: $1 did not come up" >&2
    return 1
}

if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "setup: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    wait_for PostgreSQL "pg_isready -q -h 127.0.0.1 -p 5432"
fi
if [ -x /usr/sbin/mariadbd ] && ! mysqladmin -uroot -h127.0.0.1 status >/dev/null 2>&1; then
    echo "setup: starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for MariaDB "mysqladmin -uroot -h127.0.0.1 status"
fi

# The reference for the generated diesel schema: tests/print_schema_oracle.rs
# compares lithify's output with diesel_cli's own print-schema. Installed
# once into ~/.cargo/bin (after the client libraries above, which it links).
DIESEL_CLI_VERSION=2.3.14
if ! "${HOME}/.cargo/bin/diesel" --version 2>/dev/null | grep -q "Version: ${DIESEL_CLI_VERSION}"; then
    echo "setup: installing diesel_cli ${DIESEL_CLI_VERSION} (the print-schema reference)"
    cargo install --quiet --locked diesel_cli --version "=${DIESEL_CLI_VERSION}" \
        --no-default-features --features sqlite,postgres,mysql
fi

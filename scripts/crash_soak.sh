#!/usr/bin/env bash
# Soak of the crash test: many more kill -9 rounds than the suite runs, to
# catch rarer interleavings of a crash with a commit (of the database or of
# the search index).
#
#   scripts/crash_soak.sh                 # 50 rounds on SQLite
#   ROUNDS=200 scripts/crash_soak.sh      # more
#   KBQL_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
#       scripts/crash_soak.sh             # on PostgreSQL too
set -euo pipefail
cd "$(dirname "$0")/.."
test=durability::crash::kill_9_during_a_burst_loses_no_acknowledged_write
backends=(sqlite)
[ -n "${KBQL_TEST_POSTGRES_URL:-}" ] && backends+=(postgres)
for backend in "${backends[@]}"; do
    KBQL_TEST_CRASH_ROUNDS=${ROUNDS:-50} cargo test --test api -- --exact "$test::$backend"
done

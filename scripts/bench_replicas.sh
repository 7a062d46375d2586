#!/usr/bin/env bash
# Replicas on one PostgreSQL: how soon a new replica serves at N posts
# (default 100,000; its index built from the database), and how soon a
# write on one replica is searchable on another (scripts/bench/
# replica_lag.py).
#
#   scripts/bench_replicas.sh [N]
#
# Needs PostgreSQL: ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)
# must be allowed to create databases (psql is used); a database kbql_bench_replicas is
# made and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-100000}
admin=${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
url=${admin%/*}/kbql_bench_replicas
cargo build --release --quiet
kbql=$PWD/target/release/kbql
echo "bench_replicas: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src entity migration || echo ' with uncommitted changes')"

psql() { command psql "$admin" -qc "$1" > /dev/null; }
psql "DROP DATABASE IF EXISTS kbql_bench_replicas"
psql "CREATE DATABASE kbql_bench_replicas"
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql "DROP DATABASE IF EXISTS kbql_bench_replicas" || true
    rm -rf "$work"
}
trap cleanup EXIT

"$kbql" gen --posts "$posts" > "$work/corpus.jsonl"
start=$(date +%s.%N)
"$kbql" import "$work/corpus.jsonl" --data-dir "$work/import" --database-url "$url" > /dev/null
end=$(date +%s.%N)
python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'import on PostgreSQL: {int(sys.argv[3])/s:,.0f} posts/s ({s:.1f} s)')" "$start" "$end" "$posts"

# serve NAME PORT: a replica with a data directory of its own.
serve() {
    RUST_LOG=warn KBQL_SEARCHES_PER_MINUTE=0 KBQL_ASKS_PER_MINUTE=0 \
        "$kbql" serve --bind "127.0.0.1:$2" --data-dir "$work/$1" --database-url "$url" &
    pids+=($!)
}
ready() {
    until curl -sf "http://127.0.0.1:$1/readyz" > /dev/null; do sleep 0.05; done
}

start=$(date +%s.%N)
serve a 18091
ready 18091
end=$(date +%s.%N)
python3 -c "import sys; print(f'a new replica serving (index built from {sys.argv[3]} posts): {float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$start" "$end" "$posts"
serve b 18092
ready 18092

token=$("$kbql" token create --name "Bench Staff" --role staff --data-dir "$work/a" --database-url "$url" 2>/dev/null | tail -n 1)
python3 scripts/bench/replica_lag.py http://127.0.0.1:18091 http://127.0.0.1:18092 "$token"

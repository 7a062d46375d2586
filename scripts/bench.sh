#!/usr/bin/env bash
# Load benchmark of kbql on this machine. For each corpus size it measures:
# import throughput, index build time, search over HTTP under 16 concurrent
# clients beside a trivial GraphQL query (wrk), publish-to-searchable
# latency in the same process and across processes, and the server's peak
# RSS. Search is measured first on long-tail traffic (scripts/bench/
# longtail.lua: two thirds of the queries composed afresh from the corpus's
# titles, which no cache has seen), then on the visitor mix a cache mostly
# serves (scripts/bench/mix.lua), labelled as such, then without the cache.
#
#   scripts/bench.sh              # 10,000 and 100,000 posts
#   scripts/bench.sh 20000        # other sizes
#   DURATION=30s scripts/bench.sh # longer wrk runs
#
# Needs wrk (Debian: apt-get install wrk) and python3. Uses SQLite in a
# temporary data directory; DATABASE_URL=postgres://... runs it on PostgreSQL
# (the database must be empty).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
duration=${DURATION:-15s}
port=${PORT:-18080}

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
kbql=$PWD/target/release/kbql
# The figures belong to this commit; a stale binary once measured another.
echo "bench: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src entity migration || echo ' with uncommitted changes')"

# The load comes from one address; per-client quotas would measure the
# rate limiter, not search.
start_server() {
    RUST_LOG=warn KBQL_SEARCHES_PER_MINUTE=0 KBQL_ASKS_PER_MINUTE=0 "$kbql" serve --bind "127.0.0.1:$port" --data-dir "$dir" "${db_args[@]}" &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
}

stop_server() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    trap - EXIT
}

# load LABEL SCRIPT KIND: a warm-up, then a measured wrk run at 16 clients;
# prints the figures and appends the rate to $dir/LABEL.rps.
load() {
    QUERY_KIND=$3 wrk -t2 -c16 -d3s -s "scripts/bench/$2" "http://127.0.0.1:$port" > /dev/null
    QUERY_KIND=$3 wrk -t2 -c16 -d"$duration" --latency -s "scripts/bench/$2" "http://127.0.0.1:$port" > "$dir/wrk.txt"
    python3 - "$dir/wrk.txt" "$1" "$dir/$1.rps" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def lat(p):
    m = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
    return m.group(1) if m else "?"
rps = re.search(r"Requests/sec:\s+(\S+)", text).group(1)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
gql = re.search(r"graphql errors: (\d+)", text)
print(f"{sys.argv[2]}: {float(rps):,.0f} req/s, p50 {lat(50)}, p99 {lat(99)}"
      + (f", {errors.group(1)} non-2xx" if errors else "")
      + (f", {gql.group(1)} GraphQL errors" if gql else ""))
open(sys.argv[3], "a").write(rps + "\n")
PY
}

# ratio A B: the medians of the rates appended by `load A` and `load B`,
# and B's as a share of A's.
ratio() {
    python3 - "$dir/$1.rps" "$dir/$2.rps" "$1" "$2" <<'PY'
import statistics, sys
a, b = (statistics.median(float(x) for x in open(f)) for f in sys.argv[1:3])
print(f"median {sys.argv[3]}: {a:,.0f} req/s; median {sys.argv[4]}: {b:,.0f} req/s; ratio {100 * b / a:.1f}%")
PY
}

for n in "${sizes[@]}"; do
    dir=$(mktemp -d)
    db_args=()
    [ -n "${DATABASE_URL:-}" ] && db_args=(--database-url "$DATABASE_URL")
    echo "== $n posts (data in $dir)"
    "$kbql" gen --posts "$n" > "$dir/corpus.jsonl"
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print(" ".join(json.loads(line).get("title", "").split()))
' "$dir/corpus.jsonl" > "$dir/titles.txt"
    export TITLES=$dir/titles.txt

    start=$(date +%s.%N)
    "$kbql" import "$dir/corpus.jsonl" --data-dir "$dir" "${db_args[@]}" > /dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'import: {int(sys.argv[3])/s:,.0f} posts/s ({s:.1f} s)')" "$start" "$end" "$n"

    start=$(date +%s.%N)
    start_server
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'index build at start-up: {float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$start" "$end"

    # The trivial query (the stack's ceiling) beside long-tail search, then
    # beside the cached visitor mix. The trivial query's own rate swings by
    # a fifth from run to run on this machine, so each pair is measured in
    # turns, three times, and the medians compared.
    for _ in 1 2 3; do
        load trivial search.lua trivial
        load "search (long tail)" longtail.lua search
    done
    ratio trivial "search (long tail)"
    for _ in 1 2 3; do
        load trivial search.lua trivial
        load "search (visitor mix, mostly cached)" mix.lua search
    done
    ratio trivial "search (visitor mix, mostly cached)"

    token=$("$kbql" token create --name "Bench Staff" --role staff --data-dir "$dir" "${db_args[@]}" 2>/dev/null | tail -n 1)
    python3 scripts/bench/latency.py "http://127.0.0.1:$port" "$token" "$kbql" "$dir" "${db_args[@]}"

    rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
    echo "server peak RSS: $((rss / 1024)) MB"
    stop_server

    # Without the cache every request is a full search: the worst case.
    KBQL_SEARCH_CACHE_MB=0 start_server
    load "search (long tail, no cache)" longtail.lua search
    load "search (visitor mix, no cache)" mix.lua search
    load "search (15 queries, no cache)" search.lua search
    stop_server
    rm -rf "$dir"
done

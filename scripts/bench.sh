#!/usr/bin/env bash
# Load benchmark of kbql on this machine. For each corpus size it measures:
# import throughput, index build time, search over HTTP under 16 concurrent
# clients beside a trivial GraphQL query (wrk), publish-to-searchable latency
# in the same process and across processes, and the server's peak RSS.
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

for n in "${sizes[@]}"; do
    dir=$(mktemp -d)
    db_args=()
    [ -n "${DATABASE_URL:-}" ] && db_args=(--database-url "$DATABASE_URL")
    echo "== $n posts (data in $dir)"
    "$kbql" gen --posts "$n" > "$dir/corpus.jsonl"

    start=$(date +%s.%N)
    "$kbql" import "$dir/corpus.jsonl" --data-dir "$dir" "${db_args[@]}" > /dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'import: {int(sys.argv[3])/s:,.0f} posts/s ({s:.1f} s)')" "$start" "$end" "$n"

    start=$(date +%s.%N)
    RUST_LOG=warn "$kbql" serve --bind "127.0.0.1:$port" --data-dir "$dir" "${db_args[@]}" &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.1; done
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'index build at start-up: {float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$start" "$end"

    for kind in trivial search; do
        # Warm up, then measure.
        QUERY_KIND=$kind wrk -t2 -c16 -d3s -s scripts/bench/search.lua "http://127.0.0.1:$port" > /dev/null
        QUERY_KIND=$kind wrk -t2 -c16 -d"$duration" --latency -s scripts/bench/search.lua "http://127.0.0.1:$port" > "$dir/wrk-$kind.txt"
        python3 - "$dir/wrk-$kind.txt" "$kind" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def lat(p):
    m = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
    return m.group(1) if m else "?"
rps = re.search(r"Requests/sec:\s+(\S+)", text).group(1)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{sys.argv[2]:>8}: {float(rps):,.0f} req/s, p50 {lat(50)}, p99 {lat(99)}" + (f", {errors.group(1)} errors" if errors else ""))
PY
    done

    token=$("$kbql" token create --name "Bench Staff" --role staff --data-dir "$dir" "${db_args[@]}" 2>/dev/null | tail -n 1)
    python3 scripts/bench/latency.py "http://127.0.0.1:$port" "$token" "$kbql" "$dir" "${db_args[@]}"

    rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
    echo "server peak RSS: $((rss / 1024)) MB"
    kill "$server"
    wait "$server" 2>/dev/null || true
    trap - EXIT
    rm -rf "$dir"
done

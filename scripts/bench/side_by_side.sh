#!/usr/bin/env bash
# Two builds of kbql on one corpus, measured in turns: the way to compare
# them on a machine whose speed drifts (absolute figures from different
# runs are not comparable here; alternating runs are).
#
#   scripts/bench/side_by_side.sh OLD_KBQL NEW_KBQL [POSTS]
#
# Each binary imports the same generated corpus into a data directory of
# its own (their schemas may differ), then both servers run at once and
# wrk drives them in turns: the trivial query and the visitor mix
# (scripts/bench/mix.lua), ROUNDS times (default 3), DURATION each (10s).
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$1
new=$2
posts=${3:-10000}
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
command -v wrk >/dev/null || { echo "side_by_side: wrk is missing (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$new" gen --posts "$posts" > "$work/corpus.jsonl"
port=18090
for which in old new; do
    bin=${!which}
    mkdir -p "$work/$which"
    "$bin" import "$work/corpus.jsonl" --data-dir "$work/$which" > /dev/null
    RUST_LOG=warn KBQL_SEARCHES_PER_MINUTE=0 KBQL_ASKS_PER_MINUTE=0 \
        "$bin" serve --bind "127.0.0.1:$port" --data-dir "$work/$which" &
    eval "${which}_port=$port"
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.2; done
    port=$((port + 1))
done
run() { # which kind script
    local p="${1}_port"
    QUERY_KIND=$2 wrk -t2 -c16 -d3s -s "scripts/bench/$3" "http://127.0.0.1:${!p}" > /dev/null
    QUERY_KIND=$2 wrk -t2 -c16 -d"$duration" --latency -s "scripts/bench/$3" "http://127.0.0.1:${!p}" > "$work/wrk.txt"
    python3 - "$work/wrk.txt" "$1 $2" "$work/$1-$2.rps" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+(\S+)", text).group(1))
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{sys.argv[2]:>14}: {rps:>9,.0f} req/s, p99 {p99}" + (f", {bad.group(1)} non-2xx" if bad else ""))
open(sys.argv[3], "a").write(f"{rps}\n")
PY
}
for _ in $(seq "$rounds"); do
    for which in old new; do
        run "$which" trivial search.lua
        run "$which" search mix.lua
    done
done
python3 - "$work" <<'PY'
import statistics, sys
d = sys.argv[1]
med = {k: statistics.median(float(x) for x in open(f"{d}/{k}.rps")) for k in
       ["old-trivial", "old-search", "new-trivial", "new-search"]}
for w in ["old", "new"]:
    print(f"{w}: trivial {med[w+'-trivial']:,.0f} req/s, visitor mix {med[w+'-search']:,.0f} req/s "
          f"({100 * med[w+'-search'] / med[w+'-trivial']:.1f}% of trivial)")
PY

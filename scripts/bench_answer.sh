#!/usr/bin/env bash
# `answer` with the model at scale: p50/p99 at 16 clients on long-tail chat
# traffic (scripts/bench/longtail.lua, OPERATION=answer: whole titles as
# questions, a third with a typo, two thirds never asked before) and the
# server's RSS with every post's vector loaded.
#
#   scripts/bench_answer.sh             # 100,000 posts
#   scripts/bench_answer.sh 20000 1000  # posts, posts embedded for real
#
# Embedding 100,000 posts takes this machine about 1.6 hours (cargo bench
# --bench semantic), so the model embeds the first EMBEDDED posts (default
# 2,000) for real and their vectors are copied onto the rest, post i
# getting the vector of post 1 + (i - 1) mod EMBEDDED. What the figure
# measures, the scan of every vector, fusion and the answer's reading of
# the posts, costs the same whatever the vectors hold; which post wins
# does not matter here.
#
# Needs wrk, python3 and the model (scripts/model/fetch_minilm.sh).
# SQLite only. DURATION (default 15s) sets the measured run.
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-100000}
embedded=${2:-2000}
duration=${DURATION:-15s}
port=${PORT:-18081}
model_dir=${KBQL_MODEL_DIR:-$PWD/target/model/all-minilm-l6-v2}

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -f "$model_dir/model.safetensors" ] || { echo "bench: no model in $model_dir (scripts/model/fetch_minilm.sh)" >&2; exit 1; }
cargo build --release --quiet
kbql=$PWD/target/release/kbql
echo "bench_answer: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)')"

dir=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$dir"' EXIT
"$kbql" gen --posts "$posts" > "$dir/corpus.jsonl"
"$kbql" import "$dir/corpus.jsonl" --data-dir "$dir" > /dev/null
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    post = json.loads(line)
    title = post.get("title") or post.get("question", "")
    print(" ".join(title.split()))
' "$dir/corpus.jsonl" > "$dir/titles.txt"

serve() {
    RUST_LOG=warn KBQL_SEARCHES_PER_MINUTE=0 KBQL_ASKS_PER_MINUTE=0 KBQL_SEARCH_CACHE_MB=0 \
        "$kbql" serve --bind "127.0.0.1:$port" --data-dir "$dir" --model-dir "$model_dir" &
    server=$!
    until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.2; done
}
vectors() {
    curl -sf "http://127.0.0.1:$port/metrics" | awk '/^kbql_post_vectors / {print $2}'
}

serve
start=$(date +%s)
until [ "$(vectors)" -ge "$embedded" ]; do sleep 2; done
echo "embedded $embedded posts for real in $(( $(date +%s) - start )) s"
kill "$server"; wait "$server" 2>/dev/null || true

python3 - "$dir/kbql.db" "$embedded" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
k = int(sys.argv[2])
db.execute("""
    INSERT INTO post_vector (post_id, model, post_updated_at, vector)
    SELECT p.id, v.model, p.updated_at, v.vector
    FROM post p JOIN post_vector v ON v.post_id = 1 + (p.id - 1) % ?
    WHERE NOT EXISTS (SELECT 1 FROM post_vector w WHERE w.post_id = p.id)
""", (k,))
db.commit()
print("vectors in the database:", db.execute("SELECT count(*) FROM post_vector").fetchone()[0])
PY

start=$(date +%s.%N)
serve
until [ "$(vectors)" -ge "$posts" ]; do sleep 0.5; done
end=$(date +%s.%N)
python3 -c "import sys; print(f'serving with {sys.argv[3]} vectors loaded after {float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$start" "$end" "$(vectors)"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
echo "server RSS with vectors loaded, before load: $((rss / 1024)) MB"

run() {
    OPERATION=answer TITLES="$dir/titles.txt" wrk -t2 -c16 -d"$1" --latency \
        -s scripts/bench/longtail.lua "http://127.0.0.1:$port"
}
run 3s > /dev/null
run "$duration" > "$dir/wrk.txt"
python3 - "$dir/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
lat = lambda p: re.search(rf"^\s+{p}%\s+(\S+)", text, re.M).group(1)
rps = float(re.search(r"Requests/sec:\s+(\S+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
gql = re.search(r"graphql errors: (\d+)", text).group(1)
print(f"answer (long tail, 16 clients, no cache): {rps:,.0f} req/s, p50 {lat(50)}, p90 {lat(90)}, p99 {lat(99)}, "
      f"{non2xx.group(1) if non2xx else 0} non-2xx, {gql} GraphQL errors")
PY
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "server peak RSS: $((rss / 1024)) MB"

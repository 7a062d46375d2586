#!/usr/bin/env bash
# Fuzzes a running kbql over HTTP: GraphQL documents generated from the
# schema and made hostile (deep nesting of every kind, huge lists, repeated
# fields and fragments, directives, hostile variables, broken bodies,
# flipped bytes), against a release build of `kbql serve` with the sample
# posts, in development and then production mode. See tests/api/http_fuzz/.
#
#   scripts/http_fuzz.sh                      # 25,000 requests per mode
#   REQUESTS=100000 scripts/http_fuzz.sh      # more
#   SEED=42 scripts/http_fuzz.sh              # repeat a run
#
# Writes the report (what was tried, status codes, error codes, failures,
# peak memory) to target/http-fuzz-report.json, and exits non-zero if the
# server died, answered a 5xx that is not a coded error, leaked internal
# text, lost an acknowledged write or went past its memory bound.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${REQUESTS:-25000}
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
workers=${WORKERS:-4}
report=$PWD/target/http-fuzz-report.json
echo "http fuzz: $requests requests per mode, seed $seed, $workers clients" >&2
KBQL_FUZZ_REQUESTS=$requests KBQL_FUZZ_SEED=$seed KBQL_FUZZ_WORKERS=$workers \
KBQL_FUZZ_REPORT=$report \
    cargo test --release --test api -- --ignored --exact http_fuzz::campaign --nocapture
echo "http fuzz: report in $report" >&2

#!/usr/bin/env bash
# The whole relevance evaluation: each judged set over its corpus, the dev
# halves (tuned on) and the test halves (only reported), with matching by
# meaning when the model is there.
#
#   scripts/eval.sh            # needs target/eval/debian_faq.jsonl and the model
#
# scripts/eval/debian_faq.sh and scripts/model/fetch_minilm.sh make them.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${KBQL_MODEL_DIR:-target/model/all-minilm-l6-v2}
faq=target/eval/debian_faq.jsonl
[ -f "$faq" ] || scripts/eval/debian_faq.sh
args=()
if [ -f "$model/model.safetensors" ]; then
    args=(--model-dir "$model")
else
    echo "eval: no model in $model; words only (scripts/model/fetch_minilm.sh)" >&2
fi
cargo build --profile "${PROFILE:-release}" --quiet
dir=${PROFILE:-release}; [ "$dir" = dev ] && dir=debug
kbql=target/$dir/kbql
run() {
    local half=$1 queries=$2
    shift 2
    echo "== $half: $queries"
    RUST_LOG=warn "$kbql" eval "$queries" "$@" "${args[@]}" | tail -n +3
    echo
}
run dev eval/demo_queries.jsonl
run dev eval/page_queries.jsonl --corpus eval/clinic_page.txt
run dev eval/debian_faq_dev.jsonl --corpus "$faq"
run test eval/demo_test.jsonl
run test eval/debian_faq_test.jsonl --corpus "$faq"

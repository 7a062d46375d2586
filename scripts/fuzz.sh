#!/usr/bin/env bash
# Fuzzes kbql for a bounded time: the two import parsers and the search
# query path (see fuzz/fuzz_targets/). Each target runs on a scratch copy of
# its committed seeds (fuzz/corpus/<target>/seed-*), so corpus growth never
# lands in the repository.
#
#   scripts/fuzz.sh                           # every target, 60 s each
#   FUZZ_SECONDS=180 scripts/fuzz.sh          # longer
#   scripts/fuzz.sh search_query              # some targets only
#   FUZZ_KEEP_CORPUS=1 scripts/fuzz.sh        # go on from the last run's corpus
#
# Needs cargo-fuzz and a nightly toolchain; installs neither. Runs one
# fuzzing process at a time (libFuzzer -jobs=1 -workers=1). Exits non-zero
# when a target crashed, hung or ran out of memory, and names the input
# that reproduces it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-60}
all_targets=(import_jsonl import_blog_text search_query)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

say() { printf 'fuzz: %s\n' "$*" >&2; }

if ! cargo +nightly --version >/dev/null 2>&1; then
    say "a nightly toolchain is needed (cargo +nightly): rustup toolchain install nightly"
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    say "cargo-fuzz is needed: cargo install cargo-fuzz --locked"
    exit 2
fi
case $seconds in
    '' | *[!0-9]*) say "FUZZ_SECONDS must be a whole number of seconds, not '$seconds'"; exit 2 ;;
esac

# Per target: libFuzzer's limits. A single input taking over 10 s is a hang;
# the import targets get inputs large enough for super-linear work to show.
# search_query's index keeps a runtime whose background tasks (the indexer
# polling the outbox, the synonym refresh) allocate between iterations, so
# libFuzzer's per-input leak check would scan the heap on every input and
# report no real leak: it is off there.
options_for() {
    case $1 in
        import_jsonl | import_blog_text) echo "-max_len=65536 -timeout=10 -rss_limit_mb=2048" ;;
        search_query) echo "-max_len=2048 -timeout=10 -rss_limit_mb=2048 -detect_leaks=0" ;;
        *) return 1 ;;
    esac
}

for t in "${targets[@]}"; do
    options_for "$t" >/dev/null || { say "unknown target '$t' (known: ${all_targets[*]})"; exit 2; }
done

say "building ${targets[*]}"
for t in "${targets[@]}"; do
    cargo +nightly fuzz build --fuzz-dir "$root/fuzz" "$t" || { say "build of $t failed"; exit 2; }
done

failed=()
for t in "${targets[@]}"; do
    work=$root/fuzz/target/fuzz-work/$t
    artifacts=$root/fuzz/artifacts/$t
    mkdir -p "$work" "$artifacts"
    [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$work/corpus"
    mkdir -p "$work/corpus"
    cp "$root"/fuzz/corpus/"$t"/seed-* "$work/corpus/"
    rm -f "$work"/fuzz-*.log
    marker=$work/started
    touch "$marker"

    say "running $t for ${seconds}s (log: $work/fuzz-0.log)"
    # shellcheck disable=SC2046 # the options are words on purpose
    (cd "$work" && cargo +nightly fuzz run --fuzz-dir "$root/fuzz" "$t" "$work/corpus" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" $(options_for "$t")) >"$work/run.log" 2>&1
    status=$?

    # With -jobs, libFuzzer's own output goes to fuzz-0.log in the work dir.
    log=$work/fuzz-0.log
    [ -f "$log" ] || log=$work/run.log
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    printf '%s: %s\n' "$t" "${last:-no progress line (see $log)}"
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed "s/^/$t: /"

    found=$(find "$artifacts" -type f -newer "$marker" | sort)
    if [ "$status" -ne 0 ] || [ -n "$found" ] || grep -qE '^==[0-9]+== ERROR: libFuzzer' "$log"; then
        failed+=("$t")
        say "$t FAILED (exit $status); the end of its log:"
        tail -n 40 "$log" >&2
        for f in $found; do
            say "reproducer: $f"
            say "  replay with: cargo +nightly fuzz run $t $f"
        done
        [ -n "$found" ] || say "no reproducer was written; see $log and $work/run.log"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    say "failed: ${failed[*]}"
    exit 1
fi
say "no crash, hang or out-of-memory in ${targets[*]} (${seconds}s each)"

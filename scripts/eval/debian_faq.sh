#!/usr/bin/env bash
# Builds the third-party half of the relevance evaluation: the Debian
# GNU/Linux FAQ, taken from Debian's `debian-faq` package and turned into
# kbql's JSON Lines import format, one post per numbered entry.
#
#   scripts/eval/debian_faq.sh [OUT]     # default target/eval/debian_faq.jsonl
#
# The FAQ's text is the Debian project's, under its own licence; it is
# fetched when the evaluation runs and never committed. Entries keep their
# text as the package has it (hard-wrapped, indented), which is part of
# what the evaluation tests. Each post's slug is `debian-faq-<chapter>-<n>` (`-<k>` for a sub-entry),
# the name the judged queries in eval/debian_faq_*.jsonl use.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/eval/debian_faq.jsonl}
work=target/eval/debian-faq
mkdir -p "$work" "$(dirname "$out")"

if ! ls "$work"/debian-faq_*.deb >/dev/null 2>&1; then
    (cd "$work" && apt-get download debian-faq 2>/dev/null) || {
        apt-get update -q >/dev/null
        (cd "$work" && apt-get download debian-faq)
    }
fi
deb=$(ls "$work"/debian-faq_*.deb | sort -V | tail -n 1)
dpkg-deb -x "$deb" "$work/root"
text="$work/root/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz"

# A heading is "N.M. Question" (or "N.M.K.") at the left margin, possibly wrapped onto
# more left-margin lines; the entry's text is the indented block after it,
# up to the next heading. "Chapter N. Title" names a chapter.
# Some indents are no-break spaces; they are indents all the same.
zcat "$text" | sed -e 's/\xc2\xa0/ /g' | awk '
function esc(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s)
    return s
}
function flush() {
    if (slug != "" && body != "") {
        printf "{\"kind\": \"question\", \"slug\": \"%s\", \"title\": \"%s\", \"question\": \"%s\", \"answer\": \"%s\", \"category\": \"%s\", \"tags\": [\"debian\"], \"published_at\": \"2021-01-01T00:00:00Z\"}\n", slug, esc(head), esc(head), body, esc(chapter)
    }
    slug = ""; body = ""; head = ""; gap = 0
}
# The table of contents ends where "Chapter 1." begins the text.
/^Chapter [0-9]+\. / { flush(); started = 1; chapter = substr($0, index($0, ". ") + 2); heading = 0; next }
!started { next }
/^[0-9]+(\.[0-9]+)+\. / {
    flush()
    number = $1; sub(/\.$/, "", number); gsub(/\./, "-", number)
    slug = "debian-faq-" number
    head = substr($0, length($1) + 2)
    heading = 1
    next
}
heading && /^[^ ]/ && $0 != "" { head = head " " $0; next }
/^$/ { heading = 0; gap = 1; next }
/^ / {
    heading = 0
    line = $0; sub(/^ +/, "", line)
    if (body != "") body = body (gap ? "\\n\\n" : "\\n")
    body = body esc(line); gap = 0
    next
}
END { flush() }
' > "$out.tmp"
mv "$out.tmp" "$out"
echo "debian_faq: $(wc -l < "$out") entries in $out" >&2

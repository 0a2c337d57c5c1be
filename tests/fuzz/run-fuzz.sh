#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-fuzz.sh HARNESS SEED_DIR ARTIFACT_DIR: one libFuzzer harness for
# OKN_FUZZ_SECONDS (default 4) on its seed corpus, as one TAP test that
# prints how many inputs it ran. The seeds in the repository are never
# written to: new inputs go to a temporary corpus that is dropped.
# A crashing input is kept in ARTIFACT_DIR and named.
# run-fuzz.sh --skip WHY: the suite's one skipped test where it cannot run.
set -u

if [ "${1:-}" = "--skip" ]; then
  echo "1..0 # SKIP fuzz harnesses not built: $2"
  exit 0
fi

harness=$1 seeds=$2 artifacts=$3
name=$(basename "$harness")
seconds=${OKN_FUZZ_SECONDS:-4}
work=$(mktemp -d "${TMPDIR:-/tmp}/okn-$name-XXXXXX")
trap 'rm -rf "$work"' EXIT
# OKN_FUZZ_KEEP (okienko-dev fuzz): a folder where the inputs found are
# kept from one long run to the next.
corpus=$work/corpus
[ -n "${OKN_FUZZ_KEEP:-}" ] && corpus=$OKN_FUZZ_KEEP/$name
mkdir -p "$corpus" "$artifacts"

echo "1..1"
# -timeout: one input taking 20 s is a hang worth a report;
# -rss_limit_mb: a loader asked for more than this is a bug, not an image;
# -detect_leaks=0: leaks are the sanitizer build's to find (every suite runs
# there with LeakSanitizer on); here LSan's check in the middle of a run
# took memory in flight in GLib's own threads for leaks that no replay of
# the saved input showed, which would make this suite fail at random.
# (LeakSanitizer's check at exit too: ASAN_OPTIONS below.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
"$harness" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -detect_leaks=0 \
  -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
  "$corpus" "$seeds" >"$work/log" 2>&1
status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
seeds_n=$(find "$seeds" -type f | wc -l)
corpus_n=$(find "$corpus" -type f | wc -l)
if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
  echo "# $name: $runs executions in $seconds s, $seeds_n seeds, $corpus_n inputs found, no crash"
  echo "ok 1 - $name: $runs executions"
  exit 0
fi
artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" | tail -n 1)
cp "$work/log" "$artifacts/$name.log"
grep -E 'ERROR|runtime error|Direct leak|Indirect leak|^ +#[0-9]+ |SUMMARY' "$work/log" | head -n 60 | sed 's/^/# /'
echo "# the whole log: $artifacts/$name.log"
echo "not ok 1 - $name: crashed (exit $status)${artifact:+; the input is in $artifact}"
exit 1

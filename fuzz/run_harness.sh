#!/usr/bin/env bash
# Runs one harness as a CTest test: a fixed seed, a time budget, the harness's dictionary, its
# seed corpus and its regressions (every input of fuzz/regressions/HARNESS is replayed first).
# Exits non-zero when libFuzzer reports a finding; the input is then under WORK_DIR/artifacts.
#
#   run_harness.sh BINARY DICTIONARY SEED_DIR REGRESSION_DIR WORK_DIR SECONDS [libFuzzer flags...]
set -euo pipefail
[ $# -ge 6 ] || { echo "usage: $0 BINARY DICTIONARY SEED_DIR REGRESSION_DIR WORK_DIR SECONDS [FLAGS...]" >&2; exit 2; }
binary=$1 dictionary=$2 seeds=$3 regressions=$4 work=$5 seconds=$6
shift 6

# A fresh corpus each run (libFuzzer adds what it finds to the first directory), so that a run
# depends only on the seeds, the regressions and the seed.
rm -rf -- "$work"
mkdir -p "$work/corpus" "$work/artifacts"
corpora=("$work/corpus" "$seeds")
[ -d "$regressions" ] && corpora+=("$regressions")

exec "$binary" -seed=1 -max_total_time="$seconds" -timeout=25 -dict="$dictionary" \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "${corpora[@]}"

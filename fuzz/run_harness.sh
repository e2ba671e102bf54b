#!/usr/bin/env bash
# Runs one harness as a CTest test: first each input of LARGE_DIR once (bodies too big to seed
# with), then fuzzing with a fixed seed for SECONDS from the harness's dictionary, its seed corpus
# and its regressions (every input of fuzz/regressions/HARNESS is replayed before fuzzing starts).
# Exits non-zero when libFuzzer reports a finding; the input is then under WORK_DIR/artifacts.
#
#   run_harness.sh BINARY DICTIONARY SEED_DIR LARGE_DIR REGRESSION_DIR WORK_DIR SECONDS [FLAGS...]
set -euo pipefail
[ $# -ge 7 ] || { echo "usage: $0 BINARY DICTIONARY SEED_DIR LARGE_DIR REGRESSION_DIR WORK_DIR SECONDS [FLAGS...]" >&2; exit 2; }
binary=$1 dictionary=$2 seeds=$3 large=$4 regressions=$5 work=$6 seconds=$7
shift 7

# A fresh corpus each run (libFuzzer adds what it finds to the first directory), so that a run
# depends only on the seeds, the regressions and the seed.
rm -rf -- "$work"
mkdir -p "$work/corpus" "$work/artifacts"
large_inputs=()
[ -d "$large" ] && mapfile -t large_inputs < <(find "$large" -type f | sort)
if [ "${#large_inputs[@]}" -gt 0 ]; then
  "$binary" -artifact_prefix="$work/artifacts/" "$@" "${large_inputs[@]}"
fi

corpora=("$work/corpus" "$seeds")
[ -d "$regressions" ] && corpora+=("$regressions")

exec "$binary" -seed=1 -max_total_time="$seconds" -timeout=25 -dict="$dictionary" \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "${corpora[@]}"

#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test (unit and
# integration; the integration tests start their own PostgreSQL and devbroker), then the fuzz step:
# a clang build of its own (build-fuzz) whose harnesses each fuzz for a short while (CTest label
# fuzz, fuzz/README.md). Any finding fails the command.
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         ctest arguments pass through (e.g. -L integration, -R ingest);
#                                   a selection skips the fuzz step unless it names fuzz
#   scripts/test.sh -L fuzz         the fuzz step alone (e.g. -R fuzz_folds)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

run_main=1
run_fuzz=1
if [ $# -gt 0 ]; then
  case " $* " in
    *fuzz*) run_main=0 ;;
    *) run_fuzz=0 ;;
  esac
fi

if [ "$run_main" = 1 ]; then
  build_dir=${TRIBUTARY_BUILD_DIR:-build}
  # A build directory made here (CI's, on a clean clone) is built once and tested: line tables
  # for debug information (what stacks and sanitizer reports print) and the gold linker, a third
  # less build time (scripts/README.md). One that exists keeps the settings it has.
  first_configure=()
  [ -f "$build_dir/CMakeCache.txt" ] || first_configure=(-DTRIBUTARY_DEBUG_INFO=lines -DTRIBUTARY_LINKER=gold)
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${TRIBUTARY_BUILD_TYPE:-RelWithDebInfo}" \
    -DTRIBUTARY_SANITIZE="${TRIBUTARY_SANITIZE:-}" "${first_configure[@]}" >/dev/null
  cmake --build "$build_dir" -j"$(nproc)"
  # In parallel: integration tests each use their own database and topics; the ones that stop
  # services, push broker faults or measure memory are RUN_SERIAL (tests/harness/README.md).
  # CTest starts the longest first when it knows how long each took (the file every run writes);
  # a new build directory starts from scripts/ctest_costs.txt (a run's figures; a test missing
  # there just starts later).
  costs="$build_dir/Testing/Temporary/CTestCostData.txt"
  if [ ! -f "$costs" ]; then
    mkdir -p "$(dirname "$costs")"
    cp scripts/ctest_costs.txt "$costs"
  fi
  ctest --test-dir "$build_dir" --output-on-failure --timeout 900 -j"$(nproc)" "$@"
fi

if [ "$run_fuzz" = 1 ]; then
  fuzz_dir=${TRIBUTARY_FUZZ_BUILD_DIR:-build-fuzz}
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$fuzz_dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTRIBUTARY_FUZZ=ON "${launcher[@]}" >/dev/null
  cmake --build "$fuzz_dir" -j"$(nproc)" --target fuzzers
  ctest --test-dir "$fuzz_dir" -L fuzz -j"$(nproc)" --output-on-failure --timeout 900 "$@"
fi

#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test (unit and
# integration; the integration tests start their own PostgreSQL and devbroker).
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         ctest arguments pass through (e.g. -L integration, -R ingest)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build_dir=${TRIBUTARY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${TRIBUTARY_BUILD_TYPE:-RelWithDebInfo}" \
  -DTRIBUTARY_SANITIZE="${TRIBUTARY_SANITIZE:-}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure --timeout 900 "$@"

#!/usr/bin/env bash
# The one command of issue 10: builds the Release tree, installs what the benches need (Debian's
# wrk and nginx through apt-get, the peer's pinned packages through npm), runs every bench and
# rewrites BENCHMARKS.md: a header (date, machine, versions, settings) and each bench's fragment.
#   bench/run.sh [--output FILE]     (default: BENCHMARKS.md at the repository's root)
# Sub-benches, each also runnable alone (without --markdown it prints its fragment):
#   bench/ingest/run.sh --markdown F   bench/worker/run.sh --markdown F   bench/refold/run.sh --markdown F
#   bench/dora/run.sh --markdown F
# One that is missing is skipped, and the header says so. About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
output=$root/BENCHMARKS.md
while [ $# -gt 0 ]; do
  case $1 in
    --output) output=$2; shift 2 ;;
    *) echo "usage: $0 [--output FILE]" >&2; exit 2 ;;
  esac
done
say() { echo "bench: $*" >&2; }
started=$(date +%s)

export PATH=$PATH:/usr/sbin
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v node >/dev/null || { say "node is required (the peer, the load scripts)"; exit 1; }

export TRIBUTARY_BUILD_DIR=${TRIBUTARY_BUILD_DIR:-$root/build-release}
say "configuring the Release tree $TRIBUTARY_BUILD_DIR (each bench builds its own targets)"
cmake -S . -B "$TRIBUTARY_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null

fragments=$(mktemp -d /tmp/tributary-bench.XXXXXX)
trap 'rm -rf "$fragments"' EXIT
ran=()
skipped=()
for bench in ingest worker refold dora; do
  script=bench/$bench/run.sh
  if [ ! -x "$script" ]; then
    skipped+=("$bench")
    continue
  fi
  say "running $script"
  bench_start=$(date +%s)
  if "$script" --markdown "$fragments/$bench.md"; then
    ran+=("$bench ($(( $(date +%s) - bench_start )) s)")
  else
    say "$script failed"
    printf '## %s\n\n`%s` failed in this run (exit status non-zero); see its output.\n' "$bench" "$script" >"$fragments/$bench.md"
    ran+=("$bench (failed)")
  fi
done

version_of() {  # COMMAND...: the first line it prints of its version (wrk -v exits 1)
  command -v "$1" >/dev/null || { echo "not found"; return; }
  { "$@" 2>&1 || true; } | head -n 1
}
boost=$(awk '/#define BOOST_LIB_VERSION/ {gsub(/"/, "", $3); print $3}' /usr/include/boost/version.hpp 2>/dev/null || echo "?")
postgres=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), in $(( ($(date +%s) - started) / 60 )) minutes."
  echo "Everything (load generators, devbroker, PostgreSQL, what is measured) shares one machine, so"
  echo "absolute figures are a floor; the comparisons are side by side in the same run, under the same"
  echo "conditions. Ratios against issue 10's targets are in each section."
  echo
  echo "| machine | |"
  echo "| --- | --- |"
  echo "| CPU | $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo) |"
  echo "| memory | $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| load average at the start | $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes the figures noisier) |"
  echo "| gcc | $(version_of g++ --version) |"
  echo "| librdkafka | $(pkg-config --modversion rdkafka 2>/dev/null || echo ?) |"
  echo "| Boost | ${boost//_/.} |"
  echo "| OpenSSL | $(version_of openssl version) |"
  echo "| PostgreSQL | $([ -n "$postgres" ] && version_of "$postgres" --version || echo "not found") |"
  echo "| node | $(version_of node --version) |"
  echo "| wrk | $(version_of wrk -v | awk '{print $1, $2}') |"
  echo "| nginx | $(version_of nginx -v | sed 's/^nginx version: //') |"
  echo "| build | CMake \`Release\` (\`-O3\`), \`$TRIBUTARY_BUILD_DIR\` |"
  echo "| benches run | ${ran[*]:-none}$([ ${#skipped[@]} -gt 0 ] && echo "; skipped (no script): ${skipped[*]}") |"
  echo
  for bench in ingest worker refold dora; do
    [ -s "$fragments/$bench.md" ] || continue
    cat "$fragments/$bench.md"
    echo
  done
} >"$output.tmp"
mv "$output.tmp" "$output"
say "wrote $output in $(( ($(date +%s) - started) / 60 )) minutes"

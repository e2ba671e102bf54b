#!/usr/bin/env bash
# How long the DORA views take over a synthetic history (history.sql), against a throwaway
# PostgreSQL (the test services), with PostgreSQL's JIT off (the databases' setting since
# migration 012) and on (PostgreSQL's default).
#   bench/dora/run.sh [--pushes N] [--markdown FILE]    (without --markdown: the fragment on stdout)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
pushes=20000
markdown=/dev/stdout
while [ $# -gt 0 ]; do
  case $1 in
    --pushes) pushes=$2; shift 2 ;;
    --markdown) markdown=$2; shift 2 ;;
    *) echo "usage: $0 [--pushes N] [--markdown FILE]" >&2; exit 2 ;;
  esac
done
build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target tributary-migrate tributary-devbroker >/dev/null
env_file=$(mktemp /tmp/tributary-bench-services.XXXXXX.env)
rm -f "$env_file"
trap 'tests/harness/services.sh stop --env-file "$env_file" >/dev/null' EXIT
tests/harness/services.sh start --env-file "$env_file" \
  --devbroker "$build/tools/devbroker/tributary-devbroker" >/dev/null
server=$(sed -n 's/^TRIBUTARY_TEST_DATABASE_URL=//p' "$env_file")
psql -q "$server" -c "CREATE DATABASE bench_dora"
url=${server%/postgres}/bench_dora
DATABASE_URL=$url "$build/tools/migrate/tributary-migrate" >/dev/null 2>&1
psql -q "$url" -v pushes="$pushes" -f bench/dora/history.sql

milliseconds() {  # JIT VIEW: the time of counting the whole view
  psql -qAt "$url" -c "SET jit = $1" -c '\timing on' -c "SELECT count(*) FROM analytics.$2" |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}
{
  echo "## The DORA views over a large history (\`bench/dora/run.sh\`)"
  echo
  echo "\`bench/dora/history.sql\` writes a synthetic history straight into the entity tables of a"
  echo "fresh database: one repository, $pushes pushes to \`main\` in a line, a merged pull request at"
  echo "every other push, deployments to production and staging at every fourth push, each with a"
  echo "success status. Each view is counted whole (\`SELECT count(*)\`), with PostgreSQL's JIT off"
  echo "(what migration 012 sets for the database) and on (PostgreSQL's default):"
  echo
  echo "| view | \`jit = off\` | \`jit = on\` |"
  echo "| --- | --- | --- |"
  for view in change_lead_times dora_lead_time dora_deployment_frequency dora_change_failure_rate \
               dora_time_to_restore deployment_restores pull_request_cycle_weekly; do
    off=$(milliseconds off "$view")
    on=$(milliseconds on "$view")
    awk -v view="$view" -v off="$off" -v on="$on" \
      'BEGIN { printf "| `analytics.%s` | %.2f s | %.2f s |\n", view, off / 1000, on / 1000 }'
  done
  echo
  echo "The lead time views put every merge commit and deployed commit their branch carried into one"
  echo "sorted stream (schemas/README.md, \"What a deployment contains\"): the cost grows with the"
  echo "pushes, not with pull requests × deployments. With JIT on, the planner's estimate of the"
  echo "views' size makes PostgreSQL compile them, and compiling is most of the time: hence"
  echo "migration 012's \`jit = off\` for the database."
} >"$markdown"

#!/usr/bin/env bash
# bench/worker/run.sh [--markdown FILE] [--count N] [--naive-count N] [--fresh-seconds S]
#
# The worker's benchmark (issue 10), against a throwaway PostgreSQL 15 (fsync off, as the test
# services; track_commit_timestamp on) and devbroker that it starts and stops itself:
#  1. shipped: N deliveries of a realistic mix (bench/worker/realistic_mix.hpp) preloaded into a
#     topic, then tributary-worker as shipped (batches of 500) folds them: events/s from the
#     process's start to the commit of the last one;
#  2. naive: the same folds, one transaction (and one offset commit) per event: the same
#     tributary-worker with WORKER_BATCH_SIZE=1, on the first naive-count deliveries of the mix;
#  3. COPY ceiling: the rows the shipped run wrote (ledger, raw, entities), dumped and loaded with
#     COPY, in one transaction, into an empty copy of the schema;
#  4. freshness: tributary-ingest and tributary-worker running, a paced sender posting 1,000
#     deliveries/s for S seconds; from each 202 to the commit of the transaction that made the
#     delivery visible in the analytics views (pg_xact_commit_timestamp of its ledger row);
#  5. shipped and naive again with fsync, synchronous_commit and full_page_writes on (production
#     durability: every commit waits for its WAL flush);
#  6. the raw payload's storage (tributary-bench-apply, in process).
# Writes its markdown fragment to FILE (--markdown) or stdout. About 2-3 minutes once built.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TRIBUTARY_BUILD_DIR:-$root/build-release}
markdown=
count=30000
naive_count=3000
fresh_seconds=20
while [ $# -gt 0 ]; do
  case $1 in
    --markdown) markdown=$(realpath -m "$2"); shift 2 ;;
    --count) count=$2; shift 2 ;;
    --naive-count) naive_count=$2; shift 2 ;;
    --fresh-seconds) fresh_seconds=$2; shift 2 ;;
    *) echo "usage: bench/worker/run.sh [--markdown FILE] [--count N] [--naive-count N] [--fresh-seconds S]" >&2
       exit 2 ;;
  esac
done
fresh_rate=1000
cd "$root"

log() { echo "bench/worker: $*" >&2; }

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
log "building (Release, $build)"
cmake --build "$build" -j2 --target tributary-worker tributary-ingest tributary-devbroker \
  tributary-migrate tributary-bench-worker tributary-bench-apply >/dev/null

work=$(mktemp -d /tmp/tributary-bench-worker.XXXXXX)
chmod 755 "$work"  # the PostgreSQL user reads the COPY files from here
env_file=$work/services.env
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  tests/harness/services.sh stop --env-file "$env_file" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

log "starting PostgreSQL and the devbroker"
tests/harness/services.sh start --env-file "$env_file" \
  --devbroker "$build/tools/devbroker/tributary-devbroker" >/dev/null
env_value() { sed -n "s/^$1=//p" "$env_file"; }
admin_url=$(env_value TRIBUTARY_TEST_DATABASE_URL)
bootstrap=$(env_value TRIBUTARY_TEST_BOOTSTRAP_SERVERS)
control=$(env_value TRIBUTARY_TEST_BROKER_CONTROL)
psql_at() { local url=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 "$url" "$@"; }
# Commit times (freshness, and when the last event was folded) and per-statement costs.
psql_at "$admin_url" -c "ALTER SYSTEM SET track_commit_timestamp = on" \
  -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
tests/harness/services.sh pg-stop --env-file "$env_file" >/dev/null
tests/harness/services.sh pg-start --env-file "$env_file" >/dev/null
postmaster=$(env_value TRIBUTARY_TEST_POSTGRES_PID)
export TRIBUTARY_SOURCE_DIR=$root

url_of() { echo "${admin_url%/*}/$1"; }
new_database() {
  psql_at "$admin_url" -c "CREATE DATABASE $1"
  DATABASE_URL=$(url_of "$1") LOG_LEVEL=warning "$build/tools/migrate/tributary-migrate" >/dev/null
  psql_at "$(url_of "$1")" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
}
create_topic() {
  local reply
  exec 3<>"/dev/tcp/${control%:*}/${control#*:}"
  echo "create-topic $1 $2" >&3
  read -r reply <&3
  exec 3<&- 3>&-
  [ "$reply" = ok ] || { log "create-topic $1: $reply"; return 1; }
}
# CPU seconds (user + system) of a process, and of every PostgreSQL backend at this moment.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_cpu() {
  local total=0 pid
  for pid in $(pgrep -P "$postmaster"); do total=$(echo "$total + $(cpu_of "$pid")" | bc -l); done
  echo "$total"
}
now() { date +%s.%N; }
ledger_count() { psql_at "$1" -c "SELECT count(*) FROM github.deliveries"; }

# start_worker NAME DATABASE TOPIC BATCH_SIZE: tributary-worker in the background; sets worker_pid.
start_worker() {
  KAFKA_BOOTSTRAP_SERVERS=$bootstrap KAFKA_TOPIC=$3 DATABASE_URL=$(url_of "$2") \
    WORKER_GROUP_ID="bench-$1" WORKER_BATCH_SIZE=$4 METRICS_LISTEN=127.0.0.1:0 LOG_LEVEL=info \
    "$build/workers/tributary-worker" >"$work/$1.out" 2>"$work/$1.log" &
  worker_pid=$!
  pids+=("$worker_pid")
}
stop_process() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# fold_run NAME BATCH_SIZE DELIVERIES PARTITIONS: preload, then time the worker until every
# delivery is in the ledger. Sets run_seconds, run_rate, run_steady_seconds, run_steady_rate,
# worker_cpu, pg_cpu.
fold_run() {
  local name=$1 batch=$2 deliveries=$3 partitions=$4 start first last deadline done_count
  new_database "bench_$name"
  create_topic "bench-$name" "$partitions"
  log "$name: preloading $deliveries deliveries into $partitions partitions"
  "$build/bench/worker/tributary-bench-worker" preload --bootstrap "$bootstrap" \
    --topic "bench-$name" --count "$deliveries" >&2
  psql_at "$(url_of "bench_$name")" -c "SELECT pg_stat_statements_reset()" >/dev/null
  local pg_before
  pg_before=$(postgres_cpu)
  start=$(now)
  start_worker "$name" "bench_$name" "bench-$name" "$batch"
  deadline=$(echo "$start + 600" | bc)
  while :; do
    done_count=$(ledger_count "$(url_of "bench_$name")")
    [ "$done_count" -ge "$deliveries" ] && break
    if (( $(echo "$(now) > $deadline" | bc) )) || ! kill -0 "$worker_pid" 2>/dev/null; then
      log "$name: the worker folded $done_count of $deliveries"; tail -n 20 "$work/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  worker_cpu=$(cpu_of "$worker_pid")
  pg_cpu=$(echo "$(postgres_cpu) - $pg_before" | bc -l)
  stop_process "$worker_pid"
  read -r first last < <(psql_at "$(url_of "bench_$name")" -F ' ' -c \
    "SELECT extract(epoch FROM min(pg_xact_commit_timestamp(xmin))),
            extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) FROM github.deliveries")
  # Steady: from the moment the worker owned its partitions (the group's first join waits out
  # the coordinator's initial rebalance delay, 3 s as in Kafka) to the last commit.
  local assigned
  assigned=$(date -d "$(sed -n 's/^{"ts":"\([^"]*\)".*"partitions assigned".*/\1/p' \
    "$work/$name.log" | head -n 1)" +%s.%N)
  run_seconds=$(echo "$last - $start" | bc -l)
  run_rate=$(echo "$deliveries / $run_seconds" | bc -l)
  run_steady_seconds=$(echo "$last - $assigned" | bc -l)
  run_steady_rate=$(echo "$deliveries / $run_steady_seconds" | bc -l)
  log "$name: $deliveries in $(printf %.2f "$run_seconds") s from start: $(printf %.0f "$run_rate")/s"
}

# run_row LABEL DELIVERIES: the table row of the last fold_run.
run_row() {
  echo "| $1 | $(fmt "$2") | $(fmt1 "$run_seconds") | $(fmt "$run_rate") | $(fmt1 "$run_steady_seconds") | **$(fmt "$run_steady_rate")** | $(fmt1 "$worker_cpu") | $(fmt1 "$pg_cpu") | $(fmt "$(echo "1000000 * ($worker_cpu + $pg_cpu) / $2" | bc -l)") |"
}
fmt() { printf "%.0f" "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
fmt1() { printf "%.1f" "$1"; }

fold_run shipped 500 "$count" 64
shipped_rate=$run_steady_rate shipped_start_rate=$run_rate
shipped_cpu_us=$(echo "1000000 * ($worker_cpu + $pg_cpu) / $count" | bc -l)
shipped_row=$(run_row "\`tributary-worker\` as shipped (batches of 500)" "$count")
shipped_url=$(url_of bench_shipped)
statements=$(psql_at "$shipped_url" -F ' | ' -c "
  SELECT round(100 * total_exec_time / sum(total_exec_time) OVER ())::text || ' %',
         calls, round(total_exec_time)::bigint,
         '\`' || left(regexp_replace(query, '\s+', ' ', 'g'), 70) || '\`'
  FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  ORDER BY total_exec_time DESC LIMIT 8" | sed 's/^/| /; s/$/ |/')

fold_run naive 1 "$naive_count" 16
naive_rate=$run_steady_rate naive_start_rate=$run_rate
naive_cpu_us=$(echo "1000000 * ($worker_cpu + $pg_cpu) / $naive_count" | bc -l)
naive_row=$(run_row "naive: the same worker, \`WORKER_BATCH_SIZE=1\`" "$naive_count")

# 3. COPY ceiling: every table of schema github the shipped run wrote to, dumped as it is, then
# loaded into an empty copy of the schema (migrated, the month's raw partition made, as the
# worker makes it before its batches) in one transaction, tables referenced by others first.
log "COPY ceiling: dumping the shipped run's rows"
new_database bench_copy
copy_url=$(url_of bench_copy)
psql_at "$copy_url" -c "SELECT github.ensure_webhook_events_partition(current_date)" >/dev/null
tables=$(psql_at "$shipped_url" -c "
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'github' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND c.relname <> 'schema_migrations'
  ORDER BY EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conrelid = c.oid AND f.contype = 'f'),
           c.relname")
copy_script=$work/copy.sql
# The backend's own CPU, read before it exits (psql's \! runs while the session is open).
{
  echo "\\o $work/copy.pid"
  echo "SELECT pg_backend_pid();"
  echo "\\o"
  echo "BEGIN;"
} > "$copy_script"
copy_rows=0
copy_bytes=0
for table in $tables; do
  rows=$(psql_at "$shipped_url" -c "SELECT count(*) FROM github.$table")
  [ "$rows" -gt 0 ] || continue
  psql_at "$shipped_url" -c "\\copy (SELECT * FROM github.$table) TO '$work/$table.copy'"
  chmod 644 "$work/$table.copy"
  copy_rows=$((copy_rows + rows))
  copy_bytes=$((copy_bytes + $(stat -c %s "$work/$table.copy")))
  echo "COPY github.$table FROM '$work/$table.copy';" >> "$copy_script"
done
echo "COMMIT;" >> "$copy_script"
echo "\\! awk -v hz=\$(getconf CLK_TCK) '{print (\$14 + \$15) / hz}' /proc/\$(cat $work/copy.pid)/stat > $work/copy.cpu" >> "$copy_script"
log "COPY ceiling: loading $copy_rows rows"
psql_at "$copy_url" -c "CHECKPOINT" >/dev/null
copy_start=$(now)
psql_at "$copy_url" -f "$copy_script" >/dev/null
copy_seconds=$(echo "$(now) - $copy_start" | bc -l)
copy_rate=$(echo "$count / $copy_seconds" | bc -l)
copy_pg_cpu=$(cat "$work/copy.cpu")
# Each table alone (its own transaction, into a fresh copy again), to say where the time goes.
psql_at "$admin_url" -c "DROP DATABASE bench_copy"
new_database bench_copy
psql_at "$copy_url" -c "SELECT github.ensure_webhook_events_partition(current_date)" >/dev/null
copy_breakdown=$(grep '^COPY' "$copy_script" |
  sed 's/^COPY github\.\([a-z_]*\) .*/\\echo \1\n&/' |
  psql_at "$copy_url" -c '\timing on' -f - 2>&1 |
  awk '/^Time:/ { print table, $2; next } { table = $1 }' |
  while read -r table ms; do
    printf '| `%s` | %s | %.0f |\n' "$table" \
      "$(psql_at "$shipped_url" -c "SELECT count(*) FROM github.$table")" "$ms"
  done)

# 4. Freshness through ingest.
fresh_count=$((fresh_rate * fresh_seconds))
log "freshness: $fresh_count deliveries at $fresh_rate/s through tributary-ingest"
new_database bench_fresh
create_topic bench-fresh 32
KAFKA_BOOTSTRAP_SERVERS=$bootstrap KAFKA_TOPIC=bench-fresh GITHUB_WEBHOOK_SECRET=bench-secret \
  INGEST_LISTEN=127.0.0.1:0 METRICS_LISTEN=127.0.0.1:0 LOG_LEVEL=info \
  "$build/ingest/tributary-ingest" >"$work/ingest.out" 2>"$work/ingest.log" &
ingest_pid=$!
pids+=("$ingest_pid")
start_worker fresh bench_fresh bench-fresh 500
fresh_worker=$worker_pid
for _ in $(seq 300); do
  grep -q '"partitions assigned"' "$work/fresh.log" && grep -q '"listening"' "$work/ingest.log" && break
  sleep 0.1
done
ingest_port=$(sed -n 's/.*"listening".*"port":\([0-9]*\).*/\1/p' "$work/ingest.log")
[ -n "$ingest_port" ] || { log "ingest did not start"; cat "$work/ingest.log" >&2; exit 1; }
# The first-copy keeps this stream's repositories and ids apart from the preloads'.
"$build/bench/worker/tributary-bench-worker" send --url "http://127.0.0.1:$ingest_port/webhooks/github" \
  --secret bench-secret --rate "$fresh_rate" --count "$fresh_count" --connections 32 \
  --first-copy 100000 --out "$work/sent.tsv" >&2 || log "not every delivery got a 202"
fresh_url=$(url_of bench_fresh)
accepted=$(awk -F '\t' '$2 == 202' "$work/sent.tsv" | wc -l)
for _ in $(seq 300); do
  [ "$(ledger_count "$fresh_url")" -ge "$accepted" ] && break
  sleep 0.2
done
stop_process "$fresh_worker"
stop_process "$ingest_pid"
psql_at "$fresh_url" -c "CREATE TABLE bench_sent (delivery_id text PRIMARY KEY, status int,
  answered_at_us bigint, latency_us bigint, late_us bigint)" \
  -c "\\copy bench_sent FROM '$work/sent.tsv'"
read -r fresh_visible fresh_p50 fresh_p99 fresh_p999 fresh_max ack_p50 ack_p99 late_p99 < <(
  psql_at "$fresh_url" -F ' ' -c "
  WITH f AS (
    SELECT extract(epoch FROM pg_xact_commit_timestamp(d.xmin)) * 1000
             - s.answered_at_us / 1000.0 AS ms, s.latency_us, s.late_us
    FROM bench_sent s JOIN github.deliveries d USING (delivery_id) WHERE s.status = 202)
  SELECT count(*),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
         round(percentile_cont(0.999) WITHIN GROUP (ORDER BY ms)::numeric, 1),
         round(max(ms)::numeric, 1),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_us)::numeric / 1000, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_us)::numeric / 1000, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY late_us)::numeric / 1000, 1)
  FROM f")
fresh_batches=$(psql_at "$fresh_url" -c "SELECT count(DISTINCT xmin::text) FROM github.deliveries")

# 5. The same pair with production durability: every commit flushed to disk.
durable_count=$((count / 2)) durable_naive_count=$((naive_count / 3))
psql_at "$admin_url" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
  -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
fold_run shipped_durable 500 "$durable_count" 64
durable_shipped_rate=$run_steady_rate
durable_shipped_row=$(run_row "as shipped, durable" "$durable_count")
fold_run naive_durable 1 "$durable_naive_count" 16
durable_naive_rate=$run_steady_rate
durable_naive_row=$(run_row "naive, durable" "$durable_naive_count")
psql_at "$admin_url" -c "ALTER SYSTEM RESET fsync" -c "ALTER SYSTEM RESET synchronous_commit" \
  -c "ALTER SYSTEM RESET full_page_writes" -c "SELECT pg_reload_conf()" >/dev/null

# 6. Raw payload storage, in process.
log "raw payload storage"
storage_rows=$(for storage in text pglz json jsonb; do
  TRIBUTARY_HARNESS_ENV=$env_file TRIBUTARY_BUILD_DIR=$build \
    "$build/bench/worker/tributary-bench-apply" "$storage" 2>/dev/null
done | sed -n 's/^\([a-z]*\): .* \([0-9]*\) messages\/s$/\1 \2/p')
storage_rate() { echo "$storage_rows" | awk -v s="$1" '$1 == s {print $2}'; }

# The fragment.
pct() { printf "%.0f" "$(echo "100 * $1" | bc -l)"; }
verdict() { if (( $(echo "$1" | bc -l) )); then echo "**met**"; else echo "**missed**"; fi; }
naive_ratio=$(echo "$shipped_rate / $naive_rate" | bc -l)
copy_ratio=$(echo "$shipped_rate / $copy_rate" | bc -l)
start_naive_ratio=$(echo "$shipped_start_rate / $naive_start_rate" | bc -l)
start_copy_ratio=$(echo "$shipped_start_rate / $copy_rate" | bc -l)
durable_ratio=$(echo "$durable_shipped_rate / $durable_naive_rate" | bc -l)
average_bytes=$(psql_at "$shipped_url" -c "SELECT round(avg(octet_length(payload))) FROM github.webhook_events")
folded_share=$(psql_at "$shipped_url" -c "SELECT round(100.0 * count(*) FILTER (WHERE folded) / count(*)) FROM github.deliveries")
repositories=$(psql_at "$shipped_url" -c "SELECT count(DISTINCT repository) FROM github.deliveries")
pg_version=$(psql_at "$admin_url" -c "SHOW server_version")

fragment() {
cat <<EOF
## Worker: fold rate, the naive design, PostgreSQL's COPY ceiling, freshness (\`bench/worker/run.sh\`)
A throwaway PostgreSQL $pg_version (\`fsync\`, \`synchronous_commit\` and \`full_page_writes\` off, as
the test services, except where marked durable; \`track_commit_timestamp\` on) and a devbroker, on
the same 2 cores as everything else. The stream is the realistic mix of
\`bench/worker/realistic_mix.hpp\`: GitHub's 329 examples cycled, each cycle a world of its own
(every id moved, every \`full_name\` suffixed), every delivery with its own UUID: $(fmt "$count")
deliveries, $(fmt "$average_bytes") B on average, $folded_share % of them of a folded type, over
$(fmt "$repositories") repositories; published as ingest does (key, headers, lz4) into a topic of
64 partitions before the worker starts.

| run | deliveries | from start, s | from start, events/s | steady, s | steady events/s | worker CPU s | PostgreSQL CPU s | CPU µs a delivery |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$shipped_row
$naive_row
$durable_shipped_row
$durable_naive_row
| COPY of the rows the shipped run wrote | $(fmt "$copy_rows") rows, $(fmt "$((copy_bytes / 1048576))") MiB | | | $(fmt1 "$copy_seconds") | **$(fmt "$copy_rate")** | | $(fmt1 "$copy_pg_cpu") | $(fmt "$(echo "1000000 * $copy_pg_cpu / $count" | bc -l)") |

- *From start*: from the worker process's start to the commit of the transaction holding the
  last delivery (\`pg_xact_commit_timestamp\` of its ledger row). It includes the first join of
  the consumer group, which waits out the coordinator's initial rebalance delay (3 s, as Kafka's
  \`group.initial.rebalance.delay.ms\`). *Steady*: from the moment the worker owned its
  partitions (its \`partitions assigned\` log line) to that last commit; the ratios use it.
- *Naive* is the shipped process with one message per transaction and per offset commit: the
  folds, statements and COPY are the same code, only the batching differs (no other code path
  would be the same folds). It folds the first deliveries of the same mix (the same shares of
  each event).
- *Durable*: the same two runs (half and a third of the deliveries) with \`fsync\`,
  \`synchronous_commit\` and \`full_page_writes\` on, as a production PostgreSQL runs: each commit
  waits for its WAL flush on this machine's disk.
- *COPY ceiling*: exactly the rows of \`github.*\` that the shipped run left (ledger, raw
  payloads, every entity table), dumped, then loaded with \`COPY ... FROM\` server-side files in one
  transaction into a freshly migrated database (same indexes, constraints, lz4 compression);
  events/s is the deliveries divided by that time. Each table loaded alone:

| table | rows | COPY ms |
| --- | --- | --- |
$copy_breakdown

| target | measured | verdict |
| --- | --- | --- |
| worker ≥ 10 × naive | $(fmt1 "$naive_ratio") × (from start: $(fmt1 "$start_naive_ratio") ×; durable: $(fmt1 "$durable_ratio") ×; in CPU a delivery: $(fmt1 "$(echo "$naive_cpu_us / $shipped_cpu_us" | bc -l)") ×) | $(verdict "$naive_ratio >= 10") |
| worker ≥ 80 % of the COPY ceiling | $(pct "$copy_ratio") % (from start: $(pct "$start_copy_ratio") %; in CPU a delivery: $(pct "$(echo "$copy_pg_cpu * 1000000 / $count / $shipped_cpu_us" | bc -l)") %) | $(verdict "$copy_ratio >= 0.8") |
| freshness p99 < 1 s at $(fmt "$fresh_rate")/s | $(fmt "$fresh_p99") ms | $(verdict "$fresh_p99 < 1000") |

### Freshness at $(fmt "$fresh_rate") deliveries/s through ingest
\`tributary-bench-worker send\` posts $(fmt "$fresh_count") deliveries of the mix (signed as GitHub
signs, over 32 keep-alive connections, open loop: delivery i is due at i / $fresh_rate s, whichever
connection is free sends it) to \`tributary-ingest\` (plain HTTP, default settings) while
\`tributary-worker\` (default settings) consumes the topic (32 partitions). For each 202 the sender
records the wall-clock time it read the answer. A delivery is visible in the analytics views when
the transaction that inserted its ledger row commits: the views are plain views over the entity
tables, and the worker writes the ledger row, the entities and the raw row in that one
transaction (ARCHITECTURE.md, invariant 4). PostgreSQL records each commit's time
(\`track_commit_timestamp\`; \`pg_xact_commit_timestamp(xmin)\` of the ledger row) on the same clock
as the sender, so nothing polls and nothing is sampled: all $(fmt "$fresh_visible") deliveries are
measured.

| 202 → visible | p50 | p99 | p99.9 | max |
| --- | --- | --- | --- | --- |
| ms | $fresh_p50 | $fresh_p99 | $fresh_p999 | $fresh_max |

Ingest answered in $ack_p50 ms at p50 and $ack_p99 ms at p99; the sender's p99 lateness against
its schedule was $late_p99 ms; the worker committed $(fmt "$fresh_batches") transactions.

### Where the shipped run's PostgreSQL time went (pg_stat_statements)
| share of execution time | calls | ms | statement |
| --- | --- | --- | --- |
$statements

### Raw payload storage (\`tributary-bench-apply\`, in process)
The batch applier alone (no Kafka) folds 13,160 re-id'd examples in batches of 500 into a fresh
database, with \`github.webhook_events.payload\` altered to each storage in turn:

| raw payload stored as | messages/s |
| --- | --- |
| \`text\` with \`COMPRESSION lz4\` (the migration's choice) | $(fmt "$(storage_rate text)") |
| \`text\` with pglz | $(fmt "$(storage_rate pglz)") |
| \`json\` | $(fmt "$(storage_rate json)") |
| \`jsonb\` | $(fmt "$(storage_rate jsonb)") |

$(cat "$root/bench/worker/limits.md")
EOF
}

if [ -n "$markdown" ]; then fragment > "$markdown"; log "wrote $markdown"; else fragment; fi

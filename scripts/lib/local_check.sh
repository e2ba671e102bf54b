# Sourced by run-local.sh --check once everything runs: sends GitHub's example payloads through the
# local pipeline and shows what reached Kafka and PostgreSQL. Uses run-local.sh's variables.
local_check() {
  local psql=("$pg_bin/psql" -X -q "$database_url")
  # .run/postgres is kept between runs: count what this check adds.
  local before
  before=$("${psql[@]}" -tA -c "SELECT count(*) FROM github.deliveries WHERE source = 'webhook'")
  echo
  echo "run-local --check: sending every example payload of @octokit/webhooks-examples (a quarter form-encoded)"
  GITHUB_WEBHOOK_SECRET=$(cat "$state/webhook-secret") "$bin/tools/replay/tributary-replay" \
    --url "https://127.0.0.1:$ingest_port/webhooks/github" --insecure --examples --form-share 0.25
  if [ ! -x "$bin/workers/tributary-worker" ]; then
    echo "run-local --check: no worker built yet; the events are on the topic only"
    return 0
  fi
  local folded=0
  for _ in $(seq 1 60); do
    folded=$(( $("${psql[@]}" -tA -c "SELECT count(*) FROM github.deliveries WHERE source = 'webhook'") - before ))
    [ "$folded" -ge 329 ] && break
    sleep 1
  done
  echo "run-local --check: $folded deliveries folded into PostgreSQL"
  "${psql[@]}" -c "SELECT * FROM analytics.developer_summary ORDER BY login LIMIT 10"
  "${psql[@]}" -c "SELECT count(*) AS dead_letters FROM github.dead_letters"
  [ "$folded" -ge 329 ] || { echo "run-local --check: the worker did not fold every delivery"; return 1; }
  if [[ " ${started[*]} " == *" reconciler "* ]]; then
    local reconciled=""
    for _ in $(seq 1 120); do
      reconciled=$("${psql[@]}" -tA -c "SELECT outcome FROM github.reconcile_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1")
      [ -n "$reconciled" ] && break
      sleep 1
    done
    echo "run-local --check: the reconciler's latest run"
    "${psql[@]}" -c "SELECT target, outcome, requests, not_modified, events_published, gaps FROM github.reconcile_runs ORDER BY id DESC LIMIT 1"
    "${psql[@]}" -c "SELECT repository, last_webhook_at, entities, entities_first_by_webhook, entities_only_by_reconciler, last_run_gaps FROM admin.webhook_coverage ORDER BY repository LIMIT 10"
    case $reconciled in
      complete|budget_exhausted) ;;
      *) echo "run-local --check: the reconciler's run did not complete ($reconciled); see $logs/reconciler.log"; return 1 ;;
    esac
  fi
}

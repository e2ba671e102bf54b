#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the whole pipeline on this
# machine: a devbroker, a local PostgreSQL (data kept in .run/), migrations, then ingest, worker and
# reconciler. Ctrl-C stops everything it started.
#   scripts/run-local.sh           run until Ctrl-C
#   scripts/run-local.sh --check   start everything, send GitHub's example payloads through it,
#                                  show what reached PostgreSQL, then stop (a smoke test)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-run}

bash scripts/setup.sh
build_dir=${TRIBUTARY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
case $build_dir in /*) bin=$build_dir ;; *) bin="$root/$build_dir" ;; esac

state="$root/.run"
logs="$state/logs"
mkdir -p "$logs"
pg_port=${LOCAL_POSTGRES_PORT:-55432}
ingest_port=${LOCAL_INGEST_PORT:-8443}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

pids=()
pg_started=no
as_pg_user=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "run-local: stopping"
  # Reverse order: the ingest and workers drain into the broker and database before those go.
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$pg_started" = yes ]; then
    "${as_pg_user[@]}" "$pg_bin/pg_ctl" -D "$state/postgres" -m fast -w stop >/dev/null || true
  fi
  echo "run-local: stopped"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres system user.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_pg_user=(runuser -u postgres --)
  mkdir -p "$state/postgres" "$state/pg-socket"
  chown postgres "$state/postgres" "$state/pg-socket" "$logs"
fi
if [ ! -f "$state/postgres/PG_VERSION" ]; then
  echo "run-local: creating a PostgreSQL cluster in .run/postgres"
  "${as_pg_user[@]}" "$pg_bin/initdb" -D "$state/postgres" -U tributary --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$logs/initdb.log"
fi
"${as_pg_user[@]}" "$pg_bin/pg_ctl" -D "$state/postgres" -l "$logs/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $state/pg-socket" start >/dev/null
pg_started=yes
database_url="postgresql://tributary@127.0.0.1:$pg_port/tributary"
if ! "$pg_bin/psql" -qtAX "postgresql://tributary@127.0.0.1:$pg_port/postgres" \
     -c "SELECT 1 FROM pg_database WHERE datname = 'tributary'" | grep -q 1; then
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U tributary tributary
fi
DATABASE_URL=$database_url "$bin/tools/migrate/tributary-migrate"

"$bin/tools/devbroker/tributary-devbroker" --bootstrap-file "$state/bootstrap" \
  >"$logs/devbroker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$state/bootstrap" ] && break; sleep 0.1; done
[ -s "$state/bootstrap" ] || { echo "run-local: the devbroker did not start (see $logs/devbroker.log)"; exit 1; }
bootstrap=$(cat "$state/bootstrap")

# A webhook secret made once and kept, and a self-signed certificate for HTTPS on localhost.
[ -s "$state/webhook-secret" ] || { openssl rand -hex 24 >"$state/webhook-secret"; chmod 600 "$state/webhook-secret"; }
if [ ! -s "$state/tls/cert.pem" ]; then
  mkdir -p "$state/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$state/tls/key.pem" -out "$state/tls/cert.pem" 2>/dev/null
fi

export KAFKA_BOOTSTRAP_SERVERS=$bootstrap DATABASE_URL=$database_url
started=(devbroker)
if [ -x "$bin/ingest/tributary-ingest" ]; then
  INGEST_LISTEN=127.0.0.1:$ingest_port METRICS_LISTEN=127.0.0.1:9464 \
  INGEST_TLS_CERT=$state/tls/cert.pem INGEST_TLS_KEY=$state/tls/key.pem \
  GITHUB_WEBHOOK_SECRET_FILE=$state/webhook-secret \
    "$bin/ingest/tributary-ingest" >"$logs/ingest.log" 2>&1 &
  pids+=($!); started+=(ingest)
fi
if [ -x "$bin/workers/tributary-worker" ]; then
  METRICS_LISTEN=127.0.0.1:9465 "$bin/workers/tributary-worker" >"$logs/worker.log" 2>&1 &
  pids+=($!); started+=(worker)
fi
# The reconciler needs a GitHub to ask. With credentials (GITHUB_TOKEN or GITHUB_TOKEN_FILE, or the
# GITHUB_APP_* settings; GITHUB_API_URL for GitHub Enterprise Server) it asks GitHub about
# RECONCILE_TARGETS and the targets added by `tributary-reconciler targets add`. Without them it
# asks the project's fake GitHub (tests/reconciler/), which serves a demo organisation, `demo-org`,
# so that the whole pipeline runs here too.
github_note=""
if [ -x "$bin/reconciler/tributary-reconciler" ] && [ -z "${GITHUB_TOKEN:-}${GITHUB_TOKEN_FILE:-}${GITHUB_APP_ID:-}" ] &&
   [ -x "$bin/tests/reconciler/tributary-fake-github" ]; then
  "$bin/tests/reconciler/tributary-fake-github" --organization demo-org --token local-demo-token \
    </dev/null >"$state/fake-github.json" 2>"$logs/fake-github.log" &
  pids+=($!); started+=(fake-github)
  for _ in $(seq 1 100); do [ -s "$state/fake-github.json" ] && break; sleep 0.1; done
  fake_url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$state/fake-github.json")
  [ -n "$fake_url" ] || { echo "run-local: the fake GitHub did not start (see $logs/fake-github.log)"; exit 1; }
  export GITHUB_API_URL=$fake_url GITHUB_TOKEN=local-demo-token RECONCILE_TARGETS=demo-org
  github_note="against the demo organisation demo-org of the project's fake GitHub ($fake_url);
                  give GITHUB_TOKEN and RECONCILE_TARGETS to reconcile your own"
fi
if [ -x "$bin/reconciler/tributary-reconciler" ] &&
   [ -n "${GITHUB_TOKEN:-}${GITHUB_TOKEN_FILE:-}${GITHUB_APP_ID:-}" ]; then
  METRICS_LISTEN=127.0.0.1:9466 "$bin/reconciler/tributary-reconciler" >"$logs/reconciler.log" 2>&1 &
  pids+=($!); started+=(reconciler)
fi
metrics_line=""
for component in ingest:9464 worker:9465 reconciler:9466; do
  [[ " ${started[*]} " == *" ${component%%:*} "* ]] &&
    metrics_line+="http://127.0.0.1:${component##*:}/metrics (${component%%:*})  "
done
sleep 1
for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "run-local: a process exited at start; logs in $logs:"; tail -n 5 "$logs"/*.log; exit 1; }
done

cat <<EOT

Tributary is running (${started[*]}).
  Webhook URL     https://127.0.0.1:$ingest_port/webhooks/github   (self-signed certificate in .run/tls/;
                  plain http:// works on the same port, for a tunnel or proxy that terminates TLS)
  Webhook secret  in .run/webhook-secret     (content type: application/json or form)
  Kafka           $bootstrap   topic github.webhooks   (e.g. kcat -b $bootstrap -C -t github.webhooks)
  PostgreSQL      psql $database_url
                  e.g.  SELECT * FROM analytics.developer_summary;
  Metrics         ${metrics_line}
  Logs            .run/logs/
  Send GitHub's example payloads:
    GITHUB_WEBHOOK_SECRET=\$(cat .run/webhook-secret) $build_dir/tools/replay/tributary-replay \\
      --url https://127.0.0.1:$ingest_port/webhooks/github --insecure --examples
EOT
if [ -n "$github_note" ]; then
  echo "  Reconciler      $github_note"
elif [[ " ${started[*]} " != *" reconciler "* ]]; then
  echo "  Reconciler      not started: give GITHUB_TOKEN (and RECONCILE_TARGETS, GITHUB_API_URL) to start it"
fi

if [ "$mode" = "--check" ]; then
  source scripts/lib/local_check.sh
  local_check
  exit $?
fi
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}" || true
echo "run-local: a process exited; logs in $logs"

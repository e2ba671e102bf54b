#!/usr/bin/env bash
# Starts and stops the services that integration tests share (CTest fixture tributary_services):
# a throwaway PostgreSQL 15 cluster and a tributary-devbroker, both on 127.0.0.1 at free ports.
#
#   services.sh start --env-file PATH --devbroker PATH
#   services.sh stop  --env-file PATH
#   services.sh pg-stop  --env-file PATH   (stops only PostgreSQL, as an outage would)
#   services.sh pg-start --env-file PATH   (starts it again: same cluster, port and options)
#
# start writes PATH as KEY=VALUE lines (see README.md). It first stops whatever a stale PATH from
# an aborted run describes, and on any failure stops what it started. stop succeeds whatever
# state it finds, and leaves nothing running.
set -euo pipefail

usage() { echo "usage: $0 start|stop|pg-stop|pg-start --env-file PATH [--devbroker PATH]" >&2; exit 2; }

[ $# -ge 1 ] || usage
action=$1; shift
env_file=""
devbroker=""
while [ $# -gt 0 ]; do
  case $1 in
    --env-file) env_file=${2:?}; shift 2 ;;
    --devbroker) devbroker=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$env_file" ] || usage

log() { echo "services: $*" >&2; }

# The value of KEY in the env file (empty when absent). The file is parsed, never sourced.
env_value() {
  [ -f "$env_file" ] || return 0
  sed -n "s/^$1=//p" "$env_file" | tail -n 1
}

record() { echo "$1=$2" >> "$env_file"; }

# Runs a command as the PostgreSQL user (root: that user via runuser; otherwise: as is).
as_pg_user() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# True while pid $1 runs a program whose command line contains $2 (guards against pid reuse).
running_as() {
  local pid=$1 name=$2
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$name"
}

# Waits up to $2 tenths of a second for pid $1 to go away.
wait_gone() {
  local pid=$1 tenths=$2
  for _ in $(seq "$tenths"); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
}

stop_devbroker() {
  local pid
  pid=$(env_value TRIBUTARY_TEST_DEVBROKER_PID)
  running_as "$pid" devbroker || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 100; then
    log "devbroker $pid ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || log "devbroker $pid survived SIGKILL"
  fi
}

stop_postgres() {
  local pgdata bindir user pid
  pgdata=$(env_value TRIBUTARY_TEST_PGDATA)
  bindir=$(env_value TRIBUTARY_TEST_PG_BINDIR)
  user=$(env_value TRIBUTARY_TEST_PG_USER)
  [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ] || return 0
  pid=$(head -n 1 "$pgdata/postmaster.pid" 2>/dev/null || true)
  if [ -n "$bindir" ] && [ -n "$user" ]; then
    as_pg_user "$user" "$bindir/pg_ctl" -D "$pgdata" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if running_as "$pid" postgres; then
    log "postgres $pid still running after pg_ctl stop; sending SIGQUIT then SIGKILL"
    kill -QUIT "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || log "postgres $pid survived SIGKILL"
  fi
}

stop_services() {
  [ -f "$env_file" ] || return 0
  stop_devbroker
  stop_postgres
  local dir
  dir=$(env_value TRIBUTARY_TEST_SERVICES_DIR)
  # Only ever remove a folder this script made.
  case $dir in
    */tributary-services.*) rm -rf -- "$dir" ;;
  esac
  rm -f -- "$env_file"
}

pg_bindir() {
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin
  elif command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
  else
    log "PostgreSQL 15 server binaries not found (install postgresql-15)"
    return 1
  fi
}

# The user PostgreSQL runs as: it refuses to run as root.
pg_user() {
  if [ "$(id -u)" -ne 0 ]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    id tributary-pg >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin tributary-pg
    echo tributary-pg
  fi
}

# A loopback TCP port nobody listens on now (a race with other starters is handled by retrying).
candidate_port() {
  local port
  for _ in $(seq 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

start_postgres() {
  local dir=$1 bindir user pgdata port
  bindir=$(pg_bindir)
  user=$(pg_user)
  pgdata=$dir/pgdata
  record TRIBUTARY_TEST_PG_BINDIR "$bindir"
  record TRIBUTARY_TEST_PG_USER "$user"
  record TRIBUTARY_TEST_PGDATA "$pgdata"

  chown "$user" "$dir" 2>/dev/null || true
  as_pg_user "$user" "$bindir/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }

  for attempt in 1 2 3 4 5; do
    port=$(candidate_port)
    as_pg_user "$user" tee "$pgdata/conf.d.tributary.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
log_min_messages = warning
CONF
    local include="include_if_exists = 'conf.d.tributary.conf'"
    grep -qxF "$include" "$pgdata/postgresql.conf" ||
      echo "$include" | as_pg_user "$user" tee -a "$pgdata/postgresql.conf" >/dev/null
    if as_pg_user "$user" "$bindir/pg_ctl" -D "$pgdata" -l "$dir/postgres.log" -w -t 60 start \
        >/dev/null 2>&1; then
      record TRIBUTARY_TEST_POSTGRES_PID "$(head -n 1 "$pgdata/postmaster.pid")"
      record TRIBUTARY_TEST_PG_PORT "$port"
      record TRIBUTARY_TEST_PG_SOCKET_DIR "$dir"
      record TRIBUTARY_TEST_DATABASE_URL "postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    log "postgres did not start on port $port (attempt $attempt)"
    tail -n 5 "$dir/postgres.log" >&2 || true
  done
  return 1
}

start_devbroker() {
  local dir=$1 pid
  if [ ! -x "$devbroker" ]; then
    log "devbroker not found at '$devbroker' (build tributary-devbroker)"
    return 1
  fi
  # setsid and every stream redirected: CTest waits for whoever holds its output pipes, and the
  # broker must outlive this script.
  setsid "$devbroker" --bootstrap-file "$dir/bootstrap" --control-file "$dir/control" \
    </dev/null >"$dir/devbroker.out" 2>"$dir/devbroker.log" &
  pid=$!
  record TRIBUTARY_TEST_DEVBROKER_PID "$pid"
  for _ in $(seq 300); do
    if [ -s "$dir/bootstrap" ] && [ -s "$dir/control" ]; then
      record TRIBUTARY_TEST_BOOTSTRAP_SERVERS "$(cat "$dir/bootstrap")"
      record TRIBUTARY_TEST_BROKER_CONTROL "$(cat "$dir/control")"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  log "devbroker did not become ready"
  tail -n 20 "$dir/devbroker.log" >&2 || true
  return 1
}

# An outage for tests: the cluster that start made, stopped and started again as it was. Its
# options (port, socket folder, fsync off...) live in its conf.d.tributary.conf, so pg-start
# brings back exactly the same server; only its pid changes, and services.env is updated.
pg_outage_stop() {
  [ -f "$env_file" ] || { log "no $env_file: nothing to stop"; return 1; }
  stop_postgres
}

pg_outage_start() {
  local pgdata bindir user dir pid
  [ -f "$env_file" ] || { log "no $env_file: start the services first"; return 1; }
  pgdata=$(env_value TRIBUTARY_TEST_PGDATA)
  bindir=$(env_value TRIBUTARY_TEST_PG_BINDIR)
  user=$(env_value TRIBUTARY_TEST_PG_USER)
  dir=$(env_value TRIBUTARY_TEST_SERVICES_DIR)
  [ -n "$pgdata" ] && [ -n "$bindir" ] && [ -n "$user" ] && [ -n "$dir" ] ||
    { log "$env_file describes no PostgreSQL cluster"; return 1; }
  if [ -f "$pgdata/postmaster.pid" ] && running_as "$(head -n 1 "$pgdata/postmaster.pid")" postgres; then
    return 0  # already running
  fi
  as_pg_user "$user" "$bindir/pg_ctl" -D "$pgdata" -l "$dir/postgres.log" -w -t 60 start \
    >/dev/null 2>&1 || { log "postgres did not start again"; tail -n 5 "$dir/postgres.log" >&2; return 1; }
  pid=$(head -n 1 "$pgdata/postmaster.pid")
  sed -i "s/^TRIBUTARY_TEST_POSTGRES_PID=.*/TRIBUTARY_TEST_POSTGRES_PID=$pid/" "$env_file"
}

started=0

start_services() {
  if [ -f "$env_file" ]; then
    log "stopping the services of an earlier run ($env_file)"
    stop_services
  fi
  mkdir -p "$(dirname "$env_file")"
  local dir
  # Not $TMPDIR: it may sit under a home folder that the PostgreSQL user can't enter.
  dir=$(mktemp -d "${TRIBUTARY_SERVICES_TMPDIR:-/tmp}/tributary-services.XXXXXX")
  chmod 755 "$dir"
  : > "$env_file"
  record TRIBUTARY_TEST_SERVICES_DIR "$dir"
  # set -e ends the script at the first failure; the EXIT trap then stops what did start.
  trap 'if [ "$started" != 1 ]; then log "start failed; stopping what started"; stop_services; fi' \
    EXIT
  start_postgres "$dir"
  start_devbroker "$dir"
  started=1
  log "ready: $(env_value TRIBUTARY_TEST_DATABASE_URL) $(env_value TRIBUTARY_TEST_BOOTSTRAP_SERVERS)"
}

case $action in
  start) start_services ;;
  stop) stop_services ;;
  pg-stop) pg_outage_stop ;;
  pg-start) pg_outage_start ;;
  *) usage ;;
esac

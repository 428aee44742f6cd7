#!/usr/bin/env bash
# Starts, stops and inspects PostgreSQL, Redis and Azurite for development and tests.
# All state lives in one folder of the checkout (git-ignored); no system service is touched.
#
#   services.sh install            install what is missing (apt: postgresql, redis; npm: azurite)
#   services.sh up [--free-ports] [--fast]
#   services.sh down | status | reset | env
#
# EMOTY_STATE overrides the state folder (tests use their own); --free-ports picks unused ports
# the first time an instance starts; --fast turns off durability (fsync) for throwaway instances.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=settings.env
source "$ROOT/infra/local/settings.env"
STATE="${EMOTY_STATE:-$ROOT/$STATE_DIR}"
case "$STATE" in /*) ;; *) STATE="$ROOT/$STATE" ;; esac
TOOLS="$ROOT/.local/tools"
AZURITE_BIN="$TOOLS/azurite/node_modules/.bin/azurite"
PORTS_FILE="$STATE/ports.env"

log() { printf '[services] %s\n' "$*" >&2; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! port_in_use "$p" && ! grep -qs "=$p\$" "$ROOT"/.local/*/ports.env; then echo "$p"; return; fi
  done
  log "no free port found"; return 1
}

# Waits for the positive marker (the port open) for as long as the process lives: on a loaded
# machine a start may take a minute, and a fixed short deadline failed runs that would have worked.
# A process that exits fails at once; five minutes only stops one that hangs without listening.
wait_port() { # port, name, pid file
  for _ in $(seq 1 3000); do
    port_in_use "$1" && return 0
    if [ -s "${3:-}" ] && ! kill -0 "$(cat "$3")" 2>/dev/null; then
      log "$2 exited before it opened port $1 (its log: $(dirname "$3"))"; return 1
    fi
    sleep 0.1
  done
  log "$2 did not open port $1 in five minutes"; return 1
}

install() {
  local missing=()
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql postgresql-contrib)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v node >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    # Keep the packages' own services from starting: we run private instances only.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
  if [ ! -x "$AZURITE_BIN" ] || ! grep -qs "\"version\": \"$AZURITE_VERSION\"" "$TOOLS/azurite/node_modules/azurite/package.json"; then
    log "installing azurite@$AZURITE_VERSION into $TOOLS/azurite"
    mkdir -p "$TOOLS/azurite"
    npm install --prefix "$TOOLS/azurite" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
  fi
}

load_ports() {
  if [ -f "$PORTS_FILE" ]; then source "$PORTS_FILE"; fi
}

save_ports() {
  mkdir -p "$STATE"
  cat > "$PORTS_FILE" <<PORTS
PG_PORT=$PG_PORT
REDIS_PORT=$REDIS_PORT
AZURITE_BLOB_PORT=$AZURITE_BLOB_PORT
AZURITE_QUEUE_PORT=$AZURITE_QUEUE_PORT
AZURITE_TABLE_PORT=$AZURITE_TABLE_PORT
PORTS
}

pg() { runuser -u postgres -- "$PG_BIN/$1" "${@:2}"; }

pg_running() { [ -f "$STATE/pg/data/postmaster.pid" ] && pg pg_ctl -D "$STATE/pg/data" status >/dev/null 2>&1; }

start_postgres() {
  local fast="$1" data="$STATE/pg/data"
  mkdir -p "$STATE/pg/run"; chown -R postgres:postgres "$STATE/pg"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb $data"
    local pw; pw="$(mktemp)"; echo "postgres" > "$pw"; chown postgres "$pw"
    pg initdb -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pw" -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pw"
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$STATE/pg/run'
max_connections = 300
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
CONF
    if [ "$fast" = 1 ]; then
      printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> "$data/postgresql.conf"
    fi
  fi
  if ! pg_running; then
    pg pg_ctl -D "$data" -l "$STATE/pg/postgres.log" -o "-p $PG_PORT" -w -t 300 start >/dev/null
  fi
  # The application role and database: idempotent.
  local psql=(runuser -u postgres -- "$PG_BIN/psql" -h "$STATE/pg/run" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -c "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
    "${psql[@]}" -c "create role $DB_USER login createdb password '$DB_PASSWORD'"
  fi
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname='$DB_NAME'")" != 1 ]; then
    "${psql[@]}" -c "create database $DB_NAME owner $DB_USER"
  fi
}

start_redis() {
  mkdir -p "$STATE/redis"
  if [ -f "$STATE/redis/redis.pid" ] && kill -0 "$(cat "$STATE/redis/redis.pid")" 2>/dev/null; then return; fi
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" --daemonize yes \
    --pidfile "$STATE/redis/redis.pid" --logfile "$STATE/redis/redis.log" --save "" --appendonly no >/dev/null
  wait_port "$REDIS_PORT" redis "$STATE/redis/redis.pid"
}

start_azurite() {
  mkdir -p "$STATE/azurite"
  if [ -f "$STATE/azurite/azurite.pid" ] && kill -0 "$(cat "$STATE/azurite/azurite.pid")" 2>/dev/null; then return; fi
  setsid nohup "$AZURITE_BIN" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$AZURITE_BLOB_PORT" --queuePort "$AZURITE_QUEUE_PORT" --tablePort "$AZURITE_TABLE_PORT" \
    --location "$STATE/azurite" --skipApiVersionCheck --loose --silent \
    > "$STATE/azurite/azurite.log" 2>&1 < /dev/null &
  echo $! > "$STATE/azurite/azurite.pid"
  wait_port "$AZURITE_QUEUE_PORT" azurite "$STATE/azurite/azurite.pid"
  wait_port "$AZURITE_BLOB_PORT" azurite "$STATE/azurite/azurite.pid"
}

up() {
  local free=0 fast=0
  for a in "$@"; do case "$a" in --free-ports) free=1 ;; --fast) fast=1 ;; *) log "unknown option $a"; exit 2 ;; esac; done
  install
  if [ -f "$PORTS_FILE" ]; then load_ports
  else
    if [ "$free" = 1 ]; then
      PG_PORT=$(free_port); REDIS_PORT=$(free_port)
      AZURITE_BLOB_PORT=$(free_port); AZURITE_QUEUE_PORT=$(free_port); AZURITE_TABLE_PORT=$(free_port)
    fi
    save_ports
  fi
  start_postgres "$fast"
  start_redis
  start_azurite
  log "up: postgres :$PG_PORT, redis :$REDIS_PORT, azurite queue :$AZURITE_QUEUE_PORT ($STATE)"
}

stop_pid() { # pidfile
  [ -f "$1" ] || return 0
  local pid; pid="$(cat "$1")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

down() {
  load_ports
  if pg_running; then pg pg_ctl -D "$STATE/pg/data" -m fast -w stop >/dev/null || true; fi
  stop_pid "$STATE/redis/redis.pid"
  stop_pid "$STATE/azurite/azurite.pid"
  log "down ($STATE)"
}

status() {
  load_ports
  local rc=0
  if pg_running; then echo "postgres  up    127.0.0.1:$PG_PORT"; else echo "postgres  down"; rc=1; fi
  if port_in_use "$REDIS_PORT" && [ -f "$STATE/redis/redis.pid" ]; then echo "redis     up    127.0.0.1:$REDIS_PORT"; else echo "redis     down"; rc=1; fi
  if port_in_use "$AZURITE_QUEUE_PORT" && [ -f "$STATE/azurite/azurite.pid" ]; then echo "azurite   up    127.0.0.1:$AZURITE_QUEUE_PORT (queue)"; else echo "azurite   down"; rc=1; fi
  return $rc
}

env_out() {
  load_ports
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  echo "EMOTY_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Database=$DB_NAME;Username=$DB_USER;Password=$DB_PASSWORD'"
  echo "EMOTY_REDIS='127.0.0.1:$REDIS_PORT'"
  echo "EMOTY_STORAGE='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1;'"
}

cmd="${1:-status}"; shift || true
case "$cmd" in
  install) install ;;
  up) up "$@" ;;
  down) down ;;
  status) status ;;
  env) env_out ;;
  reset) down; rm -rf "$STATE"; log "reset: removed $STATE" ;;
  *) echo "usage: $0 install|up [--free-ports] [--fast]|down|status|env|reset" >&2; exit 2 ;;
esac

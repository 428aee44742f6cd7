#!/usr/bin/env bash
# Runs Emoty locally: PostgreSQL, Redis and Azurite in .local/dev, migrations, demo data, and the
# Functions app behind the project's local host on http://127.0.0.1:7071/api.
#
#   infra/local/run.sh               start everything; returns once /api/health answers 200
#   infra/local/run.sh --foreground  the same, then stays attached to the host's console (Ctrl-C stops the app)
#   infra/local/run.sh stop          stop the app and the services (data is kept; services.sh reset drops it)
#   infra/local/run.sh logs          follow the app's log
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/infra/local/settings.env"
STATE="$ROOT/$STATE_DIR"
HOST_PID="$STATE/functions.pid"
HOST_LOG="$STATE/functions.log"
CONFIG=Release
APP_DIR="$ROOT/Emoty.Functions/bin/$CONFIG/net10.0"
HOST_DLL="$ROOT/infra/local/Emoty.LocalHost/bin/$CONFIG/net10.0/Emoty.LocalHost.dll"
ADMIN_DLL="$ROOT/infra/Emoty.Admin/bin/$CONFIG/net10.0/Emoty.Admin.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[run] %s\n' "$*" >&2; }

stop_host() {
  if [ -f "$HOST_PID" ]; then
    local pid; pid="$(cat "$HOST_PID")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$HOST_PID"
  fi
}

case "${1:-start}" in
  stop) stop_host; "$ROOT/infra/local/services.sh" down; exit 0 ;;
  logs) exec tail -f "$HOST_LOG" ;;
  start|--foreground) ;;
  *) echo "usage: $0 [--foreground|stop|logs]" >&2; exit 2 ;;
esac

"$ROOT/infra/local/services.sh" up
if [ ! -f "$ROOT/local.settings.json" ]; then
  cp "$ROOT/local.settings.sample.json" "$ROOT/local.settings.json"; log "created local.settings.json from the sample"
else
  # Settings added to the sample since the copy was made are added to it; values already set stay.
  node -e '
    const fs = require("fs"), [sample, local] = process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f, "utf8")));
    const added = Object.keys(sample.Values).filter(k => !(k in local.Values));
    added.forEach(k => local.Values[k] = sample.Values[k]);
    local.Host ??= {};
    Object.keys(sample.Host ?? {}).filter(k => !(k in local.Host)).forEach(k => { local.Host[k] = sample.Host[k]; added.push("Host." + k); });
    if (added.length) { fs.writeFileSync(process.argv[2], JSON.stringify(local, null, 2) + "\n"); console.error("[run] added to local.settings.json: " + added.join(", ")); }
  ' "$ROOT/local.settings.sample.json" "$ROOT/local.settings.json"
fi

log "building ($CONFIG)"
dotnet build "$ROOT/Emoty.sln" -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly

CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=$DB_NAME;Username=$DB_USER;Password=$DB_PASSWORD"
dotnet "$ADMIN_DLL" migrate --connection "$CONNECTION"
dotnet "$ADMIN_DLL" seed --connection "$CONNECTION"

stop_host
PORT="${FUNCTIONS_PORT:-7071}"
if [ "${1:-}" = "--foreground" ]; then
  exec dotnet "$HOST_DLL" --app "$APP_DIR" --port "$PORT" --settings "$ROOT/local.settings.json"
fi

setsid nohup dotnet "$HOST_DLL" --app "$APP_DIR" --port "$PORT" --settings "$ROOT/local.settings.json" \
  > "$HOST_LOG" 2>&1 < /dev/null &
echo $! > "$HOST_PID"
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1; then
    log "Emoty is serving on http://127.0.0.1:$PORT/api (health: 200). Log: $HOST_LOG; stop: infra/local/run.sh stop"
    exit 0
  fi
  if ! kill -0 "$(cat "$HOST_PID")" 2>/dev/null; then
    log "the host exited; last lines of $HOST_LOG:"; tail -n 40 "$HOST_LOG" >&2; exit 1
  fi
  sleep 0.2
done
log "the app did not become healthy within 60 s; last lines of $HOST_LOG:"; tail -n 40 "$HOST_LOG" >&2
exit 1

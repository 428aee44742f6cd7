#!/usr/bin/env bash
# End-to-end API figures: the app as `infra/local/run.sh` serves it (local host, PostgreSQL, Redis,
# Azurite), loaded with `hey` (installed here if missing) at concurrency 16 for 10 s per route:
# a public pattern read (the two-level cache) as one viewer and as a visitor, two searches,
# the platform figures, and health. Prints requests/s and latency percentiles per route.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="http://127.0.0.1:7071/api"
DURATION="${DURATION:-10s}"
CONCURRENCY="${CONCURRENCY:-16}"

command -v hey >/dev/null || { echo "[bench] installing hey"; apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey >/dev/null; }
"$ROOT/infra/local/run.sh" >/dev/null 2>&1
PATTERN="$(curl -fsS "$BASE/patterns?limit=1&sort=like_count" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).data[0].id))')"

run() { # name url [header]
  local name="$1" url="$2"; shift 2
  local out; out="$(hey -z "$DURATION" -c "$CONCURRENCY" "$@" "$url")"
  local rps p50 p99 codes
  rps="$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")"
  p50="$(awk '/ 50% in/ {printf "%.2f", $3*1000}' <<<"$out")"
  p99="$(awk '/ 99% in/ {printf "%.2f", $3*1000}' <<<"$out")"
  codes="$(awk '/Status code distribution/ {on=1; next} on && /\[/ {printf "%s%s", sep, $1 $2; sep=" "}' <<<"$out")"
  printf "  %-44s %8s req/s   p50 %7s ms   p99 %7s ms   %s\n" "$name" "$rps" "$p50" "$p99" "$codes"
}

echo "Emoty API over loopback: $(nproc) cores, concurrency $CONCURRENCY, $DURATION per route"
run "GET /api/patterns/{id} (cached)" "$BASE/patterns/$PATTERN"
# A different X-Forwarded-For per run only changes the (anonymous) viewer; the cache entry is the same.
run "GET /api/patterns/{id} (cached, visitor)" "$BASE/patterns/$PATTERN" -H "X-Forwarded-For: 203.0.113.9"
run "GET /api/patterns?sort=like_count&limit=20" "$BASE/patterns?sort=like_count&limit=20"
run "GET /api/patterns?query=sunset" "$BASE/patterns?query=sunset"
run "GET /api/analytics/platform (cached)" "$BASE/analytics/platform"
run "GET /api/health (PostgreSQL, Redis, queues)" "$BASE/health"

#!/usr/bin/env bash
# The fault harness: the longer versions of the fault tests, on demand. PostgreSQL killed, Redis killed
# (default 10 s each), Azurite stopped (twice as long) and the worker killed twice, each under write +
# sync load, on a PostgreSQL, Redis and Azurite of the harness's own (temporary folders, free ports;
# nothing else is touched). Prints per fault: requests, 2xx, 5xx, hangs over 5 s, recovery time,
# acknowledged writes lost and duplicates; exits 1 when a write was lost, a batch applied twice or left
# unfinished, or an invariant broke.
#   infra/local/faults.sh [seconds] [--only postgres,redis,queue,worker]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
"$ROOT/infra/local/services.sh" install
dotnet build bench/Emoty.Faults -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Emoty.Faults/bin/Release/net10.0/Emoty.Faults.dll "$@"

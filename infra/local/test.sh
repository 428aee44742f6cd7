#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL, Redis and Azurite: one private instance of each,
# on free ports, in .local/test-<pid>, started once for the run and removed afterwards.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Patterns").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export EMOTY_STATE="$ROOT/.local/test-$$"
RESULTS="$EMOTY_STATE/results"

cleanup() {
  "$ROOT/infra/local/services.sh" down >/dev/null 2>&1 || true
  rm -rf "$EMOTY_STATE"
}
trap cleanup EXIT

"$ROOT/infra/local/services.sh" install
dotnet build Emoty.sln -c Release --nologo -v quiet -clp:ErrorsOnly
"$ROOT/infra/local/services.sh" up --free-ports --fast
eval "$("$ROOT/infra/local/services.sh" env)"
export EMOTY_TEST_POSTGRES="$EMOTY_POSTGRES" EMOTY_TEST_REDIS="$EMOTY_REDIS" EMOTY_TEST_STORAGE="$EMOTY_STORAGE"

status=0
dotnet test Emoty.sln -c Release --no-build --nologo --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$RESULTS" "$@" || status=$?

# One closing line for the whole run, summed over every test assembly's results.
passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<< "$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<< "$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<< "$counters"); e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<< "$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${n:-0}))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then echo "no test ran" >&2; status=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"

#!/usr/bin/env bash
# The hostile-client harness on demand: many more seeded malformed requests than the test suite's
# 2,000, through the same test (tests/Emoty.Functions.Tests/HostileClientTests.cs), on private
# services like the test command's. Prints requests sent, the statuses, 5xx and the invariants.
#   infra/local/hostile.sh [requests (20000)] [seed (20261201)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export EMOTY_HOSTILE_REQUESTS="${1:-20000}" EMOTY_HOSTILE_SEED="${2:-20261201}"
exec "$ROOT/infra/local/test.sh" --filter "FullyQualifiedName~HostileClientTests" --logger "console;verbosity=detailed"

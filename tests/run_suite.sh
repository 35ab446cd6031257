#!/usr/bin/env bash
# The whole suite: unit tests once, then every database test on SQLite and on PostgreSQL.
# Without a reachable PostgreSQL it warns loudly and runs SQLite only, except under CI.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

pg_up() {
  "$PY" - <<'PYEOF'
import asyncio, os, sys
import asyncpg
async def main():
    connection = await asyncpg.connect(os.environ["TEST_DATABASE_URL"], timeout=5)
    await connection.close()
try:
    asyncio.run(main())
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PYEOF
}

if ! pg_up && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Starting the local PostgreSQL cluster..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_up 2>/dev/null && break; sleep 1; done
fi
engines="sqlite postgres"
if ! pg_up; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: PostgreSQL at $TEST_DATABASE_URL is required under CI." >&2
    exit 1
  fi
  echo "###########################################################################" >&2
  echo "## WARNING: no PostgreSQL at $TEST_DATABASE_URL" >&2
  echo "## Running the database tests on SQLite ONLY. This is not a full run." >&2
  echo "###########################################################################" >&2
  engines="sqlite"
fi

status=0
passed=0
failed=0
count() {  # sum the numbers standing before words matching $1 in pytest's closing line
  awk -v pat="$1" '{ for (i = 1; i < NF; i++) if ($(i + 1) ~ pat) s += $i } END { print s + 0 }'
}
run() {
  local label=$1; shift
  echo; echo "===== $label ====="
  local log; log=$(mktemp)
  "$PY" -m pytest "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  local summary; summary=$(tail -n 1 "$log")
  passed=$((passed + $(count '^passed' <<<"$summary")))
  failed=$((failed + $(count '^(failed|errors?)' <<<"$summary")))
  rm -f "$log"
  [ "$code" -eq 0 ] || status=1
}

run "unit tests (no database)" tests/unit -q
# Each engine's run in the background, its log shown once both are done; env assignments given
# first (e.g. TEST_STORAGE=s3) apply to both.
both_engines() {
  local label=$1; shift
  local vars=()
  while [[ "${1:-}" == *=* ]]; do vars+=("$1"); shift; done
  local logs; logs=$(mktemp -d)
  local pids=()
  for engine in $engines; do
    if [ "${SUITE_PARALLEL:-1}" = "1" ]; then
      (env "${vars[@]}" TEST_ENGINE=$engine "$PY" -m pytest "$@" -q -p no:cacheprovider >"$logs/$engine" 2>&1; echo $? >"$logs/$engine.rc") &
      pids+=($!)
    else
      env "${vars[@]}" TEST_ENGINE=$engine "$PY" -m pytest "$@" -q -p no:cacheprovider >"$logs/$engine" 2>&1; echo $? >"$logs/$engine.rc"
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  for engine in $engines; do
    [ -f "$logs/$engine.rc" ] || continue
    echo; echo "===== $label on $engine ====="
    cat "$logs/$engine"
    summary=$(tail -n 1 "$logs/$engine")
    passed=$((passed + $(count '^passed' <<<"$summary")))
    failed=$((failed + $(count '^(failed|errors?)' <<<"$summary")))
    [ "$(cat "$logs/$engine.rc")" -eq 0 ] || status=1
  done
  rm -rf "$logs"
}

# The engines share nothing (a temp SQLite file vs the PostgreSQL database, free ports each), so
# they run side by side: on two cores that keeps `make test` well inside CI's ten minutes.
# SUITE_PARALLEL=0 runs them one after the other.
both_engines "database tests" tests/integration tests/browser
# The upload, pitch-deck and evidence tests again with every upload in a bucket of a local S3 server.
both_engines "upload tests on S3 storage" TEST_STORAGE=s3 \
  tests/integration/core/test_uploads.py tests/integration/core/test_hostile_uploads.py \
  tests/integration/challenge/test_applications.py tests/integration/challenge/test_attached_files.py \
  tests/integration/challenge/test_startup_pages.py tests/integration/pilots/test_measurements.py \
  tests/integration/judging/test_blind_round.py tests/integration/core/test_privacy.py \
  tests/integration/core/test_backups.py
echo
echo "suite: $passed passed, $failed failed"
exit $status

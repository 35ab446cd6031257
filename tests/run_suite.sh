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
# The upload, pitch-deck, evidence and backup tests again, with every upload in a bucket of a
# local S3 server. Storage and engine are independent, so one engine runs them: SQLite, whose lane
# ends minutes before PostgreSQL's, so the extra run costs the suite no time.
s3_tests=(
  tests/integration/core/test_uploads.py tests/integration/core/test_hostile_uploads.py
  tests/integration/challenge/test_applications.py tests/integration/challenge/test_attached_files.py
  tests/integration/challenge/test_startup_pages.py tests/integration/pilots/test_measurements.py
  tests/integration/judging/test_blind_round.py tests/integration/core/test_privacy.py
  tests/integration/core/test_backups.py
)
s3_engine=$(cut -d' ' -f1 <<<"$engines")
logs=$(mktemp -d)

# One engine's lane: the database and browser tests, then (on one lane) the S3 run; a log each.
lane() {
  local engine=$1
  TEST_ENGINE=$engine "$PY" -m pytest tests/integration tests/browser -q -p no:cacheprovider \
    >"$logs/$engine" 2>&1
  echo $? >"$logs/$engine.rc"
  if [ "$engine" = "$s3_engine" ]; then
    TEST_STORAGE=s3 TEST_ENGINE=$engine "$PY" -m pytest "${s3_tests[@]}" -q -p no:cacheprovider \
      >"$logs/s3-$engine" 2>&1
    echo $? >"$logs/s3-$engine.rc"
  fi
}

# The engines share nothing (a temp SQLite file vs the PostgreSQL database, free ports each), so
# they run side by side on the two cores. SUITE_PARALLEL=0 runs them one after the other.
pids=()
for engine in $engines; do
  if [ "${SUITE_PARALLEL:-1}" = "1" ]; then
    lane "$engine" &
    pids+=($!)
  else
    lane "$engine"
  fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
show() {  # label, log name
  [ -f "$logs/$2.rc" ] || return 0
  echo; echo "===== $1 ====="
  cat "$logs/$2"
  summary=$(tail -n 1 "$logs/$2")
  passed=$((passed + $(count '^passed' <<<"$summary")))
  failed=$((failed + $(count '^(failed|errors?)' <<<"$summary")))
  [ "$(cat "$logs/$2.rc")" -eq 0 ] || status=1
}
for engine in $engines; do show "database tests on $engine" "$engine"; done
show "upload tests on S3 storage, on $s3_engine" "s3-$s3_engine"
rm -rf "$logs"
echo
echo "suite: $passed passed, $failed failed"
exit $status

#!/usr/bin/env bash
# The whole suite: once on SQLite, then once on PostgreSQL when one is reachable.
#   GAOXIN_TEST_POSTGRES_URL   PostgreSQL to test on (default postgres://postgres@127.0.0.1:5432/test)
#   GAOXIN_REQUIRE_POSTGRES=1  fail instead of skipping the PostgreSQL run when it is unreachable
#   GAOXIN_REQUIRE_BROWSER=1   fail when any test was skipped (CI: browser tests must run)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${GAOXIN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export GAOXIN_TESTING=1
unset GAOXIN_DATABASE_URL

# tests/deploy/test_scaleout.py makes its own PostgreSQL database and Redis queue whatever the suite
# runs on, and so do the crash and upgrade tests (tests/ops/test_crash.py, tests/ops/test_upgrade.py,
# real processes killed with SIGKILL; the previous release's demo migrated forward): they run once,
# in the PostgreSQL pass (they are left out here, not skipped). So do the schema fuzzers
# (tests/api/test_schema_fuzz.py): PostgreSQL enforces every column's length and digits where SQLite
# keeps what it is given, so a fuzzed value too long for its column shows as a 500 there only. The
# browser tests (tests/browser: pages, layout, accessibility and English labels in Chromium) check what
# the browser draws, which does not depend on the database engine: they run once, in the SQLite pass;
# the views' behaviour on PostgreSQL is tested by the page and API tests that run in both passes.
SWEEPS=(--ignore=tests/browser)
echo "== 测试（SQLite）"
GAOXIN_DATA_DIR="$(mktemp -d)" $PY -m pytest -n 2 --ignore=tests/deploy/test_scaleout.py \
  --ignore=tests/ops/test_crash.py --ignore=tests/ops/test_upgrade.py \
  --ignore=tests/api/test_schema_fuzz.py "$@"

if $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL 不可用：{exc}")
    sys.exit(1)
PYEOF
then
  echo "== 测试（PostgreSQL）"
  GAOXIN_DATA_DIR="$(mktemp -d)" GAOXIN_DATABASE_URL="$PG_URL" $PY -m pytest -n 2 "${SWEEPS[@]}" "$@"
elif [ "${GAOXIN_REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL 不可用，而 GAOXIN_REQUIRE_POSTGRES=1" >&2
  exit 1
else
  echo "== 跳过 PostgreSQL 测试（未连接到 $PG_URL）"
fi

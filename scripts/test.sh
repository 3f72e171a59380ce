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
# runs on: it runs once, in the PostgreSQL pass (it is left out here, not skipped). The page sweeps
# (every menu page of every role for layout, accessibility and English labels) check what the
# browser draws, which does not depend on the database engine: they run once, in the SQLite pass.
SWEEPS=(--ignore=tests/browser/test_every_page.py --ignore=tests/browser/test_english.py)
echo "== 测试（SQLite）"
GAOXIN_DATA_DIR="$(mktemp -d)" $PY -m pytest -n 2 --ignore=tests/deploy/test_scaleout.py "$@"

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

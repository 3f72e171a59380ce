"""The KPI benchmark's small mode runs end to end and the platform's figures agree with pandas'."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_small_bench_agrees_with_pandas(tmp_path):
    env = {
        **os.environ,
        "GAOXIN_BENCH_SQLITE": str(tmp_path / "bench.sqlite3"),
        "GAOXIN_DATA_DIR": str(tmp_path),
    }
    env.pop("GAOXIN_DATABASE_URL", None)
    r = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "investment_kpis.py"), "--small"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "agree: yes" in r.stdout

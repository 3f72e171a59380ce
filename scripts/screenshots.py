"""Screenshots for the user guides in docs/guide/: one demo zone, every role's main task, in Chromium.

Usage: .venv/bin/python scripts/screenshots.py [--keep] [--only ROLE ...]   (or `make guide-shots`)

Builds the demo zone the way `make demo` does (migrate, collectstatic, `gaoxin demo --seed 2020`) in a
throwaway data directory, serves it with gunicorn on a free local port, then walks each role through its
main task in Debian's Chromium (the launch options of tests/browser/conftest.py) and writes
docs/guide/img/<role>-<step>.png (1366×800 unless the step says phone or large-font). Existing images
are overwritten. Exits non-zero when a page answers 4xx/5xx, a script on a page fails, a request leaves
the machine, or an expected link or button is missing — so a guide never shows a broken page.

Pages are found the way a person finds them: by address, by link text and by button label, not by CSS
layout, so small changes to the pages do not break the script.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.browser.conftest import ARGS, CHROMIUM  # noqa: E402  (the suite's Chromium options)

IMG = ROOT / "docs" / "guide" / "img"
BIN = ROOT / ".venv" / "bin"
PASSWORD = "Gaoxin@2026"  # noqa: S105  (the published demo password)
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


class PageProblem(Exception):
    pass


# ---------------------------------------------------------------- the zone and its server


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GAOXIN_DATA_DIR=str(data_dir),
        GAOXIN_HTTPS="0",
        GAOXIN_DEBUG="0",
        PYTHONPATH=str(ROOT / "src"),
    )
    env.pop("GAOXIN_TESTING", None)
    return env


def build_zone(env: dict[str, str]) -> None:
    gx = str(BIN / "gaoxin")
    print("生成演示园区 …", flush=True)
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["demo", "--seed", "2020"],
    ):
        subprocess.run([gx, *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "gaoxin.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"服务未能启动，见 {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"服务 60 秒内没有响应，见 {log}")


# ---------------------------------------------------------------- a walk through the pages


class Walk:
    """One role's browser session: opens pages, clicks by visible text, saves screenshots."""

    def __init__(self, browser, base: str, role: str, written: list[Path]):
        self.base, self.role, self.written = base, role, written
        self.context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        self.page = self.context.new_page()
        self.problems: list[str] = []
        local = urlparse(base).netloc

        def guard(route):
            url = route.request.url
            if url.startswith(("data:", "blob:")) or urlparse(url).netloc == local:
                route.continue_()
            else:
                self.problems.append(f"请求了外部地址 {url}")
                route.abort()

        def answered(response):
            if response.status >= 400 and urlparse(response.url).netloc == local:
                self.problems.append(f"{response.url} 答复 {response.status}")

        self.page.route("**/*", guard)
        self.page.on("response", answered)
        self.page.on("pageerror", lambda exc: self.problems.append(f"{self.page.url} 脚本出错：{exc}"))

    def check(self) -> None:
        if self.problems:
            raise PageProblem("；".join(self.problems))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        self.check()

    def login(self, username: str) -> None:
        self.goto("/accounts/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(PASSWORD)
        with self.page.expect_navigation():
            self.page.locator("main").get_by_role("button").first.click()
        self.page.wait_for_load_state("networkidle")
        if "/accounts/login/" in self.page.url:
            raise PageProblem(f"{username} 登录失败")
        self.check()

    def follow(self, text: str, within: str = "main") -> None:
        """Click the first link in the page's main part whose text contains `text`."""
        link = self.page.locator(within).get_by_role("link", name=text).first
        if not link.count():
            raise PageProblem(f"{self.page.url} 上没有“{text}”链接")
        with self.page.expect_navigation():
            link.click()
        self.page.wait_for_load_state("networkidle")
        self.check()

    def follow_first_in_table(self) -> None:
        link = self.page.locator("main table tbody a").first
        if not link.count():
            raise PageProblem(f"{self.page.url} 的表格里没有链接")
        with self.page.expect_navigation():
            link.click()
        self.page.wait_for_load_state("networkidle")
        self.check()

    def button(self, name: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name).first.click()
        self.page.wait_for_load_state("networkidle")
        self.check()

    def scroll_to(self, heading: str) -> None:
        """Bring a section (found by its heading's text) to the top of the window."""
        found = self.page.get_by_role("heading", name=heading).first
        if not found.count():
            raise PageProblem(f"{self.page.url} 上没有“{heading}”一节")
        found.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16)")

    def shot(self, step: str, *, phone: bool = False, full: bool = False) -> None:
        if phone:
            self.page.set_viewport_size(PHONE)
            self.page.wait_for_timeout(200)
        self.page.wait_for_timeout(600)  # let the charts finish drawing
        IMG.mkdir(parents=True, exist_ok=True)
        path = IMG / f"{self.role}-{step}.png"
        self.page.screenshot(path=str(path), full_page=full, animations="disabled")
        if phone:
            self.page.set_viewport_size(DESKTOP)
        self.check()
        self.written.append(path)
        print(f"  {path.relative_to(ROOT)}  ({path.stat().st_size // 1024} KB)", flush=True)

    def close(self) -> None:
        self.context.close()


# ---------------------------------------------------------------- each role's main task


def ent(w: Walk) -> None:
    w.login("ent")
    w.shot("01-home")
    w.goto("/services/?theme=kaiban")
    w.shot("02-services")
    w.follow_first_in_table()
    w.shot("03-item")
    w.goto("/policies/mine/")
    w.shot("04-policies-mine")
    w.follow("在线申报")
    w.shot("05-apply")
    w.goto("/services/cases/")
    w.shot("06-cases")
    w.goto("/services/cases/?state=correction")  # the home page's 待补正 card
    w.follow_first_in_table()
    w.shot("07-correction")
    w.scroll_to("办理")
    w.shot("07-correction-actions")
    w.goto("/accounts/operators/")
    w.shot("08-operators")
    w.goto("/")
    w.shot("09-home-phone", phone=True)


def ent_op(w: Walk) -> None:
    w.login("ent_op")
    w.shot("01-home")


def citizen(w: Walk) -> None:
    w.login("citizen")
    w.shot("01-home")
    w.goto("/services/?theme=shebao")
    w.shot("02-services-phone", phone=True)
    w.goto("/services/cases/")
    w.shot("03-cases")


def clerk(w: Walk) -> None:
    w.login("clerk")
    w.shot("01-workbench")
    w.goto("/services/inbox/")
    w.shot("02-inbox")
    w.follow_first_in_table()
    w.shot("03-case")
    w.scroll_to("办理")
    w.shot("03-case-actions")
    w.goto("/accounts/claims/")
    w.shot("04-claims")


def reviewer(w: Walk) -> None:
    w.login("reviewer")
    w.goto("/services/inbox/")
    w.shot("01-inbox")
    w.follow_first_in_table()
    w.shot("02-case")
    w.scroll_to("办理")
    w.shot("02-case-actions")


def approver(w: Walk) -> None:
    w.login("approver")
    w.goto("/services/inbox/")
    w.follow_first_in_table()
    w.shot("01-case")
    w.scroll_to("办理")
    w.shot("01-case-actions")


def policy(w: Walk) -> None:
    w.login("policy")
    w.shot("01-workbench")
    w.goto("/policies/")
    w.shot("02-policies")
    w.follow_first_in_table()
    w.shot("03-policy")
    w.follow_first_in_table()
    w.scroll_to("政策找企业")
    w.shot("04-clause")
    w.goto("/policies/awards/?state=draft")
    w.shot("05-awards")


def finance(w: Walk) -> None:
    w.login("finance")
    w.goto("/policies/funds/")
    w.shot("01-funds")
    w.goto("/policies/payments/")
    w.shot("02-payments")
    w.goto("/policies/ledger/")
    w.shot("03-ledger")


def leader(w: Walk) -> None:
    w.login("leader")
    w.shot("01-overview")
    w.goto("/economy/")
    w.shot("02-economy")
    w.goto("/investment/kpis/")
    w.shot("03-investment-kpis")
    w.goto("/")
    w.shot("04-overview-phone", phone=True)
    w.button("大字模式")
    w.shot("05-large-font")
    w.button("标准模式")


def invest(w: Walk) -> None:
    w.login("invest")
    w.goto("/investment/")
    w.shot("01-projects")
    w.follow_first_in_table()
    w.shot("02-project")
    w.goto("/investment/chains/")
    w.shot("03-chains")


def stats(w: Walk) -> None:
    w.login("stats")
    w.goto("/enterprises/reports/")
    w.shot("01-reports")
    w.goto("/enterprises/statistics/")
    w.shot("02-statistics")
    w.follow("未报送企业")
    w.shot("03-not-reported")


def admin(w: Walk) -> None:
    w.login("admin")
    w.shot("01-workbench")
    w.goto("/calendar/")
    w.shot("02-calendar")
    w.goto("/audit/")
    w.shot("03-audit")
    w.goto("/workflows/")
    w.shot("04-workflows")


ROLES: dict[str, Callable[[Walk], None]] = {
    f.__name__: f
    for f in (ent, ent_op, citizen, clerk, reviewer, approver, policy, finance, leader, invest, stats, admin)
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(ROLES), help="只拍这些角色")
    parser.add_argument("--keep", action="store_true", help="保留临时数据目录（调试用）")
    parser.add_argument("--data-dir", help="使用已生成演示园区的数据目录（不再生成）")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"Chromium 未安装（{CHROMIUM}）", file=sys.stderr)
        return 2
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="gaoxin-guide-"))
    env = _env(data_dir)
    server = None
    written: list[Path] = []
    failed: list[str] = []
    try:
        if not args.data_dir:
            build_zone(env)
        port = free_port()
        server = serve(env, port, data_dir / "server.log")
        base = f"http://127.0.0.1:{port}"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for role in args.only or ROLES:
                print(role, flush=True)
                for stale in IMG.glob(f"{role}-*.png"):  # a step renamed or dropped leaves no old image
                    stale.unlink()
                walk = Walk(browser, base, role, written)
                try:
                    ROLES[role](walk)
                except Exception as exc:  # noqa: BLE001  (report every role's failure, then fail)
                    failed.append(f"{role}: {exc}")
                    print(f"  失败：{exc}", file=sys.stderr, flush=True)
                finally:
                    walk.close()
            browser.close()
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep and not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"写入 {len(written)} 张截图到 {IMG.relative_to(ROOT)}/")
    if failed:
        print("出错：\n" + "\n".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

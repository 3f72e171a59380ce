"""A real Chromium (Debian's, driven by Playwright) against the live test server.

Every request the page makes is checked: anything addressed to another host fails the test,
because the zone's intranet has no Internet."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GAOXIN_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("GAOXIN_SCREENSHOTS", "screenshots"))
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium 未安装（{CHROMIUM}）；make test 的准备步骤会安装 Debian 的 chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    pg = context.new_page()
    local = urlparse(live_server.url).netloc
    external: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).netloc
        if route.request.url.startswith(("data:", "blob:")) or host == local:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium reports what the Content-Security-Policy blocked on the console ("Refused to …").
    violations: list[str] = []
    pg.on(
        "console",
        lambda msg: (
            violations.append(f"{pg.url}: {msg.text}")
            if "Refused to" in msg.text or "Content Security Policy" in msg.text
            else None
        ),
    )
    pg.csp_violations = violations
    pg.base = live_server.url
    yield pg
    context.close()
    assert not external, f"页面请求了外部地址：{external}"
    assert not errors, f"页面脚本出错：{errors}"
    assert not violations, f"内容安全策略拦截了页面内容：{violations}"


@pytest.fixture
def zone():
    """A small demo zone (fast password hashing comes from the suite's autouse fixture)."""
    from gaoxin.demo import generator

    generator.build(seed=7, count=120, log=lambda m: None)


def login(page, username: str, password: str) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


def accessibility_violations(page) -> list[str]:
    """axe-core's violations of serious or critical impact on the current page (WCAG 2.1 A and AA).
    The engine is evaluated through the browser's debugging protocol, so the page's own
    Content-Security-Policy stays in force for everything else."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                             resultTypes: ["violations"]});
          return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
        }"""
    )
    return list(found)


def layout_problems(page) -> list[str]:
    """What makes a page untidy or broken for its reader: no site layout, no title, or a page wider
    than the window (a table may scroll inside its card; the page itself may not)."""
    problems = []
    if page.locator("header.topbar").count() != 1 or page.locator("footer.footer").count() != 1:
        problems.append("没有站点布局")
    if page.locator("h1").count() < 1:
        problems.append("没有标题")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 1:
        problems.append(f"横向溢出 {overflow}px")
    return problems


def nav_links(page) -> list[str]:
    return page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))")


def click_nav(page, label: str) -> None:
    """Follow a menu entry the way a person does: open its drop-down menu first when it is in one."""
    link = page.locator("nav.mainnav a", has_text=label).first
    if not link.is_visible():
        menu = page.locator("nav.mainnav details.menu", has=page.locator("a", has_text=label))
        if menu.count():
            menu.locator("summary").click()
    with page.expect_navigation():
        link.click()


# Labels that stay Chinese in English mode are found by script; what people typed (names, titles,
# tags) is marked in the templates with data-record or lang="zh" and skipped, with everything inside it.
CHINESE_LABELS_JS = """() => {
  const han = /[\\u3400-\\u9fff\\uf900-\\ufaff]/;
  const skip = el => el.closest('[data-record], [lang^="zh"]');
  const own = el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!skip(n.parentElement)) text += n.textContent;
    }
    return text.replace(/\\s+/g, " ").trim();
  };
  const found = [];
  const note = (what, text) => { if (han.test(text)) found.push(`${what}: ${text.slice(0, 80)}`); };
  if (!document.querySelector('title[data-record]')) note("title", document.title);
  const labels = "th, label, legend, button, summary, caption, nav a, h1, h2, h3, .tag, .badge";
  for (const el of document.querySelectorAll(labels)) {
    if (!skip(el)) note(el.tagName.toLowerCase() + (el.className ? "." + el.className.split(" ")[0] : ""), own(el));
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (skip(el)) continue;
    for (const a of ["placeholder", "aria-label", "title"]) {
      if (el.hasAttribute(a)) note(`${el.tagName.toLowerCase()}[${a}]`, el.getAttribute(a));
    }
  }
  // A select whose values are codes shows choice labels; one whose values are ids shows records.
  for (const opt of document.querySelectorAll("select option")) {
    if (skip(opt) || /^\\d*$/.test(opt.value)) continue;
    note("option", opt.textContent.trim());
  }
  return [...new Set(found)];
}"""


def chinese_labels(page) -> list[str]:
    """The labels of the current page still in Chinese (for the English-mode sweep)."""
    return list(page.evaluate(CHINESE_LABELS_JS))


def tables_outside_wrap(page) -> int:
    """Tables that would widen a phone's page: every table scrolls inside a .table-wrap."""
    return int(page.evaluate("document.querySelectorAll('table:not(.table-wrap table)').length"))


def switch_language(page, code: str) -> None:
    """Choose a language in the header's switch, as a reader does."""
    with page.expect_navigation():
        page.select_option("header.topbar form.lang select", code)
    page.wait_for_load_state("networkidle")

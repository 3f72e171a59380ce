// Small behaviours of every page, bound by data attributes instead of inline handlers (the
// Content-Security-Policy allows scripts from static files only). Delegated from the document, so
// they also work in fragments htmx swaps in.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const el = event.target;
  if (el instanceof HTMLInputElement && el.dataset.checkAll) {
    document.querySelectorAll(`input[name="${CSS.escape(el.dataset.checkAll)}"]`).forEach((box) => {
      box.checked = el.checked;
    });
  }
});
// The navigation's drop-down menus: opening one closes the others; Escape or a click elsewhere closes.
function closeMenus(except) {
  document.querySelectorAll("nav.mainnav details.menu[open]").forEach((menu) => {
    if (menu !== except) menu.removeAttribute("open");
  });
}
document.addEventListener("toggle", (event) => {
  const el = event.target;
  if (el instanceof HTMLDetailsElement && el.classList.contains("menu") && el.open) closeMenus(el);
}, true);
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element) || !event.target.closest("details.menu")) closeMenus(null);
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("nav.mainnav details.menu[open]");
  if (open) {
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  }
});
// A table wider than the screen scrolls inside its card (phones); a keyboard user reaches and scrolls it
// with Tab and the arrow keys, so such a table takes the focus (WCAG 2.1.1).
function focusScrollers(root) {
  root.querySelectorAll("table, .table-wrap").forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
  });
}
document.addEventListener("DOMContentLoaded", () => focusScrollers(document));
document.addEventListener("htmx:afterSettle", (event) => focusScrollers(event.target));
window.addEventListener("resize", () => focusScrollers(document));

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

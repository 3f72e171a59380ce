// Kiosk mode: a visible countdown to the automatic logout; any touch or key starts it again. The
// server ends an idle kiosk session by itself (its session expiry); this only tells the person and
// leaves the page before that.
(function () {
  "use strict";
  var box = document.querySelector("[data-idle]");
  if (!box) return;
  var idle = parseInt(box.getAttribute("data-idle"), 10) || 120;
  var out = box.getAttribute("data-logout");
  var left = idle;
  var shown = box.querySelector("[data-left]");
  function reset() { left = idle; }
  ["touchstart", "pointerdown", "keydown", "input"].forEach(function (e) {
    document.addEventListener(e, reset, { passive: true });
  });
  setInterval(function () {
    left -= 1;
    if (shown) shown.textContent = Math.max(left, 0);
    if (left <= 0) window.location.assign(out);
  }, 1000);
  var print = document.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });
})();

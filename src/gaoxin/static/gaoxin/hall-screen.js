// The hall's calling screen: polls its small JSON answer every few seconds and redraws the numbers.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-poll");
  if (!url) return;
  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }
  function draw(data) {
    var rows = document.querySelector("[data-calling]");
    rows.textContent = "";
    (data.calling.length ? data.calling : [{ number: "—", window: "" }]).forEach(function (c) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(c.number));
      tr.appendChild(cell(c.window));
      rows.appendChild(tr);
    });
    document.querySelector("[data-waiting]").textContent = data.waiting;
    document.querySelector("[data-at]").textContent = data.at;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) draw(data); })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 5000);
})();

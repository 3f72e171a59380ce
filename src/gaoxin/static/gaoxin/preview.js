// Inline preview of a case's materials: 预览 shows an image as <img>, and draws the first pages of a
// PDF into canvases with PDF.js (served from the platform's own static files; its worker too). Without
// JavaScript the 预览 buttons stay hidden and the download link still works.
(function () {
  "use strict";
  var MAX_PAGES = 3;
  var script = document.getElementById("preview-script");
  var pdfjsUrl = script && script.getAttribute("data-pdfjs");
  var workerUrl = script && script.getAttribute("data-pdfjs-worker");
  var loading = null;

  function pdfjs() {
    if (!loading) {
      loading = import(pdfjsUrl).then(function (lib) {
        lib.GlobalWorkerOptions.workerSrc = workerUrl;
        return lib;
      });
    }
    return loading;
  }

  function message(box, text) {
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = text;
    box.appendChild(p);
  }

  function renderPdf(box, url) {
    return pdfjs().then(function (lib) {
      // No eval: fonts are drawn without generated code, as the Content-Security-Policy requires.
      return lib.getDocument({ url: url, isEvalSupported: false, withCredentials: true }).promise;
    }).then(function (doc) {
      var pages = Math.min(doc.numPages, MAX_PAGES);
      var width = Math.max(box.clientWidth || 600, 200);
      var chain = Promise.resolve();
      for (var n = 1; n <= pages; n++) {
        chain = chain.then(renderPage.bind(null, doc, n, box, width));
      }
      return chain.then(function () {
        if (doc.numPages > pages) {
          var more = document.createElement("p");
          more.className = "help";
          more.textContent = box.getAttribute("data-more") || "";
          box.appendChild(more);
        }
      });
    });
  }

  function renderPage(doc, n, box, width) {
    return doc.getPage(n).then(function (page) {
      var base = page.getViewport({ scale: 1 });
      var ratio = window.devicePixelRatio || 1;
      var viewport = page.getViewport({ scale: (width / base.width) * ratio });
      var canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.className = "preview-page";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", (box.getAttribute("data-page") || "N").replace("N", String(n)));
      box.appendChild(canvas);
      return page.render({ canvasContext: canvas.getContext("2d"), viewport: viewport, canvas: canvas }).promise.then(
        function () { canvas.setAttribute("data-rendered", "1"); }
      );
    });
  }

  function renderImage(box, url, alt) {
    var img = document.createElement("img");
    img.src = url;
    img.alt = alt;
    img.className = "preview-page";
    box.appendChild(img);
    return Promise.resolve();
  }

  function toggle(button) {
    var box = document.getElementById(button.getAttribute("aria-controls"));
    if (!box) return;
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    box.hidden = open;
    if (open || box.getAttribute("data-loaded")) return;
    box.setAttribute("data-loaded", "1");
    var url = button.getAttribute("data-url");
    var work = button.getAttribute("data-kind") === "pdf"
      ? renderPdf(box, url)
      : renderImage(box, url, button.getAttribute("data-alt") || "");
    work.catch(function () {
      message(box, box.getAttribute("data-failed") || "");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.preview-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (e) { toggle(e.currentTarget); });
    }
  });
})();

// The rule builder answers 400 with the rows' messages; show them in place.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 400 && event.detail.target && event.detail.target.id === "builder") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

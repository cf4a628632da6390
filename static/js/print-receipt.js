// The anonymous receipt's codes are shown once: offer the browser's print dialog
// (which also saves as PDF). Without JavaScript the button stays hidden.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();

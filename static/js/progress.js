// The progress component (templates/core/_progress.html). While the work is queued
// or running, reads its JSON status (core/progress.py) every two seconds and redraws
// the bar, the message and the time left. When the work ends, puts the last message
// in the polite live region (read out once, not at every tick), hides what only
// matters while it runs, shows the result link and, if the page asks, opens it.
// Without JavaScript the component's "Tải lại" link does the same work.
(function () {
  "use strict";
  var ACTIVE = ["queued", "running"];

  function draw(box, s) {
    var part = function (name) { return box.querySelector("[data-progress-" + name + "]"); };
    var active = ACTIVE.indexOf(s.state) !== -1;
    var bar = box.querySelector("progress");
    var percent = s.percent === null ? "" : s.percent + " %";
    if (s.percent === null) bar.removeAttribute("value"); else bar.value = s.percent;
    bar.textContent = percent;
    part("percent").textContent = percent;
    part("message").textContent = s.message;
    part("message").hidden = !active;
    part("seconds").textContent = s.seconds_left === null ? "" : s.seconds_left;
    part("left").hidden = !active || s.seconds_left === null;
    part("refresh").hidden = !active;
    box.dataset.state = s.state;
    if (active) return true;
    part("notice").textContent = s.message;
    document.querySelectorAll("[data-progress-active-only]").forEach(function (el) { el.hidden = true; });
    if (s.result_url) {
      part("result").querySelector("a").href = s.result_url;
      part("result").hidden = false;
      if (s.state === "done" && box.hasAttribute("data-progress-follow")) {
        // Long enough to see the full bar and hear the notice begin.
        window.setTimeout(function () { window.location.assign(s.result_url); }, 1500);
      }
    }
    return false;
  }

  function watch(box) {
    function tick() {
      fetch(box.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) { if (draw(box, s)) window.setTimeout(tick, 2000); })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 1000);
  }

  document.querySelectorAll("[data-progress-url]").forEach(function (box) {
    if (ACTIVE.indexOf(box.dataset.state) !== -1) watch(box);
  });
})();

// Background export page: reads the job's status every two seconds and updates the
// progress bar; reloads the page once the job has left queued/running, so the
// server renders the download link. Without JavaScript the "Tải lại" link does it.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box || (box.dataset.state !== "queued" && box.dataset.state !== "running")) return;
  var url = box.dataset.statusUrl;
  function set(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }
  function tick() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        if (s.state !== "queued" && s.state !== "running") { window.location.reload(); return; }
        var bar = document.getElementById("job-progress");
        if (bar) { bar.max = s.rows_expected || 1; bar.value = s.rows_written; }
        set("job-rows", s.rows_written);
        set("job-expected", s.rows_expected);
        set("job-percent", s.percent);
        if (s.seconds_left !== null) set("job-left", s.seconds_left + " s");
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 1000);
})();

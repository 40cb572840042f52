// Export detail page: follow the job's progress through the API, reload when it ends.
(function () {
  "use strict";
  var box = document.getElementById("export-status");
  if (!box) return;
  var status = box.getAttribute("data-status");
  if (status !== "queued" && status !== "running") return;
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("progress-text");
  function poll() {
    fetch(box.getAttribute("data-api"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) return;
        if (bar) bar.value = job.progress;
        if (text) text.textContent = job.progress + "%";
        if (job.status !== "queued" && job.status !== "running") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

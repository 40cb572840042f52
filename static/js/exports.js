// Research export pages.
// Detail page: follow the job's progress through the API (status, bar, percentage),
// busy while queued or running; reload when it ends.
// New-export form: choosing another survey reloads the form with that survey's
// versions and columns (without JavaScript, the "Show its versions and columns" button does).
(function () {
  "use strict";
  var POLL_MS = 500;

  var chooser = document.getElementById("export-survey-chooser");
  if (chooser) {
    var select = chooser.querySelector("select[name=survey]");
    var button = chooser.querySelector("[data-choose]");
    if (button) button.hidden = true;
    if (select) {
      select.addEventListener("change", function () {
        var url = new URL(window.location.href);
        url.searchParams.set("survey", select.value);
        window.location.href = url.toString();
      });
    }
  }

  var box = document.getElementById("export-status");
  if (!box) return;
  var status = box.getAttribute("data-status");
  if (status !== "queued" && status !== "running") return;
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("progress-text");
  var label = document.getElementById("status-text");
  box.setAttribute("aria-busy", "true");
  function show(job) {
    if (bar) bar.value = job.progress;
    if (text) text.textContent = job.progress + "%";
    if (label && job.status !== status) {
      var name = box.getAttribute("data-label-" + job.status);
      if (name) label.textContent = name;
      label.className = "status status-" + job.status;
      status = job.status;
    }
  }
  function poll() {
    fetch(box.getAttribute("data-api"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) return;
        show(job);
        if (job.status !== "queued" && job.status !== "running") {
          box.setAttribute("aria-busy", "false");
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, POLL_MS);
})();

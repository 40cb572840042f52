// Transparency report (studio): while its PDF is being printed (by a worker),
// re-read this page every two seconds and swap in the PDF line once it is
// ready (or says why it is not). The line is busy until then.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var line = document.getElementById("report-pdf");
  if (!line || !line.hasAttribute("data-pending")) return;
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return window.setTimeout(poll, POLL_MS * 3);
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("report-pdf");
        if (!fresh || fresh.hasAttribute("data-pending")) return window.setTimeout(poll, POLL_MS);
        line.replaceChildren.apply(line, Array.prototype.slice.call(fresh.childNodes));
        line.removeAttribute("data-pending");
        line.setAttribute("aria-busy", "false");
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }
  window.setTimeout(poll, POLL_MS);
})();

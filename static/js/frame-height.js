/* Inside a frame only: tell the embedding page our height (see static/js/embed.js). */
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = 0;
  function report() {
    var height = document.documentElement.scrollHeight;
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "trustpulse:height", height: height }, "*");
    }
  }
  window.addEventListener("load", report);
  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.documentElement);
  } else {
    window.addEventListener("resize", report);
  }
})();

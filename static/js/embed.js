/* TrustPulse embed: grow each survey frame to the height its page reports.
   Include once on the page that holds <iframe data-trustpulse-embed>. */
(function () {
  "use strict";
  function frames() {
    return document.querySelectorAll("iframe[data-trustpulse-embed]");
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "trustpulse:height" || typeof data.height !== "number") {
      return;
    }
    frames().forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        var origin = new URL(frame.src, window.location.href).origin;
        if (origin === event.origin) {
          frame.style.height = Math.max(200, Math.ceil(data.height)) + "px";
        }
      }
    });
  });
})();

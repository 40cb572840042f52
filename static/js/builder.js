/* Survey builder enhancements. Every action works without this file (plain form posts). */
(function () {
  "use strict";

  // Removing a section or question asks first (the form still posts without JavaScript).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // Colour swatches follow the typed colour.
  document.querySelectorAll("[data-swatch]").forEach(function (swatch) {
    var input = document.getElementById("id_" + swatch.getAttribute("data-swatch"));
    if (!input) return;
    var paint = function () {
      if (/^#[0-9a-fA-F]{6}$/.test(input.value)) swatch.style.background = input.value;
    };
    input.addEventListener("input", paint);
    paint();
  });

  // After an error, move focus to the summary so it is read first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

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

/* Validation as you go: the question and section editors are checked by the server
   (the same service and errors as saving; nothing is saved) a moment after each change. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-check-url]").forEach(function (form) {
    var region = form.querySelector("[data-live-check]");
    if (!region || !window.fetch) return;
    var timer = null;
    var sequence = 0;

    function show(errors) {
      region.hidden = false;
      region.textContent = "";
      var lead = document.createElement("p");
      if (!errors.length) {
        lead.className = "ok";
        lead.textContent = region.getAttribute("data-ok");
        region.appendChild(lead);
        return;
      }
      lead.textContent = region.getAttribute("data-problems") + ":";
      region.appendChild(lead);
      var list = document.createElement("ul");
      list.className = "problems";
      errors.forEach(function (e) {
        var item = document.createElement("li");
        var code = document.createElement("code");
        code.textContent = e.field;
        item.appendChild(code);
        item.appendChild(document.createTextNode(" (" + e.code + "): " + e.message));
        list.appendChild(item);
      });
      region.appendChild(list);
    }

    function check() {
      var mine = ++sequence;
      fetch(form.getAttribute("data-check-url"), {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && mine === sequence) show(data.errors || []);
        })
        .catch(function () {});
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 600);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
  });
})();

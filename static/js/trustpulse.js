/* Small enhancements of the respondent pages; every page works without them. */
(function () {
  "use strict";

  // A slider shows its value as it moves.
  document.querySelectorAll("input[type=range]").forEach(function (range) {
    var output = document.getElementById(range.id + "-output");
    if (!output) return;
    var unit = output.textContent.replace(range.value, "");
    range.addEventListener("input", function () {
      output.textContent = range.value + unit;
    });
  });

  // "None of these" clears the other boxes, and the other way round.
  document.querySelectorAll("input[type=checkbox][data-exclusive]").forEach(function (box) {
    var group = document.getElementsByName(box.name);
    box.addEventListener("change", function () {
      if (!box.checked) return;
      group.forEach(function (other) {
        if (other !== box) other.checked = false;
      });
    });
    group.forEach(function (other) {
      if (other === box) return;
      other.addEventListener("change", function () {
        if (other.checked) box.checked = false;
      });
    });
  });

  // Typing an "other, please specify" text selects the "other" option.
  document.querySelectorAll(".other-field input[type=text]").forEach(function (text) {
    var option = document.querySelector(
      'input[name="' + text.name.replace(/-other$/, "") + '"][value="_other"]'
    );
    if (!option) return;
    text.addEventListener("input", function () {
      if (text.value.trim() && !option.checked) {
        option.checked = true;
        option.dispatchEvent(new Event("change"));
      }
    });
  });

  // The full notice opens in place (without JavaScript the link goes to its own
  // page, which the server counts as opened). How long it stays open is sent
  // with the consent form; it is stored only if the respondent agrees to
  // behavioural measurement.
  var toggle = document.querySelector("[data-notice-toggle]");
  var link = document.querySelector("[data-notice-link]");
  var panel = document.getElementById("full-notice");
  var form = document.getElementById("choices");
  if (toggle && link && panel && form) {
    var openedField = form.querySelector("input[name=notice_opened_inline]");
    var dwellField = form.querySelector("input[name=notice_dwell_ms]");
    var total = 0;
    var since = null;
    var settle = function () {
      if (since !== null) {
        var now = Date.now();
        total += now - since;
        since = now;
      }
      dwellField.value = String(Math.round(total));
    };
    link.hidden = true;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) {
        openedField.value = "1";
        since = Date.now();
        settle();
        panel.focus();
      } else {
        settle();
        since = null;
      }
    });
    // Time with the page in the background does not count as reading.
    document.addEventListener("visibilitychange", function () {
      if (panel.hidden) return;
      if (document.hidden) {
        settle();
        since = null;
      } else {
        since = Date.now();
      }
    });
    form.addEventListener("submit", function () {
      if (openedField.value === "1") settle();
    });
  }

  // Receipts: a print button (printing from the browser menu works too).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

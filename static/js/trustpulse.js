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
})();

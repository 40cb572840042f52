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

  // Follow-up questions whose display logic depends on an answer on this page
  // are sent hidden, with their condition (surveys/logic.py's language; parts
  // on other pages' answers already decided by the server as {"const": …}).
  // They show as soon as the condition holds, and hide (their controls
  // disabled, so nothing of theirs is posted) when it no longer does. The
  // server checks everything again; without this script they appear after
  // the page is posted.
  var followUps = Array.prototype.slice.call(document.querySelectorAll("[data-show-if]"));
  var questionForm = followUps.length ? followUps[0].closest("form") : null;
  if (questionForm) {
    var status = document.querySelector("[data-follow-up-status]");
    var number = function (value) {
      if (typeof value === "boolean" || value === null || value === undefined) return null;
      var text = String(value).trim();
      if (text === "") return null;
      var n = Number(text);
      return isFinite(n) ? n : null;
    };
    var same = function (a, b) {
      if (typeof a === "boolean") return a === b;
      var na = number(a);
      var nb = number(b);
      if (na !== null && nb !== null) return na === nb;
      return String(a) === String(b);
    };
    var controls = function (name, exact) {
      return Array.prototype.filter.call(questionForm.elements, function (el) {
        if (el.disabled || !el.name) return false;
        return exact ? el.name === name : el.name.indexOf(name + "-") === 0;
      });
    };
    var checked = function (els) {
      return els.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    };
    // A question's answer as the server cleans it (surveys/answers.py), from its controls.
    var answer = function (code, type) {
      var name = "q-" + code;
      if (type === "matrix") {
        var rows = {};
        controls(name, false).forEach(function (el) {
          if (el.checked) rows[el.name.slice(name.length + 1)] = el.value;
        });
        return rows;
      }
      if (type === "ranking") {
        return controls(name + "-rank", false).map(function (el) { return el.value; })
          .filter(function (v) { return v; });
      }
      var own = controls(name, true);
      if (type === "multiple_choice") return checked(own);
      if (type === "acknowledgement") return checked(own).length ? true : null;
      if (type === "yes_no") {
        var said = checked(own)[0];
        return said === "yes" ? true : said === "no" ? false : null;
      }
      if (own.length && (own[0].type === "radio" || own[0].type === "checkbox")) {
        var chosen = checked(own);
        return chosen.length ? chosen[0] : null;
      }
      return own.length ? own[0].value.trim() : null;
    };
    var empty = function (value) {
      if (value === null || value === undefined || value === "") return true;
      if (Array.isArray(value)) return value.length === 0;
      return typeof value === "object" && Object.keys(value).length === 0;
    };
    var holds = function (cond) {
      if (!cond) return true;
      if ("const" in cond) return cond["const"];
      if (cond.all) return cond.all.every(holds);
      if (cond.any) return cond.any.some(holds);
      if (cond.not) return !holds(cond.not);
      var value = answer(cond.question, cond.type);
      if ("item" in cond && value && typeof value === "object" && !Array.isArray(value)) {
        value = value[cond.item];
      }
      if (cond.op === "answered") return !empty(value);
      if (cond.op === "not_answered") return empty(value);
      if (empty(value)) return false;
      var values = Array.isArray(value) ? value : [value];
      var target = cond.value;
      var hit = function (options) {
        return values.some(function (v) {
          return options.some(function (o) { return same(v, o); });
        });
      };
      if (cond.op === "eq") return hit([target]);
      if (cond.op === "neq") return !hit([target]);
      if (cond.op === "in" || cond.op === "not_in") {
        var found = hit(Array.isArray(target) ? target : [target]);
        return cond.op === "in" ? found : !found;
      }
      var a = values.length === 1 ? number(values[0]) : null;
      var b = number(target);
      if (a === null || b === null) return false;
      return { gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[cond.op] === true;
    };
    var conditions = followUps.map(function (box) { return JSON.parse(box.dataset.showIf); });
    var update = function () {
      var added = false;
      // Twice: a follow-up may depend on another one.
      for (var round = 0; round < 2; round++) {
        followUps.forEach(function (box, i) {
          var show = holds(conditions[i]);
          if (show && box.hidden) added = true;
          box.hidden = !show;
          box.querySelectorAll("input, select, textarea").forEach(function (el) {
            el.disabled = !show;
          });
        });
      }
      if (added && status) status.textContent = status.dataset.message;
    };
    update();
    questionForm.addEventListener("change", update);
    questionForm.addEventListener("input", update);
  }

  // Receipts: a print button (printing from the browser menu works too).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

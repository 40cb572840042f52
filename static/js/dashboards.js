/* Dashboards: fetch each panel's data endpoint and draw its charts with the bundled plotly.js.
 *
 * Filter state lives in the URL: a change to any filter pushes a new query
 * string (shareable; the back button restores the previous one) and reloads
 * every panel from it. Each chart comes with a one-sentence summary, a
 * "View as table" alternative, PNG/SVG downloads and a CSV of its
 * (already suppressed) numbers.
 */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var t = {
    table: "View as table",
    png: "Download PNG",
    svg: "Download SVG",
    csv: "Download CSV",
    failed: "These figures could not be loaded. Reload the page to try again.",
    withheld: "withheld",
    plotly: {},
  };
  // The page's language: dashboards/_js_labels.html holds these texts translated.
  var labels = document.getElementById("dashboard-labels");
  if (labels) Object.assign(t, JSON.parse(labels.textContent));
  var lang = document.documentElement.lang || "en";
  var locales = {};
  locales[lang] = { dictionary: t.plotly };

  function query() {
    if (!form) return "";
    var params = new URLSearchParams();
    var defaults = {};
    document.querySelectorAll("[data-default]").forEach(function (f) {
      defaults[f.name] = f.getAttribute("data-default");
    });
    new FormData(form).forEach(function (value, name) {
      // Defaults stay out of the URL, so a shared link says only what was chosen.
      if (value !== "" && value !== defaults[name]) params.append(name, value);
    });
    if (params.get("period") !== "custom") {
      params.delete("from");
      params.delete("to");
    }
    return params.toString();
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c) node.appendChild(c);
    });
    return node;
  }

  function cellText(v) {
    if (v === null || v === undefined) return t.withheld;
    if (typeof v === "number" && !Number.isInteger(v)) return v.toFixed(3);
    return String(v);
  }

  function table(chart) {
    var head = el("tr", {}, chart.table.columns.map(function (c) {
      return el("th", { scope: "col", text: c });
    }));
    var body = chart.table.rows.map(function (row) {
      return el("tr", {}, row.map(function (v, i) {
        return i === 0 ? el("th", { scope: "row", text: cellText(v) }) : el("td", { class: "num", text: cellText(v) });
      }));
    });
    return el("table", { class: "data-table" }, [
      el("caption", { class: "visually-hidden", text: chart.title }),
      el("thead", {}, [head]),
      el("tbody", {}, body),
    ]);
  }

  function drawChart(container, chart, src, qs) {
    var id = "chart-" + chart.key;
    var summaryId = id + "-summary";
    var fig = el("figure", { class: "chart", id: id, "data-chart": chart.key });
    fig.appendChild(el("h3", { class: "chart-title", text: chart.title }));
    var plot = el("div", { class: "plot", "aria-describedby": summaryId });
    if (chart.empty) {
      fig.appendChild(el("div", { class: "empty-state chart-empty" }, [el("p", { text: chart.empty })]));
    } else {
      fig.appendChild(plot);
    }
    var caption = el("figcaption", { id: summaryId, class: "chart-summary", text: chart.summary });
    if (chart.empty && chart.summary === chart.empty) caption.className += " visually-hidden";
    fig.appendChild(caption);
    var actions = el("div", { class: "chart-actions" });
    if (!chart.empty) {
      ["png", "svg"].forEach(function (format) {
        var b = el("button", { type: "button", class: "link-button", text: t[format] });
        b.addEventListener("click", function () {
          window.Plotly.downloadImage(plot, { format: format, filename: chart.key, width: 1200, height: 700 });
        });
        actions.appendChild(b);
      });
    }
    if (src) {
      var csvQs = (qs ? qs + "&" : "") + "format=csv&chart=" + encodeURIComponent(chart.key);
      actions.appendChild(el("a", { href: src + "?" + csvQs, class: "csv-link", download: "", text: t.csv }));
    }
    fig.appendChild(actions);
    var details = el("details", { class: "chart-table" }, [el("summary", { text: t.table }), table(chart)]);
    fig.appendChild(details);
    container.appendChild(fig);
    if (!chart.empty) {
      var layout = Object.assign({}, chart.figure.layout, { title: { text: "" }, autosize: true });
      layout.margin = Object.assign({}, layout.margin || {}, { t: 16 });
      var config = {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ["select2d", "lasso2d"],
        toImageButtonOptions: { format: "png", filename: chart.key },
        locale: lang,
        locales: locales,
      };
      if (printing()) {
        Object.assign(layout, printLayout(plot, layout));
        config = PRINT_CONFIG;
      }
      window.Plotly.newPlot(plot, chart.figure.data, layout, config).then(function () {
        if (!printing()) {
          fit(plot);
          plot.on("plotly_afterplot", function () { fit(plot); });
        }
        plot.setAttribute("data-drawn", "true");
      });
    }
  }

  // A chart whose legend or label margins (a phone's width wraps both onto more lines)
  // left its plot area shorter than its categories need (layout.meta.plot_height, set by
  // the server) grows by the difference, so wrapped labels never overprint each other.
  function fit(plot) {
    var full = plot._fullLayout;
    if (!full) return;
    fitXTitle(plot, full);
    var need = full.meta && full.meta.plot_height;
    if (!need || !full._size) return;
    var shortBy = Math.ceil(need - full._size.h);
    if (shortBy > 1) window.Plotly.relayout(plot, { height: full.height + shortBy });
  }

  // The x-axis title is centred on the plot area, which long category labels push
  // right on a phone: a title wider than the room either side of that centre is
  // drawn smaller (never below 9 px) instead of running out of the card.
  function fitXTitle(plot, full) {
    var title = plot.querySelector(".g-xtitle text");
    var axis = full.xaxis;
    if (!title || !axis || !axis.title || !axis.title.font) return;
    var box = title.getBBox();
    var centre = box.x + box.width / 2;
    var room = 2 * Math.min(centre, full.width - centre) - 4;
    if (box.width <= room) return;
    var size = axis.title.font.size;
    var smaller = Math.max(9, Math.floor((size * room) / box.width));
    if (smaller < size) window.Plotly.relayout(plot, { "xaxis.title.font.size": smaller });
  }

  // Printed reports: each chart drawn at its card's width and a fixed height,
  // static (no toolbar, no hover), its legend above the plot so axis labels keep
  // the room below. The PDF page says so with <body data-print>; the browser's
  // Print sets body.print-doc for the time of printing (see printHandlers).
  var PRINT_HEIGHT = 270;
  var PRINT_FONT_SIZE = 11;
  var PRINT_CONFIG = { staticPlot: true, displayModeBar: false, responsive: false };

  function printing() {
    return document.body.hasAttribute("data-print") || document.body.classList.contains("print-doc");
  }

  function printLayout(plot, layout) {
    return {
      autosize: false,
      width: Math.floor(plot.clientWidth),
      height: PRINT_HEIGHT,
      legend: Object.assign({}, layout.legend || {}, { orientation: "h", x: 0, y: 1, yanchor: "bottom" }),
      margin: Object.assign({}, layout.margin || {}, { t: 28, r: 12 }),
      font: Object.assign({}, layout.font || {}, { size: PRINT_FONT_SIZE }),
    };
  }

  function printHandlers() {
    var saved = [];
    window.addEventListener("beforeprint", function () {
      if (document.body.hasAttribute("data-print")) return;
      document.body.classList.add("print-doc");
      saved = [];
      document.querySelectorAll(".plot[data-drawn]").forEach(function (plot) {
        saved.push({ plot: plot, layout: Object.assign({}, plot.layout) });
        window.Plotly.react(plot, plot.data, Object.assign({}, plot.layout, printLayout(plot, plot.layout)), PRINT_CONFIG);
      });
    });
    window.addEventListener("afterprint", function () {
      if (document.body.hasAttribute("data-print")) return;
      document.body.classList.remove("print-doc");
      saved.forEach(function (s) {
        var layout = Object.assign({}, s.layout, { autosize: true, width: null, height: s.layout.height });
        window.Plotly.react(s.plot, s.plot.data, layout, { responsive: true, displaylogo: false });
      });
      saved = [];
    });
  }

  function drawKpi(container, kpi) {
    var change = null;
    if (kpi.change) {
      var arrow = kpi.direction === "up" ? "▲ " : kpi.direction === "down" ? "▼ " : "";
      // The server names the periods compared (complete ones only) in the page's language.
      change = el("p", { class: "kpi-change " + kpi.direction, text: arrow + kpi.change + " " + kpi.compared });
    } else if (kpi.compared) {
      change = el("p", { class: "kpi-change none", text: kpi.compared });
    }
    var spark = kpi.sparkline ? el("div", { class: "spark", "aria-hidden": "true" }) : null;
    var card = el("article", { class: "kpi", "data-kpi": kpi.key }, [
      el("h3", { text: kpi.label }),
      el("p", { class: "kpi-value", text: kpi.value }),
      change,
      spark,
      kpi.note ? el("p", { class: "kpi-note", text: kpi.note }) : null,
      kpi.definition ? el("p", { class: "kpi-definition", text: kpi.definition }) : null,
    ]);
    container.appendChild(card);
    if (spark) {
      window.Plotly.newPlot(spark, kpi.sparkline.data, kpi.sparkline.layout, {
        staticPlot: true,
        responsive: true,
      }).then(function () {
        spark.setAttribute("data-drawn", "true");
      });
    }
  }

  function load(container) {
    var src = container.getAttribute("data-src");
    var qs = container.hasAttribute("data-static-query")
      ? container.getAttribute("data-static-query")
      : query();
    container.setAttribute("aria-busy", "true");
    return fetch(src + (qs ? "?" + qs : ""), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (body) {
          return { ok: r.ok, body: body };
        });
      })
      .then(function (res) {
        container.textContent = "";
        if (!res.ok) {
          var list = el("ul", {}, (res.body.errors || []).map(function (e) {
            return el("li", { text: e.message });
          }));
          container.appendChild(el("div", { class: "error-summary", role: "alert" }, [list]));
          return;
        }
        var body = res.body;
        (body.kpis || []).forEach(function (k) { drawKpi(container, k); });
        (body.charts || []).forEach(function (c) { drawChart(container, c, src, qs); });
        if (body.note) container.appendChild(el("p", { class: "panel-note", text: body.note }));
        container.setAttribute("data-loaded", "true");
      })
      .catch(function (err) {
        if (window.console) window.console.error(err);
        container.textContent = "";
        container.appendChild(el("p", { class: "error-summary", role: "alert", text: t.failed }));
      })
      .finally(function () {
        container.setAttribute("aria-busy", "false");
      });
  }

  function drawEmbedded() {
    // Reports carry their charts in the page: <script type="application/json" data-charts-for="id">.
    document.querySelectorAll("script[data-charts-for]").forEach(function (script) {
      var target = document.getElementById(script.getAttribute("data-charts-for"));
      if (!target) return;
      JSON.parse(script.textContent).forEach(function (c) {
        drawChart(target, c, target.getAttribute("data-csv") || null, "");
      });
      target.setAttribute("data-loaded", "true");
    });
  }

  function loadAll() {
    document.querySelectorAll("[data-panel]").forEach(function (c) {
      c.removeAttribute("data-loaded");
      load(c);
    });
  }

  function syncDates() {
    var dates = form && form.querySelector(".dates");
    var period = form && form.querySelector("[name=period]");
    if (dates && period) dates.hidden = period.value !== "custom";
  }

  function fromUrl() {
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    form.querySelectorAll("[name]").forEach(function (field) {
      var v = params.get(field.name);
      if (v === null) {
        if (field.hasAttribute("data-default")) field.value = field.getAttribute("data-default");
        else if (field.tagName === "SELECT") field.selectedIndex = 0;
        else field.value = "";
      } else {
        field.value = v;
      }
    });
    document.querySelectorAll("select[form=filters]").forEach(function (field) {
      var v = params.get(field.name);
      if (v !== null) field.value = v;
      else if (field.hasAttribute("data-default")) field.value = field.getAttribute("data-default");
      else field.selectedIndex = 0;
    });
    syncDates();
  }

  function queryWithOutside() {
    // Panel controls (break down by, cross-tab) belong to the form through form="filters".
    return query();
  }

  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
    });
    document.addEventListener("change", function (e) {
      var target = e.target;
      if (target.hasAttribute && target.hasAttribute("data-navigate")) {
        window.location.href = target.value + window.location.search;
        return;
      }
      if (!target.form || target.form !== form) return;
      syncDates();
      if (target.name === "period" && target.value === "custom") return;
      var qs = queryWithOutside();
      window.history.pushState({ qs: qs }, "", window.location.pathname + (qs ? "?" + qs : ""));
      loadAll();
    });
    window.addEventListener("popstate", function () {
      fromUrl();
      loadAll();
    });
  }

  function start() {
    if (!window.Plotly) {
      window.setTimeout(start, 30);
      return;
    }
    printHandlers();
    drawEmbedded();
    loadAll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

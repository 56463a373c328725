// Draws every chart container on the page from its JSON endpoint, in the page's light or dark theme,
// and wires the range form. No inline scripts: the server sends figures as JSON (CSP: script-src 'self').
(function () {
  "use strict";

  var scheme = window.matchMedia("(prefers-color-scheme: dark)");
  var plotted = [];
  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d"],
  };

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // Theme colours as dotted layout paths (what Plotly.relayout takes), for every axis in the layout.
  function themeUpdates(layout) {
    var fg = cssVar("--fg"), muted = cssVar("--muted"), line = cssVar("--line"), card = cssVar("--card");
    var updates = {
      "font.color": fg,
      "legend.font.color": fg,
      "hoverlabel.bgcolor": card,
      "hoverlabel.bordercolor": line,
      "hoverlabel.font.color": fg,
    };
    var axes = Object.keys(layout).filter(function (key) { return /^[xy]axis\d*$/.test(key); });
    ["xaxis", "yaxis"].forEach(function (key) { if (axes.indexOf(key) < 0) { axes.push(key); } });
    axes.forEach(function (axis) {
      updates[axis + ".gridcolor"] = line;
      updates[axis + ".linecolor"] = line;
      updates[axis + ".zerolinecolor"] = line;
      updates[axis + ".tickfont.color"] = muted;
      updates[axis + ".title.font.color"] = muted;
    });
    return updates;
  }

  function setPath(target, path, value) {
    var keys = path.split(".");
    var node = target;
    keys.slice(0, -1).forEach(function (key) {
      if (typeof node[key] !== "object" || node[key] === null) { node[key] = {}; }
      node = node[key];
    });
    node[keys[keys.length - 1]] = value;
  }

  function themed(layout) {
    var updates = themeUpdates(layout);
    Object.keys(updates).forEach(function (path) { setPath(layout, path, updates[path]); });
    return layout;
  }

  // Dense series arrive as WebGL traces. plotly.js compiles its WebGL shaders with Function(), which a
  // Content-Security-Policy without 'unsafe-eval' forbids, so the page says whether WebGL may be used
  // (data-webgl on <body>); otherwise, or without WebGL, they are drawn as SVG, which the server's
  // 5,000-point budget keeps fast enough.
  var webgl = (function () {
    if (document.body.getAttribute("data-webgl") !== "on") { return false; }
    try {
      var canvas = document.createElement("canvas");
      return !!(window.WebGLRenderingContext && (canvas.getContext("webgl") || canvas.getContext("experimental-webgl")));
    } catch (error) {
      return false;
    }
  })();

  function drawable(data) {
    if (!webgl) {
      data.forEach(function (trace) { if (trace.type === "scattergl") { trace.type = "scatter"; } });
    }
    return data;
  }

  function showMessage(element, text, kind) {
    element.textContent = "";
    var message = document.createElement("p");
    message.className = "chart-status" + (kind ? " " + kind : "");
    message.textContent = text;
    element.appendChild(message);
  }

  function draw(element) {
    var src = element.getAttribute("data-chart-src");
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return { error: "The chart could not be loaded." }; });
      })
      .then(function (body) {
        if (body.figure) {
          element.textContent = "";
          var layout = themed(body.figure.layout || {});
          return window.Plotly.newPlot(element, drawable(body.figure.data), layout, CONFIG).then(function () {
            plotted.push(element);
            element.classList.add("drawn");
          });
        }
        showMessage(element, body.empty || body.error || "Nothing to show.", body.error ? "error" : "");
      })
      .catch(function () { showMessage(element, "The chart could not be loaded.", "error"); });
  }

  function retheme() {
    plotted.forEach(function (element) {
      window.Plotly.relayout(element, themeUpdates(element.layout || {}));
    });
  }

  function wireRangeForm(form) {
    var select = form.querySelector("[data-range-select]");
    if (!select) { return; }
    form.querySelectorAll("[data-range-date]").forEach(function (input) {
      input.addEventListener("change", function () { select.value = "custom"; });
    });
    select.addEventListener("change", function () {
      if (select.value !== "custom") { form.submit(); }
    });
    form.addEventListener("submit", function () {
      if (select.value !== "custom") {
        form.querySelectorAll("[data-range-date]").forEach(function (input) { input.disabled = true; });
      }
    });
  }

  function start() {
    document.querySelectorAll("form.range").forEach(wireRangeForm);
    var charts = document.querySelectorAll(".chart[data-chart-src]");
    if (!window.Plotly) {
      charts.forEach(function (element) { showMessage(element, "The chart library did not load.", "error"); });
      return;
    }
    charts.forEach(draw);
    if (scheme.addEventListener) { scheme.addEventListener("change", retheme); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* Dashboards: draws the charts with the vendored Chart.js and shows a map's details on hover and focus.
   Data comes from <script type="application/json"> blocks; every figure is also in a table on the page. */
(function () {
  "use strict";

  var language = document.documentElement.lang || "bg";
  var locale = language.indexOf("bg") === 0 ? "bg-BG" : language;
  /* Numbers as the tables write them (static/js/formatting.js): "4 000", "1 234,6". */
  var numberFormat = window.egovFormat
    ? { format: function (value) { return window.egovFormat.number(value); } }
    : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  var PALETTE = ["#00477f", "#c2410c", "#00704f", "#7b2d8e", "#a16207", "#0e7490", "#9f1239", "#4a5560"];

  function drawChart(figure) {
    var script = document.getElementById(figure.dataset.chart);
    var canvas = figure.querySelector("canvas");
    if (!window.Chart || !canvas || !script) { return; }
    var data = JSON.parse(script.textContent);
    /* Month labels ("яну 2018") come from the server, the same as in the table twin: Chromium's
       ICU abbreviates Bulgarian months as "01", so Intl is used for the numbers only. */
    var labels = data.labels;
    var line = data.kind === "line";
    var datasets = data.series.map(function (series, index) {
      var colour = PALETTE[index % PALETTE.length];
      return {
        label: series.label,
        data: series.values,
        borderColor: colour,
        backgroundColor: line ? colour : colour + "cc",
        borderWidth: line ? 2 : 1,
        pointRadius: line && data.x.length > 24 ? 0 : 2,
        borderDash: line && index % 2 === 1 ? [6, 4] : [],
        tension: 0,
        spanGaps: false
      };
    });
    var valueAxis = {
      beginAtZero: true,
      stacked: data.stacked,
      title: { display: !!data.yTitle, text: data.yTitle },
      ticks: { precision: 0, callback: function (value) { return numberFormat.format(value); } }
    };
    var labelAxis = {
      stacked: data.stacked,
      title: { display: !!data.xTitle, text: data.xTitle },
      ticks: { autoSkip: true, maxRotation: 0 }
    };
    new window.Chart(canvas, {
      type: data.kind,
      data: { labels: labels, datasets: datasets },
      options: {
        locale: locale,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: data.horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        scales: data.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { display: data.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = data.horizontal ? context.parsed.x : context.parsed.y;
                return context.dataset.label + ": " + (value === null ? "–" : numberFormat.format(value));
              }
            }
          }
        }
      }
    });
  }

  /* The map's shapes come as a file of their own (cached by the browser per data version): drawn in
     place of the <object> that shows them without JavaScript, so they take the page's styles and events. */
  function drawMap(figure) {
    var holder = figure.querySelector("object[data-map-src]");
    if (!holder) { wireMap(figure); wireZoom(figure); return; }
    fetch(holder.dataset.mapSrc, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + holder.dataset.mapSrc); }
        return response.text();
      })
      .then(function (text) {
        /* The stylesheet instruction is for the file opened on its own; parsed here it would be applied as
           an inline style, which the page's Content Security Policy refuses. The page's styles apply. */
        text = text.replace(/<\?xml-stylesheet[^>]*\?>/, "");
        var svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        if (svg.nodeName !== "svg") { throw new Error("not an SVG: " + holder.dataset.mapSrc); }
        svg = document.importNode(svg, true);
        svg.removeAttribute("aria-label");
        svg.setAttribute("aria-labelledby", holder.getAttribute("aria-labelledby"));
        svg.querySelectorAll("a[target]").forEach(function (link) { link.removeAttribute("target"); });
        holder.replaceWith(svg);
        wireMap(figure);
        wireZoom(figure);
        figure.setAttribute("data-map-drawn", "true");
      })
      .catch(function () { figure.setAttribute("data-map-drawn", "failed"); });
  }

  /* The map: the details box repeats the hovered or focused municipality's <title>. */
  function wireMap(figure) {
    var box = figure.querySelector(".map-details");
    var svg = figure.querySelector("svg.boundary-map");
    if (!box || !svg) { return; }
    var idle = box.textContent;
    function show(event) {
      var link = event.target.closest ? event.target.closest("a") : null;
      if (!link || !figure.contains(link)) { return; }
      box.textContent = link.dataset.details || link.getAttribute("aria-label");
      box.classList.add("active");
    }
    function hide() { box.textContent = idle; box.classList.remove("active"); }
    svg.addEventListener("focusin", show);
    svg.addEventListener("mouseover", show);
    svg.addEventListener("focusout", hide);
    svg.addEventListener("mouseleave", hide);
  }

  /* The map's "zoom to a province" picker (phones above all): the SVG's viewBox becomes the
     province's municipalities' bounding box; "All of Bulgaria" restores the whole country. */
  function wireZoom(figure) {
    var picker = figure.querySelector("select[data-map-zoom]");
    var svg = figure.querySelector("svg.boundary-map");
    if (!picker || !svg) { return; }
    var whole = svg.getAttribute("viewBox");
    picker.closest(".map-zoom").hidden = false;
    picker.addEventListener("change", function () {
      var code = picker.value;
      if (!code) { svg.setAttribute("viewBox", whole); return; }
      var box = null;
      svg.querySelectorAll('path[data-code^="' + code + '"]').forEach(function (path) {
        var b = path.getBBox();
        if (!box) { box = { x1: b.x, y1: b.y, x2: b.x + b.width, y2: b.y + b.height }; return; }
        box.x1 = Math.min(box.x1, b.x); box.y1 = Math.min(box.y1, b.y);
        box.x2 = Math.max(box.x2, b.x + b.width); box.y2 = Math.max(box.y2, b.y + b.height);
      });
      if (!box) { return; }
      var pad = Math.max(box.x2 - box.x1, box.y2 - box.y1) * 0.08;
      svg.setAttribute("viewBox", [box.x1 - pad, box.y1 - pad, box.x2 - box.x1 + 2 * pad, box.y2 - box.y1 + 2 * pad].join(" "));
    });
  }

  /* A section that loads its content after the page (a municipality's usage): the link inside
     stays for browsers without JavaScript. */
  function loadFragment(section) {
    fetch(section.dataset.fragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + section.dataset.fragment); }
        return response.text();
      })
      .then(function (html) {
        var fallback = section.querySelector(".fragment-fallback");
        if (fallback) { fallback.remove(); }
        section.insertAdjacentHTML("beforeend", html);
        section.querySelectorAll("figure[data-chart]").forEach(drawChart);
        section.setAttribute("data-loaded", "true");
      })
      .catch(function () { section.setAttribute("data-loaded", "failed"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure[data-chart]").forEach(drawChart);
    document.querySelectorAll("figure.national-map").forEach(drawMap);
    document.querySelectorAll("[data-fragment]").forEach(loadFragment);
  });
})();

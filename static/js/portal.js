/* Every page: the collapsing menu on narrow screens, "select all" boxes and the "Print / PDF" button.
   No framework and no inline script (the Content-Security-Policy allows only these static files).
   Without JavaScript the menu is simply always open and the print button stays hidden. */
(function () {
  "use strict";

  function wireMenu() {
    var header = document.querySelector(".site-header");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) { return; }
    header.classList.add("has-menu-toggle");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        header.classList.remove("menu-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  /* <input type="checkbox" data-select-all="ids"> ticks every box named "ids" on the page. */
  function wireSelectAll(box) {
    var name = box.dataset.selectAll;
    function boxes() { return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]'); }
    box.addEventListener("change", function () {
      boxes().forEach(function (item) { item.checked = box.checked; });
    });
    document.addEventListener("change", function (event) {
      if (event.target.name !== name) { return; }
      var all = Array.prototype.every.call(boxes(), function (item) { return item.checked; });
      box.checked = all;
    });
  }

  function wirePrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  /* On paper every table twin is open; afterwards they close again as they were. */
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });

  document.addEventListener("DOMContentLoaded", function () {
    wireMenu();
    document.querySelectorAll("input[data-select-all]").forEach(wireSelectAll);
    document.querySelectorAll("button[data-print]").forEach(wirePrint);
  });
})();

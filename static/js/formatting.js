/* The browser's half of the formatting layer (core/formatting.py is the server's): numbers with the
   page language's grouping and decimal mark, rounded half-up. Intl is not used for Bulgarian because
   Chromium's ICU leaves four-digit numbers ungrouped ("4000"), while the tables show "4 000". */
(function () {
  "use strict";

  var bulgarian = (document.documentElement.lang || "bg").indexOf("bg") === 0;
  var GROUP = bulgarian ? "\u00a0" : ",";
  var DECIMAL = bulgarian ? "," : ".";

  function roundHalfUp(value, decimals) {
    var factor = Math.pow(10, decimals);
    var scaled = Math.abs(value) * factor;
    var rounded = Math.floor(scaled + 0.5 + 1e-9) / factor;
    return value < 0 ? -rounded : rounded;
  }

  /* number(1234.56) -> "1 234,56"; number(1234.56, 1) -> "1 234,6"; integers get no decimals. */
  function number(value, decimals) {
    if (value === null || value === undefined || value === "" || isNaN(value)) { return "–"; }
    if (decimals === undefined) { decimals = Number.isInteger(value) ? 0 : 1; }
    var text = roundHalfUp(Number(value), decimals).toFixed(decimals);
    var negative = text.charAt(0) === "-";
    if (negative) { text = text.slice(1); }
    var parts = text.split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
    var result = parts.length > 1 ? whole + DECIMAL + parts[1] : whole;
    return (negative ? "\u2212" : "") + result;
  }

  window.egovFormat = { number: number, roundHalfUp: roundHalfUp };
})();

"""What a person sees on a page, measured the same way by every browser test: sideways scrolling and
internal codes in the visible text."""

from __future__ import annotations

import re

from adoption.choices import Verification
from adoption.models import Service, Stage
from usage.choices import Door, Kind, Status

# How far the page itself scrolls sideways (a wide table scrolling in its own container does not count).
PAGE_OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def raw_codes() -> re.Pattern:
    """Every internal code a person must never read: stages, services, kinds, statuses, doors."""
    codes = set(Stage.objects.values_list("code", flat=True)) | set(Service.objects.values_list("code", flat=True))
    codes |= set(Kind.values) | set(Status.values) | set(Verification.values) | set(Door.values)
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")(?![\w-])")


# Tables as a person reads them: one that scrolls sideways in its box keeps its header and first column
# in view; a short word (a file name, a date, a code-like name) never breaks across lines in a cell.
TABLE_PROBLEMS = """() => {
  const problems = [];
  const name = (table) => table.id || table.caption?.innerText.trim()
    || table.closest("[aria-label]")?.getAttribute("aria-label") || table.className || "table";
  const scrollsSideways = (box) => box.scrollWidth > box.clientWidth + 1
    && ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
  for (const table of document.querySelectorAll("main table")) {
    if (!table.getClientRects().length) continue;
    let box = table.parentElement;
    while (box && box !== document.body && !scrollsSideways(box)) box = box.parentElement;
    if (box && box !== document.body) {
      const head = table.querySelector("thead th");
      const first = table.querySelector("tbody tr > :first-child");
      if (head && getComputedStyle(head).position !== "sticky")
        problems.push(`${name(table)}: scrolls sideways in its box, but its header does not stay in view`);
      if (first && getComputedStyle(first).position !== "sticky")
        problems.push(`${name(table)}: scrolls sideways in its box, but its first column does not stay in view`);
    }
    for (const cell of table.querySelectorAll("th, td")) {
      const text = cell.innerText.trim();
      if (!text || /\\s/.test(text) || text.length > 40) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
      const lineHeight = parseFloat(getComputedStyle(cell).lineHeight) || 20;
      if (tops.length && Math.max(...tops) - Math.min(...tops) > lineHeight / 2)
        problems.push(`${name(table)}: "${text}" breaks across lines (a squeezed column)`);
    }
  }
  return [...new Set(problems)];
}"""

# Counts the page's own requests (fetch, XMLHttpRequest) until their bodies are read and handled, so a
# test can wait for fragments, maps and panels to be drawn without sleeping (`SETTLED` below).
TRACK_REQUESTS = """(() => {
  let pending = 0;
  const done = () => setTimeout(() => { pending -= 1; }, 0);
  Object.defineProperty(window, "__egovPending", { get: () => pending });
  const track = (promise) => { pending += 1; return promise.finally(done); };
  const fetch = window.fetch;
  window.fetch = function () { return track(fetch.apply(this, arguments)); };
  for (const name of ["text", "json", "blob", "arrayBuffer"]) {
    const read = Response.prototype[name];
    Response.prototype[name] = function () { return track(read.call(this)); };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    pending += 1;
    this.addEventListener("loadend", done);
    return send.apply(this, arguments);
  };
})();"""
SETTLED = "() => document.readyState === 'complete' && window.__egovPending === 0"

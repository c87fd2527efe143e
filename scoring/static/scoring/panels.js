/* The scoring panels of the overview and a municipality's page load after the page has drawn
   (their figures take a few queries the host pages should not wait for); the link inside stays
   for browsers without JavaScript. */
(function () {
  "use strict";

  function load(section) {
    fetch(section.dataset.scoringFragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + section.dataset.scoringFragment); }
        return response.text();
      })
      .then(function (html) {
        var fallback = section.querySelector(".fragment-fallback");
        if (fallback) { fallback.remove(); }
        section.insertAdjacentHTML("beforeend", html);
        section.setAttribute("data-loaded", "true");
      })
      .catch(function () { section.setAttribute("data-loaded", "failed"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scoring-fragment]").forEach(load);
  });
})();

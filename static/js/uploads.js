/* Usage files: the upload sends the file in the background with a progress bar, then opens the batch;
   the batch page asks the small JSON status endpoint until the import ends, then shows the result.
   Without JavaScript the form posts normally and the batch page shows a "reload" state. */
(function () {
  "use strict";

  function wireUpload(form) {
    var feedback = form.querySelector(".upload-feedback");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector('button[type="submit"]');
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !form.checkValidity()) { return; }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) { bar.value = Math.round(progress.loaded * 100 / progress.total); }
      });
      request.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = {}; }
        if (request.status === 201 && answer.url) {
          bar.value = 100;
          status.textContent = status.dataset.done;
          window.location.assign(answer.url);
          return;
        }
        button.disabled = false;
        status.textContent = status.dataset.failed + " " + ((answer.errors || []).join(" ") || request.status);
        status.classList.add("field-errors");
      });
      request.addEventListener("error", function () {
        button.disabled = false;
        status.textContent = status.dataset.failed + " " + request.status;
      });
      feedback.hidden = false;
      status.textContent = "";
      status.classList.remove("field-errors");
      bar.value = 0;
      button.disabled = true;
      request.send(new FormData(form));
    });
  }

  function follow(section) {
    var url = section.dataset.poll;
    var figures = section.querySelector(".poll-figures");
    var delay = 1000;
    function ask() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (batch) {
          if (batch.finished) { window.location.reload(); return; }
          if (figures) { figures.textContent = "(" + batch.rows_read + " " + figures.dataset.rowsLabel + ")"; }
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(ask, delay);
        })
        .catch(function () { window.setTimeout(ask, 5000); });
    }
    window.setTimeout(ask, delay);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload]").forEach(wireUpload);
    document.querySelectorAll("[data-poll]").forEach(follow);
  });
})();

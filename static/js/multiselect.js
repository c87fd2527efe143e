/* Long option lists (265 municipalities, 234 query types) become searchable multi-selects with the
   vendored Tom Select: type to filter, arrows and Enter to pick, Backspace to remove. The <select>
   stays the form's field, so the query string, the API and the exports see exactly the same values.
   Single selects with many options (data-searchable) get the same search. */
(function () {
  "use strict";

  var LONG_LIST = 12;

  function enhance(select) {
    if (select.tomselect || select.options.length < LONG_LIST && !select.hasAttribute("data-searchable")) { return; }
    var body = document.body.dataset;
    /* Tom Select moves the <label> to its own input; the original (kept for the form) keeps a name. */
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) { select.setAttribute("aria-label", label.textContent.trim()); }
    var multiple = select.multiple;
    new window.TomSelect(select, {
      plugins: multiple ? ["remove_button"] : [],
      maxOptions: null,
      hidePlaceholder: true,
      closeAfterSelect: !multiple,
      placeholder: multiple ? body.selectPlaceholder : undefined,
      render: {
        no_results: function () {
          var note = document.createElement("div");
          note.className = "no-results";
          note.textContent = body.selectNoResults || "–";
          return note;
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.TomSelect) { return; }
    document.querySelectorAll(".filter-form select[multiple], select[data-searchable]").forEach(enhance);
  });
})();

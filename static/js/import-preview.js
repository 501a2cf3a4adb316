// The import preview (templates/fdi_portal/import.html): 「Show changes only」 hides the rows
// the import would leave unchanged. A switch with data-changes-only="#table" toggles the
// class changes-only on that table (static/css/portal.css hides tr.preview-unchanged in it).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const toggle = event.target.closest("[data-changes-only]");
    if (!toggle) return;
    const table = document.querySelector(toggle.dataset.changesOnly);
    if (table) table.classList.toggle("changes-only", toggle.checked);
  });
})();

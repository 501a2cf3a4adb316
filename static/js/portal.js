// Small behaviours every page may use, declared in the templates with data attributes instead
// of inline on…="" handlers, which the Content-Security-Policy forbids (settings.py, "CSP"):
//   <select data-autosubmit>          submits its form when the choice changes
//   <button data-print>               prints the page
//   <button data-busy-label="…">      on submitting its form, is disabled and shows the label
//   <form class="cell-form">          a click inside does not reach the grid cell behind it
//   <td role="button" tabindex="0">    Enter (or Space) on it clicks it, as on a real button
//                                      (htmx's keyup[key=='Enter'] filter needs eval: forbidden)
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.matches("[role=button]:not(button)")) {
      event.preventDefault();
      target.click();
    }
  });

  document.addEventListener("submit", function (event) {
    // Runs after the form's own submit handlers; a submission they cancelled stays enabled.
    if (event.defaultPrevented) return;
    event.target.querySelectorAll("button[data-busy-label]").forEach(function (button) {
      // Disabled after the browser has taken the form's data, so its value still goes along.
      setTimeout(function () {
        button.disabled = true;
        button.textContent = button.dataset.busyLabel;
      });
    });
  });

  // The in-place editor of a figure sits inside a clickable grid cell: a click in the form
  // must not open the cell's editor again. htmx.onLoad also runs for every swapped fragment.
  function stopClicksInCellForms(root) {
    const forms = root.matches && root.matches(".cell-form") ? [root] : [];
    root.querySelectorAll && root.querySelectorAll(".cell-form").forEach((form) => forms.push(form));
    forms.forEach(function (form) {
      if (form.dataset.clicksStopped) return;
      form.dataset.clicksStopped = "1";
      form.addEventListener("click", (event) => event.stopPropagation());
    });
  }
  if (window.htmx) {
    htmx.onLoad(stopClicksInCellForms);
  } else {
    stopClicksInCellForms(document);
  }
})();

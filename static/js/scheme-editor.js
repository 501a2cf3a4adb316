// Scoring-scheme editor: show only the chosen method's parameters in each row, keep the
// total weight up to date, and add rows from the blank-row template. Without this script
// every parameter group stays visible and the server reads only the chosen method's values.
(function () {
  const form = document.getElementById("scheme-editor");
  if (!form) return;
  const rows = document.getElementById("scheme-rows");
  const template = document.getElementById("scheme-row-template");
  const totalForms = form.querySelector('input[name$="-TOTAL_FORMS"]');
  const totalWeight = document.getElementById("scheme-total-weight");
  const addButton = document.getElementById("scheme-add-row");

  function showMethod(row) {
    const select = row.querySelector("[data-scheme-method]");
    row.querySelectorAll(".scheme-params").forEach((group) => {
      group.classList.toggle("d-none", group.dataset.method !== select.value);
    });
  }

  function updateTotal() {
    let total = 0;
    rows.querySelectorAll(".scheme-row").forEach((row) => {
      const removed = row.querySelector("[data-scheme-delete]");
      const weight = parseFloat(row.querySelector("[data-scheme-weight]").value);
      row.classList.toggle("opacity-50", removed.checked);
      if (!removed.checked && !Number.isNaN(weight)) total += weight;
    });
    totalWeight.textContent = String(Math.round(total * 100) / 100);
  }

  rows.querySelectorAll(".scheme-row").forEach(showMethod);
  form.addEventListener("change", (event) => {
    const row = event.target.closest(".scheme-row");
    if (row && event.target.matches("[data-scheme-method]")) showMethod(row);
    updateTotal();
  });
  form.addEventListener("input", updateTotal);

  if (template && totalForms) {
    addButton.classList.remove("d-none");
    addButton.addEventListener("click", () => {
      const index = Number(totalForms.value);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      const row = rows.lastElementChild;
      row.querySelector(".scheme-row-number").textContent = String(index + 1);
      totalForms.value = String(index + 1);
      showMethod(row);
      updateTotal();
    });
  }
})();

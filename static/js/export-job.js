// The progress page of a background export (templates/projects/export_job.html): polls the
// job's status (JSON, projects.views.export_job_status) every second and moves the bar, the
// count and the message; when the file is written, shows the download button; when the job
// failed, the error. The bar's width is set here, through the style property: the
// Content-Security-Policy forbids style="" in the page.
(function () {
  "use strict";
  const box = document.querySelector("[data-export-job]");
  if (!box) return;
  const bar = box.querySelector("[data-export-bar]");
  const progress = box.querySelector("[data-export-progress]");
  const message = box.querySelector("[data-export-message]");
  const count = box.querySelector("[data-export-count]");
  const error = box.querySelector("[data-export-error]");
  const download = box.querySelector("[data-export-download]");
  const hint = box.querySelector("[data-export-hint]");
  const OVER = ["finished", "failed", "expired"];

  function show(status) {
    const percent = Math.max(0, Math.min(100, Number(status.percent) || 0));
    bar.style.width = percent + "%";
    progress.setAttribute("aria-valuenow", String(percent));
    const failed = status.state === "failed" || status.state === "expired";
    // A failure is said once, in the red box below the bar.
    if (status.message) message.textContent = failed ? "" : status.message;
    if (status.count) count.textContent = status.count;
    box.dataset.state = status.state;
    const running = !OVER.includes(status.state);
    bar.classList.toggle("progress-bar-striped", running);
    bar.classList.toggle("progress-bar-animated", running);
    hint.classList.toggle("d-none", !running);
    bar.classList.toggle("bg-success", status.state === "finished");
    bar.classList.toggle("bg-danger", failed);
    if (status.file_url) {
      download.href = status.file_url;
      download.classList.remove("d-none");
    }
    if (failed && status.message) {
      error.textContent = status.message;
      error.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        // The job is gone (expired from the queue): the page itself then says so.
        if (response.status === 404) {
          window.location.reload();
          return null;
        }
        return response.json();
      })
      .then((status) => {
        if (!status) return;
        show(status);
        if (!OVER.includes(status.state)) setTimeout(poll, 1000);
      })
      // A network hiccup: try again a little later.
      .catch(() => setTimeout(poll, 3000));
  }

  show({ state: box.dataset.state, percent: box.dataset.percent });
  if (!OVER.includes(box.dataset.state)) setTimeout(poll, 1000);
})();

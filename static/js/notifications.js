// The bell's unread count, fetched after the page has loaded: rendering a page costs no
// query for it (every page's query budget stays what it was).
(function () {
  "use strict";
  const bell = document.querySelector("[data-unread-url]");
  if (!bell) return;
  const badge = bell.querySelector("[data-testid='unread-count']");
  fetch(bell.dataset.unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data || !data.unread) return;
      badge.textContent = String(data.unread);
      badge.classList.remove("d-none");
      bell.setAttribute("aria-label", bell.title + " (" + data.unread + ")");
    })
    .catch(() => {});
})();

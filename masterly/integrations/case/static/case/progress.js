// While an import runs, poll its progress and reload the page when it has finished.
// Without JavaScript the page says to reload it; nothing else depends on this.
"use strict";
(function () {
  const box = document.getElementById("import-run");
  if (!box || box.dataset.finished === "true") return;
  const bar = box.querySelector("progress");
  const phase = box.querySelector("[data-phase]");
  const status = box.querySelector("[data-status]");
  async function poll() {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.finished) { window.location.reload(); return; }
        if (bar && typeof data.percent === "number") { bar.value = data.percent; bar.textContent = data.percent + " %"; }
        if (phase && data.phase) phase.textContent = data.phase;
        if (status && data.status_label) status.textContent = data.status_label;
      }
    } catch (error) { /* a missed poll is retried */ }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();

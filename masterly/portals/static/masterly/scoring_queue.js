// The scoring queue's keyboard: ↓/↑ between answers, number keys on a rubric. The page works
// without it (each answer is its own form; Enter sends it).
"use strict";

const queue = document.querySelector("[data-scoring-queue]");
if (queue) {
  const entries = [...queue.querySelectorAll("form[data-queue-entry]")];
  const firstControl = (form) => form.querySelector("[data-queue-points], input[type=radio]");
  const move = (form, step) => {
    const next = entries[entries.indexOf(form) + step];
    const control = next && firstControl(next);
    if (control) {
      control.focus();
      next.scrollIntoView({ block: "nearest" });
    }
  };
  queue.addEventListener("keydown", (event) => {
    const form = event.target.closest("form[data-queue-entry]");
    if (!form || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.matches("[data-queue-points]")) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        move(form, event.key === "ArrowDown" ? 1 : -1);
      }
      return;
    }
    if (!event.target.matches("input[type=radio]")) return;
    const row = event.target.closest("[data-rubric-row]");
    if (/^[0-9]$/.test(event.key)) {
      // The level worth that many points on this criterion; then on to the next criterion.
      const level = [...row.querySelectorAll("input[type=radio]")].find(
        (radio) => radio.dataset.points === event.key,
      );
      if (level) {
        event.preventDefault();
        level.checked = true;
        const rows = [...form.querySelectorAll("[data-rubric-row]")];
        const after = rows[rows.indexOf(row) + 1];
        (after ? after.querySelector("input[type=radio]") : form.querySelector("button[type=submit]")).focus();
      }
    } else if (event.key === "n" || event.key === "p") {
      event.preventDefault();
      move(form, event.key === "n" ? 1 : -1);
    }
  });
}

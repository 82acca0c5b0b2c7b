// The tracker pages' small enhancements; every page works without them.
"use strict";

// Print buttons only exist where printing from a script can work.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// A form with data-confirm asks before it is sent (removing a collaborator, say).
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

// "Select the whole unit": a checkbox data-check-all="G" checks every data-check-group="G".
for (const all of document.querySelectorAll("input[data-check-all]")) {
  const members = [...document.querySelectorAll(`input[data-check-group="${all.dataset.checkAll}"]`)];
  const reflect = () => {
    const checked = members.filter((box) => box.checked).length;
    all.checked = checked === members.length;
    all.indeterminate = checked > 0 && checked < members.length;
  };
  all.addEventListener("change", () => { members.forEach((box) => { box.checked = all.checked; }); });
  members.forEach((box) => box.addEventListener("change", reflect));
  reflect();
}

// Quick score entry: each cell saves when it is left, and the level beside it recolours.
const entry = document.querySelector("form.score-entry");
if (entry) {
  const url = entry.dataset.scoreUrl;
  const token = entry.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = document.getElementById("entry-status");
  const inputs = [...entry.querySelectorAll("input.score-input:not([readonly])")];
  const columns = new Map();
  for (const input of inputs) {
    const column = input.dataset.column;
    if (!columns.has(column)) columns.set(column, []);
    columns.get(column).push(input);
  }
  const move = (input, step) => {
    const column = columns.get(input.dataset.column);
    const next = column[column.indexOf(input) + step];
    if (next) { next.focus(); next.select(); }
  };
  const showError = (input, message) => {
    const cell = input.closest("td");
    const error = cell.querySelector(".cell-error");
    error.textContent = message;
    cell.classList.toggle("has-error", Boolean(message));
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  };
  const showLevel = (input, data) => {
    const level = input.closest("td").nextElementSibling;
    const chip = level.querySelector("[data-level]");
    chip.textContent = data.level;
    // Colours are classes (lc-RRGGBB) from the page's level stylesheet, never style attributes.
    for (const name of [...chip.classList]) if (name.startsWith("lc-")) chip.classList.remove(name);
    chip.classList.add(data.colour_class);
    chip.title = data.score ? `${data.level_name} · ${data.score}` : data.level_name;
    level.querySelector("[data-level-text]").textContent = ` ${data.level_name}${data.score ? ", " + data.score : ""}`;
  };
  const save = async (input) => {
    const cell = input.closest("td");
    const version = cell.querySelector("[data-version]");
    const shown = cell.querySelector("[data-shown]");
    if (input.value.trim() === shown.value.trim()) { showError(input, ""); return; }
    const body = new FormData();
    body.append("student", input.dataset.student);
    body.append("standard", input.dataset.standard);
    body.append("points", input.value);
    body.append("version", version.value);
    cell.classList.add("is-saving");
    let data;
    let response;
    try {
      response = await fetch(url, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" },
      });
      data = await response.json();
    } catch (error) {
      cell.classList.remove("is-saving");
      showError(input, "Not saved: the connection failed. Check it, then leave the cell again.");
      return;
    }
    cell.classList.remove("is-saving");
    if (response.status === 409) {
      // Someone else saved first: show their value; nothing of ours was written.
      input.value = data.points;
      version.value = data.version;
      shown.value = data.points;
      showLevel(input, data);
      showError(input, data.error);
      status.textContent = data.error;
      return;
    }
    if (!data.ok) { showError(input, data.error); status.textContent = data.error; return; }
    input.value = data.points;
    version.value = data.version;
    shown.value = data.points;
    showError(input, "");
    showLevel(input, data);
    cell.classList.add("is-saved");
    window.setTimeout(() => cell.classList.remove("is-saved"), 1200);
    status.textContent = `Saved. ${data.level_name}${data.score ? ", " + data.score : ""}.`;
  };
  // One save at a time, in the order the cells were left.
  let saving = Promise.resolve();
  for (const input of inputs) {
    input.addEventListener("focus", () => { input.dataset.before = input.value; });
    input.addEventListener("change", () => { saving = saving.then(() => save(input)); });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        move(input, 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(input, -1);
      } else if (event.key === "Escape") {
        input.value = input.dataset.before ?? input.value;
        showError(input, "");
      }
    });
  }
}

// A paper test's score sheet: Enter or ↓ goes down the column, ↑ up; the form saves as a whole.
for (const sheet of document.querySelectorAll("form[data-column-entry]")) {
  const columns = new Map();
  for (const input of sheet.querySelectorAll("input[data-column]:not([readonly])")) {
    if (!columns.has(input.dataset.column)) columns.set(input.dataset.column, []);
    columns.get(input.dataset.column).push(input);
    input.addEventListener("keydown", (event) => {
      const step = { Enter: 1, ArrowDown: 1, ArrowUp: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      const column = columns.get(input.dataset.column);
      const next = column[column.indexOf(input) + step];
      if (next) { next.focus(); next.select(); }
    });
  }
}

// A recompute in progress (the grid's banner): its bar moves, and the page reloads when the
// recompute starts or ends, so the levels shown are the new ones. Without a script the banner
// links to the progress page, which refreshes itself.
const recompute = document.querySelector("[data-recompute-url]");
if (recompute) {
  const bar = recompute.querySelector("progress");
  const percent = recompute.querySelector("[data-recompute-percent]");
  const poll = async () => {
    try {
      const response = await fetch(recompute.dataset.recomputeUrl, {
        credentials: "same-origin", headers: { "Accept": "application/json" },
      });
      if (response.ok) {
        const data = await response.json();
        if (data.is_finished || data.status !== recompute.dataset.recomputeStatus) {
          window.location.reload();
          return;
        }
        bar.value = data.percent;
        if (percent) percent.textContent = `${data.percent} %`;
      }
    } catch (error) {
      // The connection failed: try again at the next turn.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}

// A policy being applied (the policy page): its bar and status move in place, so the form
// beside them keeps what is being typed. Without a script the page offers a link to reload.
const policyRun = document.querySelector("[data-policy-run-url]");
if (policyRun) {
  const bar = policyRun.querySelector("progress");
  const status = policyRun.querySelector("[data-policy-run-status]");
  const note = policyRun.querySelector("[data-policy-run-note]");
  const poll = async () => {
    try {
      const response = await fetch(policyRun.dataset.policyRunUrl, {
        credentials: "same-origin", headers: { "Accept": "application/json" },
      });
      if (response.ok) {
        const data = await response.json();
        bar.value = data.percent;
        status.textContent = data.text;
        if (data.is_finished) {
          if (note) note.hidden = true;
          return;
        }
      }
    } catch (error) {
      // The connection failed: try again at the next turn.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}

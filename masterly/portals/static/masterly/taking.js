// Taking an assessment: every answer is saved on the server as it is given. Without this
// script the page is a plain form (Save / Next / Review) and still works.
//
// Answers wait in localStorage (keyed by the attempt) until the server has them, so a lost
// connection loses nothing: they are sent again when it returns, and a reload applies them
// first. Each answer carries when it was given on the server's clock; the server keeps the
// latest per item, and every save's reply carries the server's state, from which an item
// changed on another device is redrawn (with a notice).
"use strict";

(() => {
  // The review page: a double click submits once (the server is idempotent anyway).
  for (const button of document.querySelectorAll("button[data-submit-once]")) {
    button.form.addEventListener("submit", () => {
      setTimeout(() => { button.disabled = true; }, 0);
    });
  }

  const root = document.querySelector("[data-taking]");
  if (!root) return;
  const form = document.getElementById("taking-form");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = root.querySelector("[data-save-status]");
  const notice = root.querySelector("[data-notice]");
  const countdown = root.querySelector("[data-countdown]");
  const onePerScreen = root.dataset.onePerScreen === "1";
  const offset = Number(root.dataset.serverNow) - Date.now(); // server clock − this clock
  const serverNow = () => Date.now() + offset;
  const storeKey = `masterly-take:${root.dataset.attempt}`;
  const items = [...root.querySelectorAll("[data-item]")];
  const byId = new Map(items.map((section) => [section.dataset.item, section]));
  const msg = (name, values = {}) =>
    root.dataset[name].replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));

  // ---------------------------------------------------------------- the queue
  const load = () => {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch { return {}; }
  };
  let queue = load();
  const persist = () => {
    try { localStorage.setItem(storeKey, JSON.stringify(queue)); } catch { /* private mode */ }
  };
  const late = new Set();

  const showStatus = () => {
    const waiting = Object.keys(queue).length;
    let text = waiting ? msg("msgUnsaved", { n: waiting }) : msg("msgSaved");
    if (late.size) text += ". " + [...late].map((n) => msg("msgLate", { n })).join(" ");
    status.textContent = text;
    status.classList.toggle("is-unsaved", waiting > 0);
    status.classList.toggle("is-late", late.size > 0);
  };
  const tell = (text) => {
    notice.textContent = text;
    notice.hidden = false;
  };

  // ---------------------------------------------------------------- reading and drawing
  const answerOf = (section) => {
    const pid = section.dataset.item;
    const choices = [...section.querySelectorAll(`input[name="item-${pid}-choice"]:checked`)]
      .map((input) => Number(input.value));
    const text = section.querySelector(`[name="item-${pid}-text"]`);
    const number = section.querySelector(`[name="item-${pid}-number"]`);
    return { choices, text: text ? text.value : "", number: number ? number.value : "" };
  };
  const draw = (section, answer) => {
    const pid = section.dataset.item;
    for (const input of section.querySelectorAll(`input[name="item-${pid}-choice"]`)) {
      input.checked = answer.choices.includes(Number(input.value));
    }
    const text = section.querySelector(`[name="item-${pid}-text"]`);
    if (text) text.value = answer.text;
    const number = section.querySelector(`[name="item-${pid}-number"]`);
    if (number) number.value = answer.number;
    // The form's fallback must not send this item again as if the student changed it.
    const was = section.querySelector(`[name="item-${pid}-was"]`);
    if (was) was.value = JSON.stringify([[...answer.choices].sort((a, b) => a - b), answer.text.trim(), answer.number.trim()]);
  };
  const answered = (a) => a.choices.length > 0 || a.text.trim() !== "" || a.number.trim() !== "";
  const navButton = (section) => root.querySelector(`[data-nav="${section.dataset.number}"]`);
  const labelNav = (section) => {
    const button = navButton(section);
    const isAnswered = answered(answerOf(section));
    const isFlagged = section.querySelector("[data-flag]").getAttribute("aria-pressed") === "true";
    button.classList.toggle("is-answered", isAnswered);
    button.classList.toggle("is-flagged", isFlagged);
    const parts = [msg("msgItem", { n: section.dataset.number }), msg(isAnswered ? "msgAnswered" : "msgUnanswered")];
    if (isFlagged) parts.push(msg("msgFlagged"));
    button.setAttribute("aria-label", parts.join(", "));
  };

  // ---------------------------------------------------------------- talking to the server
  const post = async (url, body) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    return { ok: response.ok, code: response.status, data };
  };

  const applyState = (state, justSent) => {
    if (!state) return;
    for (const [pid, server] of Object.entries(state.answers)) {
      const section = byId.get(pid);
      if (!section || !server.at) continue;
      const known = section.dataset.at ? Date.parse(section.dataset.at) : 0;
      const at = Date.parse(server.at);
      if (at > known) {
        section.dataset.at = server.at;
        const mine = queue[pid];
        if (pid !== justSent && !mine) {
          draw(section, { choices: server.choices, text: server.text, number: server.number });
          if (known) tell(msg("msgChanged", { n: section.dataset.number }));
        }
      }
      labelNav(section);
    }
    if (state.submitted) {
      tell(msg("msgEnded"));
      setTimeout(() => window.location.reload(), 1500);
    }
  };

  let sending = false;
  const flush = async () => {
    if (sending) return;
    sending = true;
    try {
      for (const pid of Object.keys(queue)) {
        const entry = queue[pid];
        let result;
        try {
          result = await post(root.dataset.answerUrl, { item: Number(pid), ...entry });
        } catch {
          break; // offline: keep everything queued
        }
        if (result.code >= 500 || !result.data) break;
        if (queue[pid] && queue[pid].at === entry.at) delete queue[pid];
        persist();
        const section = byId.get(pid);
        if (result.ok) {
          if (result.data.kept === false && section) {
            const server = result.data.state.answers[pid];
            draw(section, { choices: server.choices, text: server.text, number: server.number });
            section.dataset.at = server.at;
            tell(msg("msgChanged", { n: section.dataset.number }));
          } else if (section) {
            section.dataset.at = new Date(entry.at).toISOString();
          }
        } else if (result.data.late && section) {
          late.add(section.dataset.number);
        } else if (result.data.error) {
          tell(result.data.error);
        }
        applyState(result.data.state, pid);
      }
    } finally {
      sending = false;
      showStatus();
    }
  };

  const given = (section) => {
    queue[section.dataset.item] = { ...answerOf(section), at: serverNow() };
    persist();
    labelNav(section);
    showStatus();
    flush();
  };

  // Answers queued before a reload (or on another tab) are newer than the page drawn.
  for (const [pid, entry] of Object.entries(queue)) {
    const section = byId.get(pid);
    if (!section) { delete queue[pid]; continue; }
    const drawnAt = section.dataset.at ? Date.parse(section.dataset.at) : 0;
    if (entry.at > drawnAt) draw(section, entry);
    labelNav(section);
  }
  persist();
  showStatus();
  flush();
  window.addEventListener("online", flush);
  setInterval(() => { if (Object.keys(queue).length) flush(); }, 5000);

  const timers = new Map();
  for (const section of items) {
    section.addEventListener("change", () => given(section));
    section.addEventListener("input", (event) => {
      if (event.target.type === "radio" || event.target.type === "checkbox") return;
      clearTimeout(timers.get(section));
      timers.set(section, setTimeout(() => given(section), 500));
    });
  }

  // ---------------------------------------------------------------- flags
  for (const button of root.querySelectorAll("[data-flag]")) {
    button.addEventListener("click", async (event) => {
      event.preventDefault();
      const section = button.closest("[data-item]");
      const flagged = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(flagged));
      button.textContent = msg(flagged ? "msgUnflag" : "msgFlag");
      button.value = `${section.dataset.item}:${flagged ? 0 : 1}`;
      section.querySelector("[data-flag-badge]").hidden = !flagged;
      labelNav(section);
      try {
        const result = await post(root.dataset.flagUrl, { item: Number(section.dataset.item), flagged });
        if (!result.ok && result.data && result.data.error) tell(result.data.error);
      } catch { /* the flag is shown; it is sent with the next form post at worst */ }
    });
  }

  // ---------------------------------------------------------------- one item per screen
  const currentField = form.querySelector("[data-current-field]");
  const show = (number, focus) => {
    for (const section of items) section.hidden = section.dataset.number !== String(number);
    for (const button of root.querySelectorAll("[data-nav]")) {
      if (button.dataset.nav === String(number)) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
    }
    currentField.value = number;
    form.querySelector("[data-save-button]").value = number;
    const url = new URL(window.location.href);
    url.searchParams.set("item", number);
    history.replaceState(null, "", url);
    if (focus) document.getElementById(`item-${number}-title`).focus();
    post(root.dataset.answerUrl, { current: Number(number) }).catch(() => {});
  };
  if (onePerScreen) {
    for (const button of root.querySelectorAll("[data-nav], [data-go]")) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        show(button.value, true);
      });
    }
  } else {
    for (const button of root.querySelectorAll("[data-nav]")) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        const title = document.getElementById(`item-${button.value}-title`);
        title.scrollIntoView();
        title.focus();
      });
    }
  }
  // Leaving for the review page: the form sends only what the queue has not (unchanged items
  // are skipped by the server), so the answers the script saved are not sent twice.
  form.addEventListener("submit", () => { flush(); });

  // ---------------------------------------------------------------- the time left
  if (root.dataset.deadline) {
    const deadline = Date.parse(root.dataset.deadline);
    const grace = Number(root.dataset.grace) || 0;
    countdown.hidden = false;
    const tick = () => {
      const left = deadline - serverNow();
      if (left <= 0) {
        countdown.textContent = "";
        tell(msg("msgEnded"));
        flush();
        clearInterval(timer);
        setTimeout(() => window.location.reload(), grace + 1500);
        return;
      }
      const seconds = Math.ceil(left / 1000);
      const h = Math.floor(seconds / 3600);
      const m = Math.floor((seconds % 3600) / 60);
      const s = String(seconds % 60).padStart(2, "0");
      const time = h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
      countdown.textContent = msg("msgLeft", { time });
    };
    const timer = setInterval(tick, 1000);
    tick();
  }
})();

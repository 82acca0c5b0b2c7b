// Small enhancements; every page works without them.
"use strict";

// A <select data-autosubmit> submits its form on change; its fallback button is hidden.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  const form = select.form;
  form.querySelectorAll("[data-autosubmit-hide]").forEach((el) => { el.hidden = true; });
  select.addEventListener("change", () => form.requestSubmit());
}

// A box that scrolls sideways with the latest at its end (a timeline) opens on its end on a
// narrow screen; without JavaScript it opens on its start and still scrolls.
for (const box of document.querySelectorAll("[data-scroll-to-end]")) {
  box.scrollLeft = box.scrollWidth;
}

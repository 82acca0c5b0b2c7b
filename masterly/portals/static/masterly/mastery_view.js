// The Mastery View without reloads: the level tabs switch panels, and Expand All /
// Collapse All open or close every standard of a panel. Without this file the same links
// ask the server (?level=…, ?expand=all), so the page works without JavaScript.
"use strict";

const tabList = document.querySelector("[data-mastery-tabs]");
if (tabList) {
  const links = tabList.querySelectorAll("a[data-tab]");
  const panels = document.querySelectorAll("[data-panel]");
  for (const link of links) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      for (const panel of panels) panel.hidden = panel.dataset.panel !== link.dataset.tab;
      for (const other of links) {
        if (other === link) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      }
      history.replaceState(null, "", link.getAttribute("href").split("#")[0]);
    });
  }
}

for (const button of document.querySelectorAll("[data-expand]")) {
  button.setAttribute("role", "button");
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const open = button.dataset.expand === "all";
    for (const details of button.closest("[data-panel]").querySelectorAll("details")) {
      details.open = open;
    }
  });
}

// The assessment page's Print button, shown only with JavaScript (without it, the browser's
// own Print command prints the same page).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// The print views' Print button (the browser's own Print command works without it).
"use strict";

for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}

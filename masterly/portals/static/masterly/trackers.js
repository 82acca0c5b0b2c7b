// The tracker pages' small enhancements; every page works without them.
"use strict";

// Print buttons only exist where printing from a script can work.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// Line reader: a horizontal reading guide over the test content that dims what is above and
// below it. It follows the mouse; focused, the up and down arrow keys move it a line at a
// time (Page Up and Page Down further); Alt+L or its button turns it on and off.

const LINE = 24; // pixels: about a line of the test's text

export function startLineReader(group, content) {
  if (!group || !content) return;
  const toggle = group.querySelector("[data-line-reader]");
  const guide = document.createElement("div");
  guide.className = "line-reader";
  guide.tabIndex = 0;
  guide.hidden = true;
  guide.setAttribute("role", "slider");
  guide.setAttribute("aria-orientation", "vertical");
  guide.setAttribute("aria-label", group.dataset.guideLabel);
  document.body.append(guide);
  let top = 0;

  const place = (y) => {
    const box = content.getBoundingClientRect();
    const lowest = Math.max(box.height - guide.offsetHeight, 0);
    top = Math.min(Math.max(y, 0), lowest);
    // Placing the guide is a position computed here (CSSOM, allowed by the page's policy).
    guide.style.top = `${box.top + window.scrollY + top}px`;
    guide.style.left = `${box.left + window.scrollX}px`;
    guide.style.width = `${box.width}px`;
    guide.setAttribute("aria-valuenow", String(Math.round(top)));
  };

  const turn = (on) => {
    guide.hidden = !on;
    toggle.setAttribute("aria-pressed", String(on));
    if (on) {
      place(top);
      guide.focus();
    }
  };

  toggle.addEventListener("click", () => turn(guide.hidden));
  content.addEventListener("mousemove", (event) => {
    if (!guide.hidden) place(event.clientY - content.getBoundingClientRect().top - guide.offsetHeight / 2);
  });
  guide.addEventListener("keydown", (event) => {
    const moves = { ArrowDown: LINE, ArrowUp: -LINE, PageDown: LINE * 8, PageUp: -LINE * 8 };
    if (event.key === "Escape") {
      turn(false);
      toggle.focus();
    } else if (event.key in moves) {
      event.preventDefault();
      place(top + moves[event.key]);
      guide.scrollIntoView({ block: "nearest" });
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.altKey && !event.ctrlKey && event.key.toLowerCase() === "l") {
      event.preventDefault();
      turn(guide.hidden);
    }
  });
  window.addEventListener("resize", () => { if (!guide.hidden) place(top); });
}

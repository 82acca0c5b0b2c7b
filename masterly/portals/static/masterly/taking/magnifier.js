// Magnifier: zooms the test content in steps (CSS zoom, so the text reflows instead of running
// off the screen), with its buttons or Alt and plus, minus or 0.

const STEPS = [1, 1.25, 1.5, 1.75, 2, 2.5, 3];

export function startMagnifier(group, content) {
  if (!group || !content) return;
  const level = group.querySelector("[data-zoom-level]");
  const zoomIn = group.querySelector("[data-zoom-in]");
  const zoomOut = group.querySelector("[data-zoom-out]");
  let step = 0;

  const apply = (next) => {
    step = Math.min(Math.max(next, 0), STEPS.length - 1);
    // The zoom itself is a class of tools.css (no inline style: the page's policy).
    content.classList.add("magnified");
    content.dataset.zoom = String(step);
    level.textContent = `${Math.round(STEPS[step] * 100)}%`;
    zoomIn.disabled = step === STEPS.length - 1;
    zoomOut.disabled = step === 0;
  };

  zoomIn.addEventListener("click", () => apply(step + 1));
  zoomOut.addEventListener("click", () => apply(step - 1));
  group.querySelector("[data-zoom-reset]").addEventListener("click", () => apply(0));
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const change = { "=": 1, "+": 1, "-": -1, _: -1, 0: -step }[event.key];
    if (change === undefined) return;
    event.preventDefault();
    apply(step + change);
  });
  apply(0);
}

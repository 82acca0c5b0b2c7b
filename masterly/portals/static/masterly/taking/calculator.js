// A basic on-screen calculator in a dialog: digits, + − × ÷, a decimal point, clear, delete
// and =, with its buttons or the keyboard. It calculates as a pocket calculator does (each
// operator applies to the result so far); no eval, which the page's policy forbids anyway.

const OPERATIONS = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
};
const KEYS = { x: "*", X: "*", "×": "*", "÷": "/", Enter: "=", Delete: "C", c: "C" };

// Twelve significant digits hide floating point's 0.1 + 0.2 = 0.30000000000000004.
const shown = (value) => String(Number.parseFloat(value.toPrecision(12)));

export function calculatorState() {
  let total = null; // the result so far
  let operation = null; // waiting for its second number
  let entry = "0"; // what is being typed
  let typing = false;
  let error = false;

  const settle = () => {
    const value = Number.parseFloat(entry);
    if (operation === null || total === null) return value;
    if (operation === "/" && value === 0) throw new RangeError("divide by zero");
    return OPERATIONS[operation](total, value);
  };

  return {
    press(key) {
      if (error && key !== "C") return { display: entry, error };
      if (/^[0-9]$/.test(key)) {
        entry = typing && entry !== "0" ? entry + key : key;
        typing = true;
      } else if (key === ".") {
        if (!typing) entry = "0";
        if (!entry.includes(".")) entry += ".";
        typing = true;
      } else if (key === "Backspace") {
        if (typing) entry = entry.length > 1 ? entry.slice(0, -1) : "0";
      } else if (key === "C") {
        total = null;
        operation = null;
        entry = "0";
        typing = false;
        error = false;
      } else if (key in OPERATIONS || key === "=") {
        try {
          if (typing || total === null) total = settle();
        } catch {
          error = true;
          return { display: entry, error };
        }
        entry = shown(total);
        operation = key === "=" ? null : key;
        if (key === "=") total = null;
        typing = false;
      }
      return { display: entry, error };
    },
  };
}

export function startCalculator(opener, dialog) {
  if (!opener || !dialog) return;
  const display = dialog.querySelector("[data-calculator-display]");
  const state = calculatorState();
  const press = (key) => {
    const { display: text, error } = state.press(key);
    display.textContent = error ? dialog.dataset.divideByZero : text;
  };
  opener.addEventListener("click", () => {
    dialog.showModal();
    display.focus(); // typing starts at once; Enter gives the result, not the Close button
  });
  dialog.querySelector("[data-calculator-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener.focus());
  for (const button of dialog.querySelectorAll("[data-key]")) {
    button.addEventListener("click", () => press(button.dataset.key));
  }
  dialog.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = KEYS[event.key] || event.key;
    const known = /^[0-9.=C+\-*/]$/.test(key) || key === "Backspace";
    // Enter and Space on a focused button press that button, as buttons do.
    if (!known || (event.target.matches("button") && event.key === "Enter")) return;
    event.preventDefault();
    press(key);
  });
}

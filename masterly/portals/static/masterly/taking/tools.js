// The student's tools on an online assessment (portals/taking/_tools.html): each module
// starts only when the toolbar holds its control, so a tool a student does not have never runs.
import { startCalculator } from "./calculator.js";
import { startLineReader } from "./line_reader.js";
import { startMagnifier } from "./magnifier.js";
import { startTextToSpeech } from "./text_to_speech.js";

const toolbar = document.querySelector("[data-test-tools]");
if (toolbar) {
  // What the magnifier and the line reader act on: the take page's test content.
  const content = document.querySelector("[data-test-content]") || document.querySelector("main");
  startTextToSpeech(toolbar.querySelector("[data-tts]"));
  startMagnifier(toolbar.querySelector("[data-magnifier]"), content);
  startLineReader(toolbar.querySelector("[data-line-reader-tool]"), content);
  startCalculator(toolbar.querySelector("[data-calculator-open]"), toolbar.querySelector("[data-calculator]"));
  toolbar.hidden = false;
}

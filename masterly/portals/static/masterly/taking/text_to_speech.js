// Text-to-speech: reads the parts the take page marks (data-tts-part="stimulus|stem|option",
// labelled by data-tts-label) with the browser's speech synthesis. One button reads them all
// in page order and pauses and resumes; each part gets its own button. A part with a title
// (data-tts-title, its text in data-tts-text) is read as two utterances, so the voice pauses
// after the title instead of running it into the text.

const SVG = "http://www.w3.org/2000/svg";

// A speaker drawn here (fonts without emoji show a box for 🔊).
function speakerIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

// Only the parts on screen: with one item per screen the others are hidden.
const partsOf = () => [...document.querySelectorAll("[data-tts-part]")].filter((part) => !part.closest("[hidden]"));
const textOf = (part) => part.innerText.replace(/\s+/g, " ").trim();
const textsOf = (part) => {
  const title = part.querySelector(":scope > [data-tts-title]");
  const text = part.querySelector(":scope > [data-tts-text]");
  return title && text ? [textOf(title), textOf(text)] : [textOf(part)];
};

export function startTextToSpeech(group) {
  if (!group) return;
  const play = group.querySelector("[data-tts-play]");
  const stop = group.querySelector("[data-tts-stop]");
  const speech = window.speechSynthesis;
  if (!speech || typeof window.SpeechSynthesisUtterance !== "function") {
    play.disabled = true;
    stop.disabled = true;
    group.append(Object.assign(document.createElement("span"), { textContent: group.dataset.unavailable }));
    return;
  }
  const lang = document.documentElement.lang || "en";
  let state = "idle"; // idle, speaking or paused

  const show = (next) => {
    state = next;
    play.textContent = {
      idle: group.dataset.readLabel,
      speaking: group.dataset.pauseLabel,
      paused: group.dataset.resumeLabel,
    }[state];
    play.setAttribute("aria-pressed", String(state === "speaking"));
  };

  const read = (parts) => {
    speech.cancel();
    const texts = parts.flatMap(textsOf).filter(Boolean);
    if (!texts.length) return;
    show("speaking");
    texts.forEach((text, index) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      if (index === texts.length - 1) {
        utterance.addEventListener("end", () => show("idle"));
        utterance.addEventListener("error", () => show("idle"));
      }
      speech.speak(utterance);
    });
  };

  play.addEventListener("click", () => {
    if (state === "speaking") {
      speech.pause();
      show("paused");
    } else if (state === "paused") {
      speech.resume();
      show("speaking");
    } else {
      read(partsOf());
    }
  });
  stop.addEventListener("click", () => {
    speech.cancel();
    show("idle");
  });

  for (const part of partsOf()) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tts-part";
    button.append(speakerIcon());
    const label = part.dataset.ttsLabel || part.dataset.ttsPart;
    button.setAttribute("aria-label", `${group.dataset.partLabel} ${label}`);
    button.title = button.getAttribute("aria-label");
    button.addEventListener("click", () => read([part]));
    part.before(button);
  }
  show("idle");
}

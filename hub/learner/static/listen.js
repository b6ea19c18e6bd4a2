// NaikKelas "Dengarkan": read the lesson screen aloud for learners who read with difficulty.
// The phone's own speech synthesis speaks Indonesian (id-ID); nothing is downloaded. When the
// author attached a recording to the screen (an <audio class="nk-audio">), it plays instead.
// A second press stops. Going to another screen stops too.
(function () {
  "use strict";
  var LANG = "id-ID";
  var SKIP = ".nk-listen, .nk-display, .nk-nav, .nk-title, .nk-region-cell, .nk-audio, select, script, style";
  var playing = null; // {button, audio?}

  function hidden(el) {
    var style = window.getComputedStyle(el);
    return style.display === "none" || style.visibility === "hidden" ||
      el.getAttribute("aria-hidden") === "true";
  }

  // The screen's words in reading order: text, pictures' alt text, labels of buttons.
  function collect(node, parts) {
    if (node.nodeType === Node.TEXT_NODE) {
      var text = node.textContent.replace(/[☐☑✔✘]/g, " ").replace(/\s+/g, " ").trim();
      if (text) { parts.push(text); }
      return parts;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || node.matches(SKIP) || hidden(node)) { return parts; }
    if (node.tagName === "IMG") {
      if (node.alt) { parts.push(node.alt); }
      return parts;
    }
    var block = window.getComputedStyle(node).display !== "inline";
    if (block) { parts.push("\n"); }
    node.childNodes.forEach(function (child) { collect(child, parts); });
    if (block) { parts.push("\n"); }
    return parts;
  }

  // Sentences: each block ends with a full stop, so the voice pauses between them.
  function sentences(lesson) {
    // Pieces of one line joined by spaces, but not before punctuation ("**tombol**." stays one).
    var lines = collect(lesson, []).join(" ").replace(/[ \t]+([.,!?:;)])/g, "$1")
      .split(/\s*\n\s*/);
    var out = [];
    lines.forEach(function (line) {
      line = line.trim();
      if (!line) { return; }
      out.push(/[.!?:]$/.test(line) ? line : line + ".");
    });
    return out;
  }

  // Chromium stops long utterances after ~15 s: queue one per few sentences.
  function chunks(list) {
    var out = [], current = "";
    list.forEach(function (sentence) {
      if (current && (current + " " + sentence).length > 200) { out.push(current); current = ""; }
      current = current ? current + " " + sentence : sentence;
    });
    if (current) { out.push(current); }
    return out;
  }

  function mark(button, on) {
    button.classList.toggle("nk-speaking", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function stop() {
    if (!playing) { return; }
    if (playing.audio) { playing.audio.pause(); }
    if (window.speechSynthesis) { window.speechSynthesis.cancel(); }
    mark(playing.button, false);
    playing = null;
  }

  function indonesianVoice() {
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^id([-_]|$)/i.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }

  function speak(button, lesson) {
    var audio = lesson.querySelector(".nk-screen audio.nk-audio");
    playing = { button: button, audio: audio };
    mark(button, true);
    if (audio) {
      audio.currentTime = 0;
      audio.onended = stop;
      var started = audio.play();
      if (started && started.catch) { started.catch(stop); }
      return;
    }
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) { stop(); return; }
    var voice = indonesianVoice();
    var parts = chunks(sentences(lesson));
    window.speechSynthesis.cancel();
    parts.forEach(function (text, index) {
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = LANG;
      if (voice) { utterance.voice = voice; }
      utterance.rate = 0.9; // a little slower than usual, for learners who read slowly
      if (index === parts.length - 1) { utterance.onend = stop; }
      utterance.onerror = stop;
      window.speechSynthesis.speak(utterance);
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    var button = target.closest(".nk-listen");
    if (button) {
      var again = playing && playing.button === button;
      stop();
      var lesson = button.closest(".nk-lesson");
      if (!again && lesson) { speak(button, lesson); }
      return;
    }
    if (target.closest(".nk-nav")) { stop(); } // another screen: stop reading this one
  });

  window.naikkelasListen = { sentences: sentences, stop: stop };
})();

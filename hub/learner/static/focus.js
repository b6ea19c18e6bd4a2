// NaikKelas: keep a keyboard's (and a screen reader's) place in a lesson. A new screen replaces
// the widgets, including the button that had the focus, which would leave the focus on the page
// itself (the next Tab starting from the top or nowhere). When that happens, move it to the step
// counter ("Langkah 3 dari 9"), so the next Tab reaches the new screen and screen readers say
// which step this is.
(function () {
  "use strict";
  var last = null;
  document.addEventListener("focusin", function (event) { last = event.target; });

  function recover() {
    var active = document.activeElement;
    if (!last || last.isConnected || (active && active !== document.body)) { return; }
    var step = document.querySelector(".nk-lesson .nk-step");
    if (!step) { return; }
    last = null;
    step.setAttribute("tabindex", "-1");
    step.focus();
  }

  new MutationObserver(function () {
    // After the widgets have settled: a removed element is noticed once the frame is drawn.
    window.requestAnimationFrame(recover);
  }).observe(document.body, { childList: true, subtree: true });
})();

// NaikKelas: keep a lesson page alive on a phone. When the lesson's kernel is gone (culled,
// killed, server stopped or restarted), reload the page: the hub restarts the server if needed
// and the lesson resumes from the saved progress. Offline, wait for the network to come back.
(function () {
  "use strict";
  var config = document.getElementById("jupyter-config-data");
  if (!config) { return; }
  var data = JSON.parse(config.textContent);
  if (!data.kernelId) { return; }
  var url = data.baseUrl + "naikkelas/api/kernels/" + encodeURIComponent(data.kernelId) + "/alive";
  var reloading = false;

  function recentReloads() {
    // Never loop: at most 3 automatic reloads a minute, then the learner decides.
    var now = Date.now();
    var times = JSON.parse(sessionStorage.getItem("nkReloads") || "[]")
      .filter(function (t) { return now - t < 60000; });
    times.push(now);
    sessionStorage.setItem("nkReloads", JSON.stringify(times));
    return times.length;
  }

  function reconnect() {
    if (reloading) { return; }
    reloading = true;
    var note = document.createElement("div");
    note.className = "nk-reconnect";
    note.setAttribute("role", "status");
    document.body.appendChild(note);
    if (recentReloads() > 3) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Koneksi bermasalah. Tekan di sini untuk memuat ulang.";
      button.addEventListener("click", function () { window.location.reload(); });
      note.appendChild(button);
      return;
    }
    note.textContent = "Menyambung kembali ke pelajaran…";
    window.location.reload();
  }

  function check() {
    if (reloading || !navigator.onLine) { return; }
    // JupyterHub accepts a cookie on a script's request only with the XSRF token beside it.
    var xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || "";
    fetch(url, {
      credentials: "same-origin", redirect: "manual", cache: "no-store",
      headers: { "X-XSRFToken": decodeURIComponent(xsrf) }
    })
      .then(function (response) {
        // 404/410: the kernel is gone or dead. A redirect: the server is not running (the
        // hub answers for it). 5xx from the proxy: the server is being replaced.
        if (response.status === 404 || response.status === 410 ||
            response.type === "opaqueredirect" || response.status >= 500) {
          reconnect();
        }
      })
      .catch(function () { /* offline or a blip: the next check decides */ });
  }

  window.naikkelasKeepalive = { check: check };
  setInterval(check, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { check(); }
  });
  // A phone that slept: Chrome froze the page (Page Lifecycle API) and now resumes it.
  document.addEventListener("resume", check);
  window.addEventListener("online", check);
  window.addEventListener("pageshow", check);
})();

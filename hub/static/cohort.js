// The live cohort view: fetch the cohort's progress every few seconds and redraw the table.
(function () {
  "use strict";
  var table = document.getElementById("nk-cohort");
  var api = table.dataset.api;
  var every = Number(table.dataset.refresh) * 1000;
  var updated = document.getElementById("nk-updated");

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function cell(info) {
    var td = document.createElement("td");
    var label = { belum: "belum", mulai: "langkah " + info.step, selesai: "selesai" }[info.status];
    td.appendChild(text("span", label, "nk-cell nk-" + info.status));
    if (info.stuck) {
      td.appendChild(document.createElement("br"));
      td.appendChild(text("span", "macet: soal " + info.stuck.question + " (" + info.stuck.wrong + "x salah)",
        "nk-cell nk-macet"));
    }
    if (info.score !== undefined && info.score !== null) {
      td.appendChild(document.createElement("br"));
      td.appendChild(text("span", "nilai " + info.score + "/" + info.max_score, "nk-meta"));
    }
    return td;
  }

  function draw(data) {
    var body = document.createElement("tbody");
    data.learners.forEach(function (learner) {
      var tr = document.createElement("tr");
      var th = text("th", learner.name);
      th.scope = "row";
      tr.appendChild(th);
      data.lessons.forEach(function (lesson) { tr.appendChild(cell(learner.lessons[lesson.slug])); });
      body.appendChild(tr);
    });
    if (!data.learners.length) {
      var empty = document.createElement("tr");
      var td = text("td", "Belum ada peserta di kelas ini.");
      td.colSpan = data.lessons.length + 1;
      empty.appendChild(td);
      body.appendChild(empty);
    }
    table.replaceChild(body, table.tBodies[0]);
    var foot = table.tFoot || table.createTFoot();
    foot.innerHTML = "";
    var tr = document.createElement("tr");
    tr.appendChild(text("td", "Jumlah"));
    data.lessons.forEach(function (lesson) {
      var s = data.summary[lesson.slug];
      tr.appendChild(text("td", s.selesai + " selesai, " + s.mulai + " belajar, " + s.macet + " macet"));
    });
    foot.appendChild(tr);
    updated.textContent = "Diperbarui " + new Date().toLocaleTimeString("id-ID");
  }

  function load() {
    fetch(api, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-XSRFToken": table.dataset.xsrf },
    })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(draw)
      .catch(function () { updated.textContent = "Gagal memperbarui; mencoba lagi ..."; })
      .finally(function () { setTimeout(load, every); });
  }
  load();
})();

// NaikKelas's light lesson page (the `naikkelas-light` Voila template): render the lesson's widget
// outputs, which the template left as placeholders, from the live kernel Voila started for the page.
import "@jupyter-widgets/controls/css/widgets.css";
import { KernelConnection } from "./kernel.js";
import { LessonManager } from "./manager.js";

const FAILED = "Bagian pelajaran ini gagal dimuat. Muat ulang halaman untuk mencoba lagi.";

function pageConfig() {
  const element = document.getElementById("jupyter-config-data");
  return element ? JSON.parse(element.textContent) : {};
}

function kernelGone() {
  // keepalive.js asks the server and reloads the page when the kernel is really gone.
  if (window.naikkelasKeepalive) {
    window.naikkelasKeepalive.check();
  }
}

async function showWidget(manager, place) {
  const modelId = place.getAttribute("data-model-id");
  try {
    const model = await manager.get_model(modelId);
    const view = await manager.create_view(model);
    await manager.display_view(view, place);
  } catch (error) {
    console.error(`widget ${modelId}:`, error);
    place.textContent = FAILED;
    place.classList.add("nk-widget-failed");
  }
}

// Stages of a page load, read by bench/page_weight.py (performance.getEntriesByType("mark")).
function mark(name) {
  if (window.performance && window.performance.mark) {
    window.performance.mark(name);
  }
}

async function start() {
  mark("nk-script");
  const config = pageConfig();
  if (!config.kernelId) {
    return;
  }
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  const kernel = new KernelConnection({
    wsUrl: scheme + window.location.host + config.baseUrl,
    kernelId: config.kernelId,
    onDead: kernelGone,
  });
  const manager = new LessonManager(kernel);
  await kernel.connect();
  mark("nk-socket-open");
  await manager.restore();
  mark("nk-states-restored");
  const places = Array.from(document.querySelectorAll(".nk-widget-view[data-model-id]"));
  await Promise.all(places.map((place) => showWidget(manager, place)));
  mark("nk-widgets-shown");
  document.body.classList.add("nk-ready");
  const loading = document.getElementById("nk-loading");
  if (loading) {
    loading.remove();
  }
  window.naikkelasLesson = { manager, kernel };
}

start().catch((error) => {
  console.error(error);
  const loading = document.getElementById("nk-loading");
  if (loading) {
    loading.textContent = FAILED;
  }
});

// The lesson's widget manager: ipywidgets' ManagerBase (what @jupyter-widgets/html-manager's
// HTMLManager is built on) with its comms on a live kernel (kernel.js). HTMLManager itself is not
// imported: its module also bundles ipywidgets 7's base and controls and JupyterLab's rendermime
// (for the Output widget), which lessons never use and which would make the bundle ~60 % larger.
// Its display_view and loadClass are copied here, reduced to ipywidgets 8's base and controls.
//
// Models are made lazily: the kernel sends the state of every widget of the lesson at once (all
// its screens, ~220 widgets for the demo lesson), but a phone only builds the models a view on
// the page needs (the current screen's, ~30), when it first needs them: less work and memory on
// a cheap phone (docs/performance.md, "Models built when needed").
import * as base from "@jupyter-widgets/base";
import {
  CONTROL_COMM_PROTOCOL_VERSION,
  CONTROL_COMM_TARGET,
  CONTROL_COMM_TIMEOUT,
  ManagerBase,
} from "@jupyter-widgets/base-manager";
import * as controls from "@jupyter-widgets/controls";
import { MessageLoop } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

// Models without a view: nothing displayed asks for them, so they are built at once.
const VIEWLESS = new Set(["LinkModel", "DirectionalLinkModel"]);

const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": controls,
};

export class LessonManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    this._views = new Set();
    // Widgets the kernel has and this page has not built yet: model id -> {model_name,
    // model_module, model_module_version, state} (serialized, buffers in place).
    this._unbuilt = new Map();
    kernel.onUnknownComm = (msg) => this._unbuiltMessage(msg);
    kernel.registerTarget(this.comm_target_name, (comm, msg) => this.handle_comm_open(comm, msg));
    window.addEventListener("resize", () => {
      this._views.forEach((view) => {
        MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize);
      });
    });
  }

  async display_view(view, el) {
    let shown;
    try {
      shown = await view;
    } catch (error) {
      const ErrorModel = base.createErrorWidgetModel(error, "Could not create a view");
      shown = new base.ErrorWidgetView({ model: new ErrorModel() });
      shown.render();
    }
    Widget.attach(shown.luminoWidget, el);
    this._views.add(shown);
    shown.once("remove", () => this._views.delete(shown));
    return shown;
  }

  loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (!module) {
      return Promise.reject(new Error(`Widget module ${moduleName}@${moduleVersion} is not in this page`));
    }
    if (!module[className]) {
      return Promise.reject(new Error(`Class ${className} not found in ${moduleName}@${moduleVersion}`));
    }
    return Promise.resolve(module[className]);
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.newComm(targetName, modelId);
    if (data || metadata) {
      comm.open(data, undefined, metadata, buffers);
    }
    return comm;
  }

  _get_comm_info() {
    // ManagerBase falls back to this (then asks each model for its state) when request_states
    // on the control comm gets no answer in 4 s, as on a slow phone on a loaded server.
    return new Promise((resolve) => {
      const reply = (msg) => resolve(msg.content.comms || {});
      this.kernel.send("comm_info_request", { target_name: this.comm_target_name }, {
        shell: { reply },
      });
    });
  }

  /** Fetch every widget's state from the kernel (request_states on the control comm). */
  restore() {
    return this._loadFromKernel();
  }

  get_model(modelId) {
    if (!this.has_model(modelId) && this._unbuilt.has(modelId)) {
      this._build(modelId);
    }
    return super.get_model(modelId);
  }

  /** Make the model of an unbuilt widget (registered at once: new_model's first step). */
  _build(modelId) {
    const entry = this._unbuilt.get(modelId);
    this._unbuilt.delete(modelId);
    const comm = this.kernel.newComm(this.comm_target_name, modelId);
    const options = {
      model_name: entry.model_name,
      model_module: entry.model_module,
      model_module_version: entry.model_module_version,
      model_id: modelId,
      comm,
    };
    this.new_model(options, entry.state).catch((error) => console.error(`widget ${modelId}:`, error));
  }

  /** A kernel message for a widget not built yet: keep its update for when it is; build it
   * for anything else (a custom message), then deliver. */
  _unbuiltMessage(msg) {
    const content = msg.content;
    const entry = this._unbuilt.get(content.comm_id);
    if (!entry) {
      return;
    }
    if (msg.header.msg_type === "comm_close") {
      this._unbuilt.delete(content.comm_id);
      return;
    }
    const data = content.data || {};
    if (data.method === "update" || data.method === "echo_update") {
      base.put_buffers(data.state, data.buffer_paths || [], msg.buffers || []);
      Object.assign(entry.state, data.state);
      return;
    }
    this._build(content.comm_id);
    this._models[content.comm_id].then(() => this.kernel.receive(msg)).catch(() => {});
  }

  /** ManagerBase._loadFromKernel (request_states on the control comm, falling back to one
   * request per widget), keeping the states instead of building every model. Models without a
   * view (a link between two widgets) are built at once: nothing else would ask for them. */
  async _loadFromKernel() {
    let data;
    let buffers;
    try {
      // The page's inline script may have asked already, on the websocket it opened early
      // (kernel.js adopts it): wait for that reply on its control comm instead of asking again.
      const early = this.kernel.holding ? this.kernel.early : null;
      const control = early
        ? this.kernel.newComm(CONTROL_COMM_TARGET, early.control)
        : await this._create_comm(CONTROL_COMM_TARGET, base.uuid(), {}, {
            version: CONTROL_COMM_PROTOCOL_VERSION,
          });
      await new Promise((resolve, reject) => {
        control.on_msg((msg) => {
          data = msg.content.data;
          if (data.method !== "update_states") {
            return;
          }
          buffers = (msg.buffers || []).map((b) =>
            b instanceof DataView ? b : new DataView(b instanceof ArrayBuffer ? b : b.buffer),
          );
          resolve(null);
        });
        control.on_close(() => reject(new Error("Control comm was closed too early")));
        if (early) {
          this.kernel.release();
        } else {
          control.send({ method: "request_states" }, {});
        }
        setTimeout(() => reject(new Error("Control comm did not respond in time")), CONTROL_COMM_TIMEOUT);
      });
      control.close();
    } catch (error) {
      this.kernel.release();
      return this._loadFromKernelModels();
    }
    const paths = {};
    data.buffer_paths.forEach(([widgetId, ...path], i) => {
      (paths[widgetId] = paths[widgetId] || { paths: [], buffers: [] }).paths.push(path);
      paths[widgetId].buffers.push(buffers[i]);
    });
    const viewless = [];
    for (const [widgetId, entry] of Object.entries(data.states)) {
      if (paths[widgetId]) {
        base.put_buffers(entry.state, paths[widgetId].paths, paths[widgetId].buffers);
      }
      if (this.has_model(widgetId)) {
        const model = await this.get_model(widgetId);
        model.set_state(await model.constructor._deserialize_state(entry.state, this));
        continue;
      }
      this._unbuilt.set(widgetId, entry);
      if (VIEWLESS.has(entry.model_name)) {
        viewless.push(widgetId);
      }
    }
    await Promise.all(viewless.map((widgetId) => this.get_model(widgetId).catch(console.error)));
  }
}

// The lesson's widget manager: ipywidgets' ManagerBase (what @jupyter-widgets/html-manager's
// HTMLManager is built on) with its comms on a live kernel (kernel.js). HTMLManager itself is not
// imported: its module also bundles ipywidgets 7's base and controls and JupyterLab's rendermime
// (for the Output widget), which lessons never use and which would make the bundle ~60 % larger.
// Its display_view and loadClass are copied here, reduced to ipywidgets 8's base and controls.
import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import * as controls from "@jupyter-widgets/controls";
import { MessageLoop } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": controls,
};

export class LessonManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    this._views = new Set();
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
}

// A minimal client of the Jupyter kernel websocket (jupyter_server's /api/kernels/<id>/channels),
// carrying only what a widget page needs: comm_open / comm_msg / comm_close out, comm messages and
// iopub status in. It replaces @jupyterlab/services (see docs/performance.md).
//
// Wire format: jupyter_server's default ("legacy") protocol: a message without binary buffers is
// one JSON text frame (with a "channel" key); one with buffers is a binary frame
// [nbufs, offsets..., JSON, buffers...] (uint32 big-endian).
//
// A dropped websocket is reopened with the SAME session id: jupyter_server keeps the kernel's
// messages for a session whose socket went away and replays them when it comes back. Messages
// sent meanwhile wait in a queue and go out, in order, once the socket is open again.

const PROTOCOL_VERSION = "5.3";

export function uuid() {
  if (window.crypto && window.crypto.randomUUID) {
    return window.crypto.randomUUID().replace(/-/g, "");
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function toArrayBuffer(buffer) {
  if (buffer instanceof ArrayBuffer) {
    return buffer;
  }
  // DataView or typed array: copy exactly its bytes.
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}

export function serialize(msg) {
  const buffers = msg.buffers || [];
  if (!buffers.length) {
    return JSON.stringify(msg);
  }
  const plain = Object.assign({}, msg);
  delete plain.buffers;
  const parts = [new TextEncoder().encode(JSON.stringify(plain)).buffer].concat(
    buffers.map(toArrayBuffer),
  );
  const count = parts.length;
  const offsets = [4 * (count + 1)];
  for (let i = 0; i < count - 1; i++) {
    offsets.push(offsets[i] + parts[i].byteLength);
  }
  const out = new Uint8Array(offsets[count - 1] + parts[count - 1].byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, count);
  offsets.forEach((offset, i) => {
    view.setUint32(4 * (i + 1), offset);
    out.set(new Uint8Array(parts[i]), offset);
  });
  return out.buffer;
}

export function deserialize(data) {
  if (typeof data === "string") {
    const msg = JSON.parse(data);
    msg.buffers = [];
    return msg;
  }
  const view = new DataView(data);
  const count = view.getUint32(0);
  const offsets = [];
  for (let i = 0; i < count; i++) {
    offsets.push(view.getUint32(4 * (i + 1)));
  }
  const msg = JSON.parse(new TextDecoder().decode(data.slice(offsets[0], offsets[1])));
  msg.buffers = [];
  for (let i = 1; i < count; i++) {
    msg.buffers.push(new DataView(data.slice(offsets[i], offsets[i + 1])));
  }
  return msg;
}

// What ipywidgets expects of a comm (base's IClassicComm).
class Comm {
  constructor(kernel, commId, targetName) {
    this.kernel = kernel;
    this.comm_id = commId;
    this.target_name = targetName;
    this._onMsg = null;
    this._onClose = null;
  }

  open(data, callbacks, metadata, buffers) {
    const content = { comm_id: this.comm_id, target_name: this.target_name, data: data || {} };
    return this.kernel.send("comm_open", content, callbacks, metadata, buffers);
  }

  send(data, callbacks, metadata, buffers) {
    const content = { comm_id: this.comm_id, data: data || {} };
    return this.kernel.send("comm_msg", content, callbacks, metadata, buffers);
  }

  close(data, callbacks, metadata, buffers) {
    this.kernel.comms.delete(this.comm_id);
    const content = { comm_id: this.comm_id, data: data || {} };
    return this.kernel.send("comm_close", content, callbacks, metadata, buffers);
  }

  on_msg(callback) {
    this._onMsg = callback;
  }

  on_close(callback) {
    this._onClose = callback;
  }
}

export class KernelConnection {
  /**
   * @param options.wsUrl  ws(s)://host/base/ (ending in "/")
   * @param options.kernelId  the kernel Voila started for this page
   * @param options.onDead  called when the server says the kernel is dead or gone
   */
  constructor({ wsUrl, kernelId, onDead }) {
    this.url = `${wsUrl}api/kernels/${encodeURIComponent(kernelId)}/channels`;
    this.sessionId = uuid();
    this.onDead = onDead || (() => {});
    this.comms = new Map(); // comm id -> Comm
    this.targets = new Map(); // target name -> function(comm, msg)
    this.callbacks = new Map(); // msg id of a message we sent -> ipywidgets callbacks
    this.queue = [];
    this.socket = null;
    this.retryDelay = 250;
    this.retryTimer = null;
    this.closed = false;
    this.connections = 0; // websockets opened so far (1 + reconnections)
    this.onUnknownComm = () => {}; // a comm message or close for a comm this page has not opened
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") {
        this.reconnectNow();
      }
    });
    document.addEventListener("resume", () => this.reconnectNow());
  }

  /** Open the websocket; the promise resolves when it first opens. */
  connect() {
    if (!this.opened) {
      this.opened = new Promise((resolve) => {
        this._resolveOpened = resolve;
      });
    }
    if (this.closed) {
      return this.opened;
    }
    if (this.adoptEarly()) {
      return this.opened;
    }
    const url = `${this.url}?session_id=${encodeURIComponent(this.sessionId)}`;
    const socket = new WebSocket(url);
    this.connections += 1;
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => this._opened(socket);
    socket.onmessage = (event) => this.receive(deserialize(event.data));
    socket.onclose = () => this._lost(socket);
    return this.opened;
  }

  /** The socket is open: send what waited meanwhile. */
  _opened(socket) {
    this.retryDelay = 250;
    const waiting = this.queue;
    this.queue = [];
    waiting.forEach((frame) => socket.send(frame));
    this._resolveOpened();
  }

  /** The socket closed: deliver anything still held, and open another one later. */
  _lost(socket) {
    if (this.socket !== socket) {
      return;
    }
    this.socket = null;
    this.release();
    this.scheduleReconnect();
  }

  /**
   * Take over the websocket the page's inline script opened while this script was still
   * loading (window.nkEarlyKernel, set by the naikkelas-light template), with the messages it
   * received meanwhile; they are held until `release()`, so that whoever waits for the reply to
   * the script's early `request_states` can register its comm first. False if there is none,
   * or it has closed already (then a socket of our own is opened).
   */
  adoptEarly() {
    const early = window.nkEarlyKernel;
    window.nkEarlyKernel = null;
    if (!early || !early.socket || early.socket.readyState > WebSocket.OPEN) {
      return false;
    }
    const socket = early.socket;
    this.early = early;
    this.holding = true;
    this.sessionId = early.session;
    this.connections += 1;
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.holding) {
        early.frames.push(event.data);
      } else {
        this.receive(deserialize(event.data));
      }
    };
    socket.onclose = () => this._lost(socket);
    if (socket.readyState === WebSocket.OPEN) {
      this._opened(socket);
    } else {
      socket.addEventListener("open", () => this._opened(socket));
    }
    return true;
  }

  /** Deliver the messages held since the early websocket was adopted, and what follows. */
  release() {
    if (!this.holding) {
      return;
    }
    this.holding = false;
    const frames = this.early.frames;
    this.early.frames = [];
    frames.forEach((frame) => this.receive(deserialize(frame)));
  }

  scheduleReconnect() {
    if (this.closed || this.retryTimer) {
      return;
    }
    // Whether the kernel is gone is keepalive.js's to decide, on its own schedule: asking at
    // once would reload the page while the hub is still stopping the server, onto JupyterHub's
    // "Your server is stopping" page, which never moves on by itself.
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 10000);
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = null;
      if (navigator.onLine === false) {
        this.scheduleReconnect(); // the "online" event reconnects at once
        return;
      }
      this.connect();
    }, delay);
  }

  reconnectNow() {
    if (this.closed || this.socket) {
      return;
    }
    if (this.retryTimer) {
      window.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.retryDelay = 250;
    this.connect();
  }

  send(msgType, content, callbacks, metadata, buffers) {
    const msgId = uuid();
    const msg = {
      header: {
        msg_id: msgId,
        msg_type: msgType,
        session: this.sessionId,
        username: "",
        date: new Date().toISOString(),
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: metadata || {},
      content,
      channel: "shell",
      buffers: buffers || [],
    };
    if (callbacks) {
      this.callbacks.set(msgId, callbacks);
    }
    const frame = serialize(msg);
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(frame);
    } else {
      this.queue.push(frame);
    }
    return msgId;
  }

  newComm(targetName, commId) {
    const comm = new Comm(this, commId || uuid(), targetName);
    this.comms.set(comm.comm_id, comm);
    return comm;
  }

  registerTarget(targetName, handler) {
    this.targets.set(targetName, handler);
  }

  receive(msg) {
    const type = msg.header.msg_type;
    const content = msg.content || {};
    const parentId = (msg.parent_header || {}).msg_id;
    if (type === "status" && (content.execution_state === "dead" || content.execution_state === "restarting")) {
      this.onDead();
    }
    if (type === "comm_open") {
      const handler = this.targets.get(content.target_name);
      const comm = this.newComm(content.target_name, content.comm_id);
      if (handler) {
        Promise.resolve(handler(comm, msg)).catch((error) => console.error(error));
      }
    } else if (type === "comm_msg") {
      const comm = this.comms.get(content.comm_id);
      if (!comm) {
        this.onUnknownComm(msg);
      } else if (comm._onMsg) {
        comm._onMsg(msg);
      }
    } else if (type === "comm_close") {
      const comm = this.comms.get(content.comm_id);
      this.comms.delete(content.comm_id);
      if (!comm) {
        this.onUnknownComm(msg);
      } else if (comm._onClose) {
        comm._onClose(msg);
      }
    }
    const callbacks = parentId && this.callbacks.get(parentId);
    if (!callbacks) {
      return;
    }
    if (msg.channel === "iopub" && callbacks.iopub) {
      if (type === "status" && callbacks.iopub.status) {
        callbacks.iopub.status(msg);
      } else if (type === "clear_output" && callbacks.iopub.clear_output) {
        callbacks.iopub.clear_output(msg);
      } else if (callbacks.iopub.output && ["display_data", "execute_result", "stream", "error"].includes(type)) {
        callbacks.iopub.output(msg);
      }
    } else if (msg.channel === "shell" && callbacks.shell && callbacks.shell.reply) {
      callbacks.shell.reply(msg);
    }
    if (type === "status" && content.execution_state === "idle") {
      this.callbacks.delete(parentId); // a comm message's work is done when the kernel is idle
    }
  }
}

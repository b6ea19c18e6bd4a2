"""The light lesson page's kernel websocket client (frontend/src/kernel.js) speaks jupyter_server's
wire format: binary frames (a message with buffers, e.g. a photo upload) that jupyter_server's own
functions read and write. Runs the real module in Node; no hub, no browser."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    serialize_binary_message,
)

ROOT = Path(__file__).resolve().parents[2]
KERNEL_JS = ROOT / "frontend" / "src" / "kernel.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="needs node (the front-end is built with it)")

# Reads {"encode": msg-with-base64-buffers} or {"decode": base64 frame} on stdin.
SCRIPT = """
const { serialize, deserialize } = await import(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const b64 = (buf) => Buffer.from(buf instanceof ArrayBuffer ? buf : buf.buffer.slice(
  buf.byteOffset, buf.byteOffset + buf.byteLength)).toString("base64");
const fromB64 = (s) => { const b = Buffer.from(s, "base64");
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); };
if (input.encode) {
  const msg = input.encode;
  msg.buffers = msg.buffers.map((s) => new DataView(fromB64(s)));
  const frame = serialize(msg);
  console.log(JSON.stringify(typeof frame === "string" ? { text: frame } : { binary: b64(frame) }));
} else {
  const msg = deserialize(fromB64(input.decode));
  msg.buffers = msg.buffers.map(b64);
  console.log(JSON.stringify(msg));
}
"""


def node(tmp_path, payload: dict) -> dict:
    module = tmp_path / "kernel.mjs"  # the source as an ES module, as esbuild reads it
    module.write_text(KERNEL_JS.read_text())
    script = tmp_path / "run.cjs"
    script.write_text(f"(async () => {{ {SCRIPT} }})();")
    out = subprocess.run(
        [NODE, str(script), module.as_uri()],
        input=json.dumps(payload), capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return json.loads(out.stdout)


def message(buffers: list[bytes]) -> dict:
    return {
        "header": {"msg_id": "a1", "msg_type": "comm_msg", "session": "s", "username": "",
                   "date": "2026-11-23T00:00:00Z", "version": "5.3"},
        "parent_header": {},
        "metadata": {},
        "content": {"comm_id": "c1", "data": {"method": "update", "state": {"value": "é ✓"}}},
        "channel": "shell",
        "buffers": buffers,
    }  # fmt: skip


def test_a_message_with_buffers_is_a_binary_frame_jupyter_server_reads(tmp_path):
    photo, empty = bytes(range(256)) * 3, b""
    sent = message([base64.b64encode(photo).decode(), base64.b64encode(empty).decode()])
    frame = node(tmp_path, {"encode": sent})
    assert "binary" in frame, "buffers must travel in a binary frame"
    got = deserialize_binary_message(base64.b64decode(frame["binary"]))
    assert got["content"] == sent["content"]
    assert got["header"]["msg_id"] == "a1" and got["header"]["msg_type"] == "comm_msg"
    assert got["channel"] == "shell"
    assert [bytes(b) for b in got["buffers"]] == [photo, empty]


def test_a_message_without_buffers_is_json_text(tmp_path):
    frame = node(tmp_path, {"encode": message([])})
    assert json.loads(frame["text"])["content"]["data"]["state"]["value"] == "é ✓"


def test_a_binary_frame_from_jupyter_server_is_read(tmp_path):
    msg = message([])
    msg["channel"] = "iopub"
    msg["buffers"] = [b"\x00\x01picture", b"second"]
    frame = serialize_binary_message(msg)
    got = node(tmp_path, {"decode": base64.b64encode(frame).decode()})
    assert got["content"] == msg["content"] and got["channel"] == "iopub"
    assert [base64.b64decode(b) for b in got["buffers"]] == [b"\x00\x01picture", b"second"]

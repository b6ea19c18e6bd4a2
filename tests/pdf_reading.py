"""Reading back the PDFs NaikKelas writes with reportlab (no PDF library is installed).

Enough of PDF for our own files: objects, stream filters (ASCII85, Flate), pages in order,
text shown with `Tj` through each font's /ToUnicode map, and embedded images as PIL images.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
REF = rb"(\d+) 0 R"


@dataclass
class PdfObject:
    number: int
    head: bytes  # the dictionary (everything before `stream`)
    data: bytes | None  # the decoded stream, if any


@dataclass
class Page:
    text: list[str] = field(default_factory=list)  # each Tj string, in drawing order
    images: list = field(default_factory=list)  # PIL images drawn on the page


def _decode(head: bytes, raw: bytes) -> bytes:
    filters = re.findall(rb"/(ASCII85Decode|FlateDecode)", head)
    for name in filters:
        if name == b"ASCII85Decode":
            raw = raw.strip()
            raw = base64.a85decode(raw if raw.startswith(b"<~") else b"<~" + raw, adobe=True)
        else:
            raw = zlib.decompress(raw)
    return raw


def objects(pdf: bytes) -> dict[int, PdfObject]:
    result = {}
    for number, body in OBJ.findall(pdf):
        head, data = body, None
        if b"stream" in body:
            head, _, rest = body.partition(b"stream")
            raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0].rstrip(b"\r\n")
            data = _decode(head, raw)
        result[int(number)] = PdfObject(int(number), head, data)
    return result


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        ch = literal[i]
        if ch == 0x5C:  # backslash
            nxt = literal[i + 1 : i + 4]
            octal = re.match(rb"[0-7]{1,3}", nxt)
            if octal:
                out.append(int(octal.group(), 8))
                i += 1 + len(octal.group())
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt[:1], nxt[:1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return bytes(out)


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    return mapping


def read_pdf(pdf: bytes) -> list[Page]:
    """The pages of a reportlab PDF, in order, with their text and images."""
    from PIL import Image

    objs = objects(pdf)
    pages_obj = next(o for o in objs.values() if re.search(rb"/Type /Pages\b", o.head))
    kids = [int(n) for n in re.findall(REF, re.search(rb"/Kids \[(.*?)\]", pages_obj.head)[1])]
    # Font resource names (/F2+0) -> code -> text, through each font's /ToUnicode.
    fonts: dict[bytes, dict[int, str] | None] = {}
    for o in objs.values():
        for name, ref in re.findall(rb"/(F\d+(?:\+\d+)?) " + REF, o.head):
            font = objs[int(ref)].head
            uni = re.search(rb"/ToUnicode " + REF, font)
            fonts[name] = _cmap(objs[int(uni[1])].data) if uni else None
    images = {
        name: objs[int(ref)]
        for o in objs.values()
        for name, ref in re.findall(rb"/(FormXob\.\w+) " + REF, o.head)
    }
    pages = []
    for kid in kids:
        page = Page()
        contents = re.search(rb"/Contents " + REF, objs[kid].head)
        stream = objs[int(contents[1])].data
        font = None
        token = re.compile(
            rb"/(F\d+(?:\+\d+)?) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) ?Tj|/(FormXob\.\w+) Do"
        )
        for m in token.finditer(stream):
            if m[1]:
                font = fonts.get(m[1])
            elif m[3]:
                page.images.append(_image(images[m[3]], Image))
            else:
                raw = _unescape(m[2])
                text = "".join(font.get(b, "?") for b in raw) if font else raw.decode("cp1252")
                page.text.append(text)
        pages.append(page)
    return pages


def _image(obj: PdfObject, Image):  # noqa: N803 - the PIL module
    width = int(re.search(rb"/Width (\d+)", obj.head)[1])
    height = int(re.search(rb"/Height (\d+)", obj.head)[1])
    mode = "L" if b"/DeviceGray" in obj.head else "RGB"
    return Image.frombytes(mode, (width, height), obj.data)

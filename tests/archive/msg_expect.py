#!/usr/bin/python3
"""What the .msg reader must produce, worked out with olefile (python3-olefile), an independent
Compound File reader: for every .msg in SAMPLES, the header block the record must hold, its delivery
time and its From/Subject/Date values.

Usage: msg_expect.py SAMPLES OUTDIR
Writes OUTDIR/expect.tsv: file, mime (headers-only | original | none), delivery (unix seconds or
-), From, Subject, Date (unfolded, tabs as spaces); and OUTDIR/<n>.eml, the expected bytes of line n (0-based).
"""
import os
import re
import struct
import sys

import olefile

EPOCH_DELTA = 11644473600


def header_block(text):
    """The header section as CRLF lines ending in an empty line (the stores keep no body)."""
    lines = re.split(rb"\r?\n", text)
    while lines and lines[0] == b"":
        lines.pop(0)
    if lines and lines[0].lower().startswith(b"microsoft mail internet headers version 2.0"):
        lines.pop(0)
    out = []
    for line in lines:
        if line == b"":
            break
        out.append(line)
    return b"".join(l + b"\r\n" for l in out) + b"\r\n" if out else b""


def field(block, name):
    m = re.search(rb"(?im)^" + name.encode() + rb":([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", block)
    if not m:
        return "<none>"
    # Unfolded, tabs as spaces (the TSV's separator), trimmed.
    return m.group(1).replace(b"\r\n", b"").replace(b"\t", b" ").strip().decode("utf-8", "replace")


def main():
    samples, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rows = []
    for name in sorted(os.listdir(samples)):
        if not name.endswith(".msg"):
            continue
        ole = olefile.OleFileIO(os.path.join(samples, name))
        block = b""
        if ole.exists("__substg1.0_007D001F"):
            text = ole.openstream("__substg1.0_007D001F").read().decode("utf-16-le", "replace")
            block = header_block(text.split("\x00")[0].encode("utf-8"))
        elif ole.exists("__substg1.0_007D001E"):
            block = header_block(ole.openstream("__substg1.0_007D001E").read().split(b"\x00")[0])
        delivery = "-"
        props = ole.openstream("__properties_version1.0").read()
        for pos in range(32, len(props) - 15, 16):
            tag, _flags, value = struct.unpack_from("<IIQ", props, pos)
            if tag == 0x0E060040 and value:
                delivery = str(value // 10**7 - EPOCH_DELTA)
        klass = b""
        if ole.exists("__substg1.0_001A001F"):
            klass = ole.openstream("__substg1.0_001A001F").read().decode("utf-16-le").encode()
        mime = "headers-only" if block else "none"
        data = block
        if block and klass.lower().startswith(b"ipm.note.smime.multipartsigned"):
            entity = ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102").read()
            data = block + entity.split(b"\r\n\r\n", 1)[1]
            mime = "original"
        with open(os.path.join(out, "%d.eml" % len(rows)), "wb") as f:
            f.write(data)
        rows.append("\t".join([name, mime, delivery, field(block, "From"), field(block, "Subject"),
                               field(block, "Date")]))
    with open(os.path.join(out, "expect.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()

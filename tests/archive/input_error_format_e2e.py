#!/usr/bin/python3
"""End to end: every input-error record says what the input was taken for (`source_format`).

Inputs that fail in different readers go through one `mailverify scan`: a missing path (failed
before its format was known: "unknown"), a gzip mbox and a gzip single message cut short (the gzip
layer fails inside the mbox splitter and inside the single-message read: "mbox" and "eml"), a real
PST sample cut to a quarter (libpff or the truncation check refuses it: "pst"), the real OST sample
cut the same way ("ost"), and an Outlook for Mac .olm ZIP ("olm"), written here and the real
sample. A good message after them shows
the run goes on. The gzip streams are written by Python's gzip module and the .olm by zipfile.

Usage: input_error_format_e2e.py MAILVERIFY SAMPLES_DIR
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import zipfile

MESSAGE = (b"From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: m%d\n"
           b"Date: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <m%d@example.org>\n\n" +
           b"body line\n" * 4000)


def truncated_gzip(data):
    packed = gzip.compress(data)
    return packed[: len(packed) // 2]


def main():
    mailverify, samples = sys.argv[1], sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        def put(name, data):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            return path

        mbox = b"".join(b"From alice@example.org Mon Jan  1 10:00:00 2024\n" + MESSAGE % (i, i) +
                        b"\n" for i in range(3))
        inputs = [
            (os.path.join(tmp, "missing.mbox"), "unknown"),
            (put("cut.mbox.gz", truncated_gzip(mbox)), "mbox"),
            (put("cut.eml.gz", truncated_gzip(MESSAGE % (9, 9))), "eml"),
        ]
        for sample, fmt in (("hughbe-pstreader__backup.pst", "pst"),
                            ("aspose-net__SampleOstFile.ost", "ost")):
            with open(os.path.join(samples, "pst", sample), "rb") as f:
                whole = f.read()
            inputs.append((put("cut." + fmt, whole[: len(whole) // 4]), fmt))
        olm = os.path.join(tmp, "Archive.olm")
        with zipfile.ZipFile(olm, "w") as z:
            z.writestr("Local/com.microsoft.__Messages/Inbox/message_00000.xml",
                       "<emails><email/></emails>")
        inputs.append((olm, "olm"))
        # The real Outlook for Mac archive (Aspose's SampleOLM.olm, 22 messages as XML).
        inputs.append((os.path.join(samples, "olm", "aspose-net__SampleOLM.olm"), "olm"))
        good = put("good.eml", MESSAGE % (7, 7))

        out = subprocess.run([mailverify, "scan", *[p for p, _ in inputs], good],
                             capture_output=True)
        if out.returncode not in (0, 1):
            sys.exit("mailverify failed (%d): %s" % (out.returncode, out.stderr.decode()))
        records = [json.loads(line) for line in out.stdout.decode().splitlines()]

    errors = {}
    for r in records:
        if r.get("input_error"):
            errors[os.path.basename(r["source"])] = r
    for path, fmt in inputs:
        name = os.path.basename(path)
        r = errors.get(name)
        if r is None:
            failures.append("%s: no input_error record" % name)
            continue
        if r.get("source_format") != fmt:
            failures.append("%s: source_format %r, want %r (%s)" %
                            (name, r.get("source_format"), fmt, r.get("error")))
        if not r.get("error", "").startswith(path):
            failures.append("%s: error %r does not name the input" % (name, r.get("error")))
    if not records or records[-1].get("subject") != "m7" or records[-1].get("input_error"):
        failures.append("the good message after the failed inputs is missing: %r" % records[-1:])
    if failures:
        sys.exit("\n".join(failures))
    print("ok: %d input errors, each with its source_format" % len(inputs))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Hostile archives through the real mailverify binary. Each case generates its input in a temp
folder (nothing big is committed), runs `mailverify scan` on it and checks that the run completes
with the documented exit status, that every output line is valid JSON (strict UTF-8), that the
records are exactly the messages that went in (plus the input-error records documented), that each
carries the expected per-message error, and that the child's peak RSS (getrusage via wait4) stays
under a generous bound. No time is asserted: the machine is shared.

usage: hostile_archive.py MAILVERIFY CASE [--sanitized]
"""
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

MB = 1024 * 1024

# The child's peak RSS (wait4's ru_maxrss) keeps the high-water mark of the memory it was started
# from: with vfork that is this process's own peak (the 100 MB inputs built here), with fork only
# what this process holds at that moment. So fork, and hold no big object while a child runs.
subprocess._USE_VFORK = False
subprocess._USE_POSIX_SPAWN = False


class Case:
    def __init__(self, binary, tmp, sanitized):
        self.binary = binary
        self.tmp = tmp
        # ASan's shadow memory and quarantine make every allocation cost more.
        self.rss_scale = 4 if sanitized else 1
        self.zone = os.path.join(tmp, "empty.zone")
        with open(self.zone, "w") as f:
            f.write("$ORIGIN example.org.\n@ 300 IN TXT \"v=spf1 -all\"\n")

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, inputs, *extra):
        """Runs mailverify; returns (exit status, records, peak RSS in MB)."""
        out = self.path("out.jsonl")
        args = [self.binary, "scan", "-q", "--threads", "2", "--dns-zone", self.zone,
                "--at", "2025-01-01T00:00:00Z", "-o", out, *extra, *inputs]
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss_mb = usage.ru_maxrss / 1024
        if proc.returncode < 0 or proc.returncode > 2:
            fail("mailverify died (status %d): %s" % (proc.returncode, stderr.decode("utf-8", "replace")[-2000:]))
        records = []
        with open(out, "rb") as f:
            for n, line in enumerate(f):
                try:
                    records.append(json.loads(line.decode("utf-8")))
                except (UnicodeDecodeError, json.JSONDecodeError) as e:
                    fail("output line %d is not valid JSON (%s): %r" % (n, e, line[:200]))
        schema_check.check_records_file(out, limit=4000)
        os.unlink(out)
        print("  exit %d, %d records, peak RSS %.0f MB" % (proc.returncode, len(records), rss_mb))
        return proc.returncode, records, rss_mb

    def expect_rss_below(self, rss_mb, bound_mb):
        if rss_mb > bound_mb * self.rss_scale:
            fail("peak RSS %.0f MB over the bound of %d MB" % (rss_mb, bound_mb * self.rss_scale))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def message(i, extra_headers=b"", body=b"hello\n"):
    return (b"From: sender%d@example.org\nTo: a@example.net\nSubject: message %d\n"
            b"Message-ID: <%d@example.org>\n" % (i, i, i)) + extra_headers + b"\n" + body


def mbox(messages):
    return b"".join(b"From sender@example.org Mon Jan  1 00:00:00 2024\n" + m + b"\n"
                    for m in messages)


def write(case, name, data):
    p = case.path(name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def messages_in_order(records, n, source=None):
    msgs = [r for r in records if not r.get("input_error")]
    check(len(msgs) == n, "%d message records, expected %d" % (len(msgs), n))
    check([r["index"] for r in msgs] == list(range(n)), "message indices are not 0..n-1 in order")
    return msgs


def case_truncated_gzip(c):
    data = mbox([message(i, body=b"line %d\n" % i * 200) for i in range(200)])
    packed = gzip.compress(data, 6)
    cut = packed[: len(packed) // 2]
    p = write(c, "cut.mbox.gz", cut)
    # What a decompressor can recover from the cut stream: every message that is followed by the
    # next separator in it is complete; the last one is not and must not be handed on.
    prefix = zlib.decompressobj(wbits=31).decompress(cut)
    complete = prefix.count(b"\n\nFrom sender@") + (1 if prefix.startswith(b"From ") else 0) - 1
    status, records, rss = c.run([p])
    check(status == 1, "a truncated input exits with 1, got %d" % status)
    messages_in_order(records, complete)
    check(records[-1].get("input_error") is True, "the last record is not the input error")
    check("truncated" in records[-1]["error"], "input error does not say truncated: %r" % records[-1]["error"])
    check(sum(1 for r in records if r.get("input_error")) == 1, "more than one input error")
    c.expect_rss_below(rss, 300)


def case_binary_junk(c):
    rng = random.Random(8)
    junk = bytes(rng.getrandbits(8) for _ in range(256 * 1024)) * 20  # 5 MB
    junk = b"\x01" + junk  # no magic bytes of a compressor, no "From "
    p = write(c, "junk.bin", junk)
    status, records, rss = c.run([p])
    check(status == 0, "a readable file exits 0 whatever it holds, got %d" % status)
    (r,) = messages_in_order(records, 1)
    check(r["size"] == len(junk), "size %d, expected %d" % (r["size"], len(junk)))
    check("error" in r, "binary junk got no header error")
    # The same junk inside an mbox, between two good messages.
    p = write(c, "junk.mbox", mbox([message(0), junk + b"\n", message(2)]))
    status, records, rss2 = c.run([p])
    check(status == 0, "exit %d" % status)
    msgs = messages_in_order(records, 3)
    check("error" not in msgs[0] and "error" not in msgs[2], "good neighbours got an error")
    check("error" in msgs[1], "the junk message got no error")
    c.expect_rss_below(max(rss, rss2), 300)


def case_huge_line(c):
    # No big object may stay alive here (see _USE_VFORK above).
    p = write(c, "line.eml", message(0, extra_headers=b"X-Long: " + b"a" * (100 * MB) + b"\n"))
    status, records, rss = c.run([p])
    check(status == 0, "exit %d" % status)
    (r,) = messages_in_order(records, 1)
    check("header section larger than" in r.get("error", ""), "no header-size error: %r" % r.get("error"))
    os.unlink(p)
    # As a body line inside an mbox, and once more over a --max-message-size of 50 MB.
    p = write(c, "line.mbox", mbox([message(0), message(1, body=b"a" * (100 * MB) + b"\n"), message(2)]))
    status, records, rss2 = c.run([p])
    check(status == 0, "exit %d" % status)
    msgs = messages_in_order(records, 3)
    check(all("error" not in m for m in msgs), "a 100 MB body line is a valid message")
    status, records, rss3 = c.run([p], "--max-message-size", str(50 * MB))
    msgs = messages_in_order(records, 3)
    check("error" not in msgs[0] and "error" not in msgs[2], "neighbours of the oversized message")
    check("exceeds the maximum message size" in msgs[1].get("error", ""), "no size error: %r" % msgs[1].get("error"))
    # The reader holds a message that size about twice while growing its buffer.
    c.expect_rss_below(max(rss, rss2, rss3), 400)


def case_many_tiny(c):
    n = 100000
    data = b"".join(b"From x Mon Jan  1 00:00:00 2024\nFrom: a@example.org\nSubject: %d\n\nhi\n\n" % i
                    for i in range(n))
    p = write(c, "tiny.mbox", data)
    status, records, rss = c.run([p])
    check(status == 0, "exit %d" % status)
    msgs = messages_in_order(records, n)
    check(all(m["subject"] == str(i) for i, m in enumerate(msgs)), "subjects out of order")
    c.expect_rss_below(rss, 400)


def dkim_signature(i):
    return (b"DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel%d; c=relaxed/relaxed;\n"
            b" h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\n" % i)


def case_many_signatures(c):
    sigs = b"".join(dkim_signature(i) for i in range(10000))
    p = write(c, "sigs.eml", message(0, extra_headers=sigs))
    status, records, rss = c.run([p])
    check(status == 0, "exit %d" % status)
    (r,) = messages_in_order(records, 1)
    check("more than 5000 header fields" in r.get("error", ""), "no field-count error: %r" % r.get("error"))
    # All 10,000 indexed: 20 checked (no key: permerror), the rest reported as not checked.
    status, records, rss2 = c.run([p], "--max-header-fields", "20000")
    (r,) = messages_in_order(records, 1)
    check("error" not in r, "unexpected error %r" % r.get("error"))
    dkim = r["dkim"]
    check(len(dkim) == 10000, "%d DKIM results, expected 10000" % len(dkim))
    checked = [d for d in dkim if d["result"] != "policy"]
    check(len(checked) == 20, "%d signatures checked, expected 20" % len(checked))
    check(all(d["result"] == "permerror" for d in checked), "a checked signature is not permerror")
    c.expect_rss_below(max(rss, rss2), 400)


def case_nested_mime(c):
    depth = 10000
    head = b"".join(b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i)
                    for i in range(depth))
    tail = b"".join(b"\n--b%d--\n" % i for i in reversed(range(depth)))
    body = b"This is a multipart message.\n" + head + b"Content-Type: text/plain\n\nleaf\n" + tail
    extra = b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"top\"\n" + dkim_signature(0)
    p = write(c, "mime.eml", message(0, extra_headers=extra, body=body))
    status, records, rss = c.run([p])
    check(status == 0, "exit %d" % status)
    (r,) = messages_in_order(records, 1)
    check(len(r["dkim"]) == 1 and r["dkim"][0]["result"] == "permerror", "dkim: %r" % r["dkim"])
    c.expect_rss_below(rss, 300)


def case_nul_bytes(c):
    bad = message(1, extra_headers=b"X-Nul: a\x00b\n", body=b"body \x00 with \x00\x00 NULs\n")
    p = write(c, "nul.mbox", mbox([message(0), bad, message(2)]))
    status, records, rss = c.run([p])
    check(status == 0, "exit %d" % status)
    msgs = messages_in_order(records, 3)
    check("NUL byte" in msgs[1].get("error", ""), "no NUL error: %r" % msgs[1].get("error"))
    check("error" not in msgs[0] and "error" not in msgs[2], "neighbours got an error")
    c.expect_rss_below(rss, 300)


def case_invalid_utf8(c):
    bad = (b"From: \xff\xfe bad <x@example.org>\nSubject: \xc3\x28 \xed\xa0\x80 \xf8\x88\x80\x80\x80\n"
           b"Message-ID: <\xc0\xaf@example.org>\n\nbody \xff\n")
    p = write(c, "utf8.mbox", mbox([message(0), bad, message(2)]))
    status, records, rss = c.run([p])  # run() decodes every line as strict UTF-8 JSON
    check(status == 0, "exit %d" % status)
    msgs = messages_in_order(records, 3)
    check("subject" in msgs[1] and "from" in msgs[1], "the fields with bad bytes are not reported")
    c.expect_rss_below(rss, 300)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in CASES:
        fail("usage: hostile_archive.py MAILVERIFY CASE [--sanitized]; cases: " + " ".join(CASES))
    with tempfile.TemporaryDirectory(prefix="mv-hostile-") as tmp:
        print("case " + sys.argv[2])
        CASES[sys.argv[2]](Case(sys.argv[1], tmp, "--sanitized" in sys.argv[3:]))
    print("ok")


if __name__ == "__main__":
    main()

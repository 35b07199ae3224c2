"""Shared pieces of the end-to-end conformance drivers: master-file writing, message files, running
`mailverify scan` and collecting per-case failures.

Every driver turns a public suite's cases into what an archive owner would hand to mailverify (a
folder of .eml files and a DNS snapshot in master-file syntax), runs the built executable on them
and compares each record with the suite's expected result. Nothing here evaluates a protocol.
"""
import json
import os
import subprocess
import sys

# Bytes a master file may hold bare in a name (dns_name_text.h writes the same set).
_NAME_SPECIAL = set(b'.\\"();@$')


def escape_name(name):
    """A raw DNS name (str or bytes, no trailing dot) in master-file form, with the final dot."""
    raw = name.encode("utf-8") if isinstance(name, str) else name
    raw = raw.rstrip(b".")
    out = []
    for b in raw:
        if b == 0x2E or (0x20 < b < 0x7F and b not in _NAME_SPECIAL):
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    return "".join(out) + "."


def quote_string(s):
    """One TXT character-string in master-file form."""
    raw = s.encode("utf-8") if isinstance(s, str) else s
    out = ['"']
    for b in raw:
        if b in (0x22, 0x5C):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    out.append('"')
    return "".join(out)


def txt_rdata(strings):
    """TXT rdata for a list of strings, each cut into character-strings of at most 255 bytes. A
    record of no strings cannot be written in a master file; it becomes one empty string, whose
    joined value is the same."""
    parts = []
    for s in strings:
        raw = s.encode("utf-8") if isinstance(s, str) else s
        if not raw:
            parts.append('""')
        for i in range(0, len(raw), 255):
            parts.append(quote_string(raw[i:i + 255]))
    return " ".join(parts) if parts else '""'


def outcome_line(status, name, rtype, ttl=300, detail=""):
    """The recorder's comment line for an answer without records (zone_loader.h)."""
    line = ";@mailverify %s %s %s %d" % (status, escape_name(name), rtype, ttl)
    return line + (" " + detail if detail else "")


def to_crlf(data):
    """Every bare LF as CRLF, as the suites' reference harnesses do."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def write_messages(folder, messages):
    """Writes each (key, bytes) as folder/NNNN.eml; returns {file path: key}, the key of each
    record's `source`."""
    os.makedirs(folder, exist_ok=True)
    by_path = {}
    for n, (key, data) in enumerate(messages):
        path = os.path.join(folder, "%05d.eml" % n)
        with open(path, "wb") as f:
            f.write(data)
        by_path[path] = key
    return by_path


def scan(mailverify, inputs, *args):
    """Runs `mailverify scan ARGS INPUTS` and returns its records, in output order."""
    cmd = [mailverify, "scan", *args, *inputs]
    done = subprocess.run(cmd, capture_output=True, timeout=300)
    if done.returncode not in (0, 1):
        sys.exit("%s exited %d: %s" % (" ".join(cmd), done.returncode,
                                       done.stderr.decode(errors="replace")))
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines() if line]


def scan_all(mailverify, jobs, workers=8):
    """Runs one scan per job, (inputs, args), a few at a time (each is a small, mostly idle
    process); returns their record lists in job order."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: scan(mailverify, job[0], *job[1]), jobs))


def records_by_key(records, by_path):
    """Maps each record to its case key through its `source`."""
    out = {}
    for r in records:
        key = by_path.get(r.get("source"))
        if key is None:
            sys.exit("record for an unknown source: %r" % r.get("source"))
        out[key] = r
    return out


class Tally:
    """Counts cases; prints every failure and every skip with its reason; the exit status."""

    def __init__(self, suite):
        self.suite = suite
        self.checked = 0
        self.failures = []
        self.skipped = []
        self.notes = []

    def check(self, case, ok, detail):
        self.checked += 1
        if not ok:
            self.failures.append((case, detail))

    def skip(self, case, why):
        self.skipped.append((case, why))

    def note(self, case, text):
        self.notes.append((case, text))

    def finish(self, expected_total=None):
        for case, text in self.notes:
            print("note: %s: %s" % (case, text))
        for case, why in self.skipped:
            print("skipped: %s: %s" % (case, why))
        for case, detail in self.failures:
            print("FAILED: %s: %s" % (case, detail))
        total = self.checked + len(self.skipped)
        print("%s through `mailverify scan`: %d of %d cases passed, %d skipped" %
              (self.suite, self.checked - len(self.failures), total, len(self.skipped)))
        if expected_total is not None and total != expected_total:
            print("FAILED: expected %d cases, found %d" % (expected_total, total))
            return 1
        return 1 if self.failures else 0

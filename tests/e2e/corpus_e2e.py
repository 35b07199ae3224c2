#!/usr/bin/python3
"""End-to-end checks of the mailverify executable on the shipped corpus (corpus/sample.mbox with its
DNS snapshot corpus/sample.zone). Each check is one ctest test:

  corpus_e2e.py MAILVERIFY REPO offline     verdicts equal corpus/expected.jsonl
  corpus_e2e.py MAILVERIFY REPO threads     1 and 2 threads give byte-identical output
  corpus_e2e.py MAILVERIFY REPO ar          --format ar: one header per message, parsed by authres
  corpus_e2e.py MAILVERIFY REPO formats     mbox, Maildir-free .eml folder and gzip give equal verdicts
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

AT = "2025-01-01T00:00:00Z"  # a fixed verification time: results must not depend on the clock


def scan(mailverify, repo, *args):
    cmd = [mailverify, "scan", "--quiet", "--dns-zone", os.path.join(repo, "corpus/sample.zone"),
           "--at", AT, "--authserv-id", "mx.test.example", *args]
    done = subprocess.run(cmd, capture_output=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def check_offline(mailverify, repo):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.jsonl")
        with open(out, "wb") as f:
            f.write(scan(mailverify, repo, os.path.join(repo, "corpus/sample.mbox")))
        schema_check.check_records_file(out)
        compare = os.path.join(os.path.dirname(__file__), "compare_expected.py")
        return subprocess.run([sys.executable, compare, out,
                               os.path.join(repo, "corpus/expected.jsonl")]).returncode


def check_threads(mailverify, repo):
    mbox = os.path.join(repo, "corpus/sample.mbox")
    one = scan(mailverify, repo, "--threads", "1", mbox)
    two = scan(mailverify, repo, "--threads", "2", mbox)
    lines = one.count(b"\n")
    print(f"1 thread: {len(one)} bytes, {lines} records; 2 threads: {len(two)} bytes")
    if lines != 300 or one != two:
        print("outputs differ or record count is not 300")
        return 1
    return 0


def check_ar(mailverify, repo):
    sys.path.insert(0, "/usr/lib/python3/dist-packages")
    import authres  # Debian python3-authres: an independent RFC 8601 parser

    out = scan(mailverify, repo, "--format", "ar", os.path.join(repo, "corpus/sample.mbox"))
    lines = out.decode("utf-8").splitlines()
    records = [json.loads(l) for l in scan(mailverify, repo, os.path.join(repo, "corpus/sample.mbox"))
               .decode("utf-8").splitlines()]
    if len(lines) != 300 or len(records) != 300:
        print(f"{len(lines)} headers and {len(records)} records for 300 messages")
        return 1
    bad = 0
    for line, record in zip(lines, records):
        parsed = authres.AuthenticationResultsHeader.parse(line)
        methods = [r.method for r in parsed.results]
        want = ["dkim"] * max(1, len(record["dkim"])) + ["spf", "dmarc", "arc"]
        results = {r.method: r.result for r in parsed.results if r.method != "dkim"}
        dkim = [r.result for r in parsed.results if r.method == "dkim"]
        want_dkim = [s["result"] for s in record["dkim"]] or ["none"]
        if (parsed.authserv_id != "mx.test.example" or methods != want or dkim != want_dkim or
                results != {"spf": record["spf"]["result"], "dmarc": record["dmarc"]["result"],
                            "arc": record["arc"]["result"]}):
            bad += 1
            if bad <= 5:
                print(f"mismatch: {line}\n  record: dkim={want_dkim} spf={record['spf']['result']} "
                      f"dmarc={record['dmarc']['result']}")
    print(f"{len(lines)} Authentication-Results headers parsed by python3-authres; {bad} mismatches")
    return 1 if bad else 0


def split_mbox(data):
    """Splits an mboxrd file the way the generator wrote it (blank line, then 'From ')."""
    messages, current = [], []
    for line in data.split(b"\n"):
        if line.startswith(b"From ") and (not current or current[-1] == b""):
            if current:
                messages.append(b"\n".join(current[:-1]) + b"\n")
            current = []
            continue
        if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
            line = line[1:]
        current.append(line)
    if current:
        messages.append(b"\n".join(current).rstrip(b"\n") + b"\n")
    return messages


def verdicts(output):
    schema_check.check_records(output, "scan")
    rows = []
    for line in output.decode("utf-8").splitlines():
        r = json.loads(line)
        rows.append((r["message_id"], [(s["d"], s["result"], s["reason"]) for s in r["dkim"]],
                     r["spf"]["result"], r["dmarc"]["result"]))
    return rows


def check_formats(mailverify, repo):
    mbox = os.path.join(repo, "corpus/sample.mbox")
    data = open(mbox, "rb").read()
    reference = verdicts(scan(mailverify, repo, mbox))
    with tempfile.TemporaryDirectory() as tmp:
        gz = os.path.join(tmp, "archive.data")  # no .gz suffix: detection is by magic bytes
        with gzip.open(gz, "wb") as f:
            f.write(data)
        from_gzip = verdicts(scan(mailverify, repo, gz))
        folder = os.path.join(tmp, "eml")
        os.mkdir(folder)
        for i, message in enumerate(split_mbox(data)):
            with open(os.path.join(folder, f"{i:05d}.eml"), "wb") as f:
                f.write(message)
        from_eml = verdicts(scan(mailverify, repo, folder))
    failures = 0
    for name, rows in (("gzip", from_gzip), ("eml folder", from_eml)):
        same = sum(1 for a, b in zip(reference, rows) if a == b)
        print(f"{name}: {len(rows)} records, {same} with verdicts equal to the mbox run")
        if len(rows) != len(reference) or same != len(reference):
            failures += 1
    return 1 if failures else 0


def main():
    mailverify, repo, which = sys.argv[1:4]
    checks = {"offline": check_offline, "threads": check_threads, "ar": check_ar,
              "formats": check_formats}
    return checks[which](mailverify, repo)


if __name__ == "__main__":
    sys.exit(main())

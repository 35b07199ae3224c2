#!/usr/bin/python3
"""Proves the schema checks can fail, and that the schemas say what the code does.

1. The schemas in docs/schema/ are valid JSON Schema 2020-12.
2. Real records are valid: a scan of corpus/sample.mbox plus an input that does not exist, and
   one of every store in tests/archive/samples/ (other projects' mbox, Maildir, MH, Thunderbird,
   Takeout, Apple Mail .emlx and .partial.emlx, .eml, PST, OST, .msg) plus an Outlook for Mac
   .olm archive (an input error). Of the corpus records,
   each of a list of broken copies of them (a misspelled or missing member, a reason the code does
   not have, a wrong type, a bad date, another schema_version, ...) is refused.
3. The enums of results, reasons and key-trust verdicts are exactly the names the C++ code writes
   (read from its name functions), and the schema's schema_version is kRecordSchemaVersion.
4. Broken plan, done and manifest documents are refused.

5. The loading examples of docs/REPORTS.md ("The record format") run on the corpus records and
   give what the page says (the pandas one only where python3-pandas is installed: scripts/deps
   does not install it).
6. (keytrust) Records with every key-trust verdict, an archive key window and an ARC chain, from
   the archive tests/keytrust/make_keytrust_archive.py builds (a separate ctest: it takes seconds).

Usage: schema_check_test.py MAILVERIFY REPO [keytrust]
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_check  # noqa: E402

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def names_written(repo, path, function):
    """The strings a C++ name function returns from its switch cases (not the fallback)."""
    text = open(os.path.join(repo, path), encoding="utf-8").read()
    start = text.index(f" {function}(")
    body = text[start:text.index("\n}\n", start)]
    return re.findall(r'^ {6}return "([^"]*)";', body, re.M)


def schema_enums(schema, pointer):
    node = schema
    for part in pointer.split("/"):
        node = node[part]
    return node["enum"]


def refused(mutate, record, what):
    broken = copy.deepcopy(record)
    mutate(broken)
    found = schema_check.problems("record", broken)
    check(bool(found), f"refused: {what}" + (f" ({found[0]})" if found else ""))


# A delivery status notification (RFC 3464) that also carries DKIM2 fields: `bounce`, `dsn` and
# `dkim2` members.
DSN = b"""From MAILER-DAEMON Mon Jan  1 00:00:00 2024
Received: from mx.bounce.example ([192.0.2.10]) by mx.test.example;
 Mon, 1 Jan 2024 00:00:00 +0000
Return-Path: <>
DKIM2-Signature: i=1; d=bounce.example; placeholder
Message-Instance: v=1; placeholder
From: MAILER-DAEMON@mx.bounce.example
To: alice@example.org
Subject: Undelivered Mail
Date: Mon, 1 Jan 2024 00:00:00 +0000
Message-ID: <dsn1@mx.bounce.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Delivery failed.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.bounce.example

Final-Recipient: rfc822; bob@bounce.example
Action: failed
Status: 5.1.1

--b--
"""


def scan_records(mailverify, *args):
    done = subprocess.run([mailverify, "scan", "-q", "--at", "2025-01-01T00:00:00Z", *args],
                          capture_output=True)
    n = schema_check.check_records(done.stdout, "scan " + " ".join(args))
    return n, [json.loads(line) for line in done.stdout.splitlines()]


def check_keytrust(mailverify, repo):
    with tempfile.TemporaryDirectory(prefix="mv-schema-keytrust-") as tmp:
        make = os.path.join(repo, "tests/keytrust/make_keytrust_archive.py")
        subprocess.run(["/usr/bin/python3", make,
                        tmp, os.path.join(repo, "tests/conformance/dkim/rfc/rfc6376.txt")],
                       check=True, capture_output=True)
        n, records = scan_records(mailverify, "--dns-zone", tmp + "/dns.zone",
                                  tmp + "/archive.mbox", tmp + "/arc.mbox")
        verdicts = {s.get("key_trust") for r in records for s in r["dkim"]}
        check(len(verdicts) > 3, f"{n} records with key-trust verdicts {sorted(verdicts)} valid")
        seals = [h["seal"].get("key_trust") for r in records for h in r["arc"]["hops"]]
        check(seals != [], f"with an ARC chain whose seal's key is {seals}")
        n, records = scan_records(mailverify, "--at", "received", "--dns-zone", tmp + "/empty.zone",
                                  "--keys", tmp + "/window.json", tmp + "/window.mbox")
        windows = sorted(s.get("key_window") for r in records for s in r["dkim"])
        check(windows == ["inside", "outside"], f"{n} records with archive key windows valid")


def check_docs_examples(repo, corpus_jsonl):
    """Runs the shell and Python blocks of REPORTS.md's record-format section in a folder holding
    the corpus scan as results.jsonl."""
    text = open(os.path.join(repo, "docs/REPORTS.md"), encoding="utf-8").read()
    section = text[text.index("## The record format"):text.index("## The database")]
    blocks = re.findall(r"```(sh|python)\n(.*?)```", section, re.S)
    check(len(blocks) >= 4, f"REPORTS.md has {len(blocks)} loading examples")
    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema_check.py")
    with tempfile.TemporaryDirectory(prefix="mv-schema-docs-") as tmp:
        with open(os.path.join(tmp, "results.jsonl"), "wb") as f:
            f.write(corpus_jsonl)
        for n, (language, code) in enumerate(blocks):
            if language == "python":
                try:
                    import pandas  # noqa: F401
                except ImportError:
                    print("skip  the pandas example: python3-pandas is not installed")
                    continue
                cmd = ["/usr/bin/python3", "-c", code]
            else:
                cmd = ["bash", "-e", "-o", "pipefail", "-c",
                       code.replace("tests/tools/schema_check.py", checker)]
            run = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=60)
            check(run.returncode == 0 and run.stdout, f"REPORTS.md example {n} ({language}) runs: "
                                                      f"{run.stderr[-300:]}")
            for said in re.findall(r"# (\[1\]|\{\"fail\".*\})", code):
                check(said in run.stdout, f"example {n} prints {said}, as the page says")


def main():
    mailverify, repo = sys.argv[1:3]
    if sys.argv[3:] == ["keytrust"]:
        check_keytrust(mailverify, repo)
        return finish()
    for kind in schema_check.SCHEMAS:
        schema_check.validator(kind)  # check_schema raises on an invalid schema
    check(True, "every schema in docs/schema/ is valid Draft 2020-12")

    scan = subprocess.run([mailverify, "scan", "-q", "--dns-zone",
                           os.path.join(repo, "corpus/sample.zone"), "--at",
                           "2025-01-01T00:00:00Z", os.path.join(repo, "corpus/sample.mbox"),
                           os.path.join(repo, "corpus/no-such-file.mbox")], capture_output=True)
    check(scan.returncode == 1, f"scan with a missing input exits 1 ({scan.returncode})")
    lines = scan.stdout.decode("utf-8").splitlines()
    check(schema_check.check_records(lines, "corpus scan") == 301, "301 real records valid")
    records = [json.loads(line) for line in lines]
    check_docs_examples(repo, scan.stdout)
    signed = next(r for r in records if r.get("dkim") and r.get("recorded_auth_results") is None)
    missing = records[-1]
    check(missing.get("input_error") is True, "the last record is the input error")

    with tempfile.TemporaryDirectory(prefix="mv-schema-") as tmp:
        olm = os.path.join(tmp, "Archive.olm")  # what Outlook for Mac writes: no header block
        with zipfile.ZipFile(olm, "w") as z:
            z.writestr("Local/com.microsoft.__Messages/Inbox/message_00000.xml", "<emails/>")
        stores = subprocess.run([mailverify, "scan", "-q", "--dns-zone",
                                 os.path.join(repo, "corpus/sample.zone"), "--at",
                                 "2025-01-01T00:00:00Z",
                                 os.path.join(repo, "tests/archive/samples"), olm],
                                capture_output=True)
    n = schema_check.check_records(stores.stdout, "scan of tests/archive/samples and an .olm")
    store_records = [json.loads(line) for line in stores.stdout.splitlines()]
    formats = {r.get("source_format") for r in store_records}
    want = {"mbox", "eml", "maildir", "mh", "emlx", "partial-emlx", "pst", "ost", "msg"}
    check(want <= formats, f"{n} store records valid, of every format: {sorted(want - formats)} "
                           "missing")
    check(store_records[-1].get("input_error") is True and ".olm" in store_records[-1]["error"],
          "the .olm archive is an input-error record")
    n, bis = scan_records(mailverify, "--dmarc-rules", "rfc9989", "--dns-zone",
                          os.path.join(repo, "corpus/sample.zone"),
                          os.path.join(repo, "corpus/sample.mbox"))
    check(n == 300 and {r["dmarc"]["discovery_method"] for r in bis} == {"treewalk"},
          f"{n} records under RFC 9989 (tree walk) valid")
    with tempfile.TemporaryDirectory(prefix="mv-schema-") as tmp:
        with open(os.path.join(tmp, "dsn.mbox"), "wb") as f:
            f.write(DSN)
        n, (dsn,) = scan_records(mailverify, "--dns-zone", os.path.join(repo, "corpus/sample.zone"),
                                 os.path.join(tmp, "dsn.mbox"))
    check(dsn.get("bounce") is True and "dkim2" in dsn, "a bounce with DKIM2 fields is valid")

    refused(lambda r: r.__setitem__("subjet", r.pop("subject")), signed, "misspelled subject")
    refused(lambda r: r.pop("spf"), signed, "spf missing from a checked message")
    refused(lambda r: r.pop("date"), signed, "date missing (null is required, not absence)")
    refused(lambda r: r["dkim"][0].__setitem__("reason", "key-missing"), signed,
            "a DKIM reason the code does not have")
    refused(lambda r: r["dkim"][0].pop("verified_at"), signed, "a DKIM member missing")
    refused(lambda r: r["dkim"][0].__setitem__("resutl", "pass"), signed,
            "a DKIM member misspelled")
    refused(lambda r: r["spf"].__setitem__("result", "PASS"), signed, "an SPF result in capitals")
    refused(lambda r: r["dmarc"].__setitem__("result", "quarantine"), signed,
            "a DMARC disposition given as result")
    refused(lambda r: r["arc"].__setitem__("instances", "0"), signed, "a number as a string")
    refused(lambda r: r.__setitem__("index", -1), signed, "a negative index")
    refused(lambda r: r.__setitem__("date", "2019-13-06T14:20:06Z"), signed, "month 13")
    refused(lambda r: r.__setitem__("sha256", "ABC"), signed, "a SHA-256 that is not 64 hex digits")
    refused(lambda r: r.__setitem__("schema_version", 2), signed, "another schema_version")
    refused(lambda r: r.pop("schema_version"), signed, "no schema_version")
    refused(lambda r: r.__setitem__("source_format", "mbx"), signed, "an unknown source_format")
    refused(lambda r: r.__setitem__("uid", 7), signed, "uid without uidvalidity")
    refused(lambda r: r.__setitem__("index", 0), missing, "an input error with message members")
    refused(lambda r: r.__setitem__("error", ""), missing, "an input error without a reason")
    refused(lambda r: r.__setitem__("source_format", "zip"), missing,
            "an input error taken for an unknown format")
    for taken_for in ("unknown", "olm", "pst"):
        check(not schema_check.problems("record", {**missing, "source_format": taken_for}),
              f"an input error taken for {taken_for} is valid")

    schema = json.load(open(os.path.join(schema_check.SCHEMA_DIR, "record.schema.json")))
    defs = schema["$defs"]
    for path, function, pointer in [
            ("src/dkim/dkim_status.cc", "DkimResultName", "dkim_signature/properties/result"),
            ("src/dkim/dkim_status.cc", "DkimReasonName", "dkim_signature/properties/reason"),
            ("src/spf/spf_result.cc", "SpfResultName", "spf/properties/result"),
            ("src/dmarc/dmarc_evaluator.cc", "DmarcResultName", "dmarc/properties/result"),
            ("src/arc/arc_validator.cc", "ArcResultName", "arc/properties/result"),
            ("src/keytrust/key_trust.cc", "KeyTrustName", "dkim_signature/properties/key_trust"),
            ("src/keytrust/key_trust.cc", "KeyTrustName", "arc_check/properties/key_trust")]:
        code = names_written(repo, path, function)
        check(len(code) > 1 and sorted(code) == sorted(schema_enums(defs, pointer)),
              f"{pointer} is exactly what {function} writes: {code}")
    constant = re.search(r"kRecordSchemaVersion = (\d+);",
                         open(os.path.join(repo, "src/report/record_format.h")).read())
    check(constant is not None and int(constant.group(1)) == defs["schema_version"]["const"],
          "the schema's schema_version is kRecordSchemaVersion")

    done = {"shard": 0, "records": 3, "bytes": 10, "sha256": "0" * 64, "plan_sha256": "1" * 64,
            "dns_sha256": "2" * 64 + "," + "3" * 64}
    check(not schema_check.problems("done", done), "a done-record is valid")
    check(bool(schema_check.problems("done", {**done, "dns_sha256": "2" * 63})),
          "refused: a done-record with a short DNS checksum")
    check(bool(schema_check.problems("done", {k: v for k, v in done.items() if k != "records"})),
          "refused: a done-record without records")
    check(bool(schema_check.problems("plan", {"mailverify_plan": 2})),
          "refused: a plan of version 2")
    check(bool(schema_check.problems("manifest", {"manifest_version": 1, "program": {}})),
          "refused: a manifest missing its members")
    return finish()


def finish():
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""ARC through `mailverify scan`: the ValiMail validation suite (171 tests; the reference) and
Stalwart's two sealed messages. Each scenario's txt-records become one master file (a value of
several lines is one record of one string per line, as the suite's harness serves it); each test
message is one .eml file, LF turned into CRLF. The record's arc.result must equal the suite's cv
(Pass/Fail/None; empty means fail).
"""
import os

import yaml

from common import Tally, escape_name, records_by_key, scan_all, to_crlf, txt_rdata, \
    write_messages

VALIMAIL = "arc/valimail-arc_test_suite/arc-draft-validation-tests.yml"
# Cases not run, with why. (The file repeats four ids in one scenario; PyYAML, which the reference
# harness uses, keeps the later copy, and so does this driver.)
SKIPPED = {
    "cv_empty": "its message is empty: an empty file holds no message, so scan writes no record "
                "(tests/arc/arc_conformance_test.cc checks the validator gives none for it)",
}


def expected_word(cv):
    return {"Pass": "pass", "None": "none"}.get(cv or "", "fail")


def add_folder(jobs, folder, zone_lines, messages, expected):
    """One scan of `messages` against `zone_lines`; `expected` maps case keys to arc results."""
    os.makedirs(folder)
    zone = os.path.join(folder, "zone.zone")
    with open(zone, "w", encoding="ascii") as f:
        f.write("\n".join(zone_lines) + "\n")
    by_path = write_messages(os.path.join(folder, "mail"), messages)
    jobs.append(([os.path.join(folder, "mail")], ["--dns-zone", zone, "--at", "1700000000"],
                 by_path, expected))


def run(mailverify, data_dir, tmp):
    tally = Tally("ARC (ValiMail 171 + Stalwart 2)")
    jobs = []
    docs = list(yaml.safe_load_all(open(os.path.join(data_dir, VALIMAIL), encoding="utf-8")))
    for n, doc in enumerate(docs):
        zone = ["%s 300 IN TXT %s" % (escape_name(name), txt_rdata(str(value).split("\n")))
                for name, value in doc["txt-records"].items()]
        messages, expected = [], {}
        for test_id, test in doc["tests"].items():
            if test_id in SKIPPED:
                tally.skip(test_id, SKIPPED[test_id])
                continue
            messages.append((test_id, to_crlf(test.get("message") or "")))
            expected[test_id] = expected_word(test.get("cv"))
        add_folder(jobs, os.path.join(tmp, "arc%02d" % n), zone, messages, expected)

    # Stalwart: "<name> <TXT value>" lines, an empty line, then the message; both seals pass.
    for name in ("001.txt", "002.txt"):
        text = open(os.path.join(data_dir, "arc/stalwart-mail-auth", name), "rb").read()
        head, _, body = text.replace(b"\r\n", b"\n").partition(b"\n\n")
        zone = []
        for line in head.decode("ascii").splitlines():
            owner, _, value = line.partition(" ")
            zone.append("%s 300 IN TXT %s" % (escape_name(owner), txt_rdata([value])))
        key = "stalwart-" + name
        add_folder(jobs, os.path.join(tmp, key), zone, [(key, to_crlf(body))], {key: "pass"})

    for result, (_, _, by_path, expected) in zip(scan_all(mailverify, [j[:2] for j in jobs]),
                                                 jobs):
        records = records_by_key(result, by_path)
        for key, want in expected.items():
            r = records.get(key)
            got = r["arc"]["result"] if r else None
            tally.check(key, got == want, "arc %s, expected %s (%s)" %
                        (got, want, r["arc"].get("reason", "") if r else "no record"))
    return tally.finish(173)

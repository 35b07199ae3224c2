#!/usr/bin/python3
"""End to end on the real mu and notmuch Maildir samples (samples/maildir/{mu,notmuch}, see
samples/SOURCES.md): `mailverify scan` gives one record per message, and each record's Message-ID,
Subject, From and DKIM signing domains are what Python's email package reads from the same file
(an independent parser).

- mu/testdir is a whole Maildir whose info separator is "!" (mu's Windows-safe form): the message
  list is Python's mailbox.Maildir with colon "!" (tmp/ is not mail), 19 messages, and the flags
  in the names are labels (PS -> $Forwarded \\Seen; "Sabc": the keywords are not named).
- notmuch's test corpora are folders of Maildir-named files without new/ and tmp/ (lkml/ has only
  cur/, which is still read as a Maildir), which notmuch indexes one message per file: 24 files,
  24 records, the others read by content (one is a git format-patch file starting with an mbox
  "From " line). duplicate/ is one message delivered
  five times through different lists: five records with one Message-ID and the same signature.

No key of these 2008-2018 signatures is published any more, so DKIM results are not asserted,
only which signatures were found. Usage: maildir_samples_e2e.py MAILVERIFY SAMPLES_DIR
"""
import email
import email.header
import email.policy
import json
import mailbox
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(what, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (what, got, want))


def scan(mailverify, paths):
    with tempfile.NamedTemporaryFile("w", suffix=".zone") as zone:
        zone.write("$TTL 60\n")  # offline: every key lookup is answered "no such name"
        zone.flush()
        out = subprocess.run([mailverify, "scan", "--dns-zone", zone.name, *paths],
                             capture_output=True)
    if out.returncode not in (0, 1):
        sys.exit("mailverify failed (%d): %s" % (out.returncode, out.stderr.decode()))
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def squeeze(text):
    return " ".join(text.split()) if text is not None else None


def expected_fields(path):
    """Message-ID, Subject, From (decoded, whitespace squeezed) and the d= of each DKIM-Signature,
    as Python's email package reads them."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"From "):  # an mbox "From " line is no header field
        data = data.split(b"\n", 1)[1]
    msg = email.message_from_bytes(data, policy=email.policy.compat32)

    def decoded(name):
        value = msg[name]
        if value is None:
            return None
        return squeeze(str(email.header.make_header(email.header.decode_header(value))))

    domains = []
    for sig in msg.get_all("DKIM-Signature", []):
        m = re.search(r"(?:^|;)\s*d\s*=\s*([^;\s]+)", str(sig))
        domains.append(m.group(1) if m else None)
    return {"message_id": squeeze(msg["Message-ID"]), "subject": decoded("Subject"),
            "from": decoded("From"), "dkim_d": domains}


def got_fields(record):
    return {"message_id": squeeze(record.get("message_id")),
            "subject": squeeze(record.get("subject")), "from": squeeze(record.get("from")),
            "dkim_d": [s.get("d") for s in record.get("dkim", [])]}


def check_records(what, records, files):
    check("%s: records" % what, len(records), len(files))
    by_source = {r["source"]: r for r in records}
    check("%s: one record per file" % what, sorted(by_source), sorted(files))
    for path in files:
        r = by_source.get(path)
        if r is None:
            continue
        check("%s: %s" % (what, os.path.basename(path)), got_fields(r), expected_fields(path))
        check("%s: error in %s" % (what, os.path.basename(path)), r.get("error"), None)


def main():
    mailverify, samples = sys.argv[1], sys.argv[2]

    # mu: a Maildir with "!" as the info separator.
    mu = os.path.join(samples, "maildir", "mu", "testdir")
    box = mailbox.Maildir(mu, factory=None, create=False)
    box.colon = "!"
    files = [os.path.join(mu, box._lookup(key)) for key in box.keys()]
    check("mu: messages Python's mailbox lists", len(files), 19)
    records = scan(mailverify, [os.path.dirname(mu)])  # the folder is named from the scan root
    check_records("mu", records, files)
    check("mu: source_format", {r.get("source_format") for r in records}, {"maildir"})
    check("mu: folder", {r.get("folder") for r in records}, {"testdir"})
    labels = {os.path.basename(r["source"]): r.get("labels", []) for r in records}
    check("mu: PS flags", labels.get("1220863087.12663_15.mindcrime!2,PS"),
          ["$Forwarded", "\\Seen"])
    check("mu: RS flags", labels.get("1220863087.12663_7.mindcrime!2,RS"),
          ["\\Answered", "\\Seen"])
    check("mu: keywords", labels.get("special!2,Sabc"), ["\\Seen"])
    check("mu: no flags", labels.get("1283599333.1840_11.cthulhu!2,"), [])
    check("mu: new/", labels.get("1220863087.12663_23.mindcrime"), [])
    check("mu: tmp/ is not read", [r["source"] for r in records if "/tmp/" in r["source"]], [])
    signed = [r for r in records if r.get("dkim")]
    check("mu: signed messages", [os.path.basename(r["source"]) for r in signed],
          ["1220863087.12663_23.mindcrime"])
    check("mu: Lothlorien subject", [r["subject"] for r in records
                                     if r["source"].endswith("1840_11.cthulhu!2,")],
          ["Greetings from Lothl\u00f3rien"])

    # notmuch: folders of Maildir-named files, one message per file.
    notmuch = os.path.join(samples, "maildir", "notmuch")
    folders = [os.path.join(notmuch, d) for d in ("duplicate", "indexing", "lkml", "threading")]
    files = sorted(os.path.join(root, f) for folder in folders for root, _, names in os.walk(folder)
                   for f in names)
    check("notmuch: files", len(files), 24)
    records = scan(mailverify, folders)
    check_records("notmuch", records, files)
    dup = [r for r in records if "/duplicate/" in r["source"]]
    check("notmuch: duplicate copies", len(dup), 5)
    check("notmuch: one Message-ID in duplicate/", len({r.get("message_id") for r in dup}), 1)
    check("notmuch: the same signature in every copy",
          {json.dumps([(s.get("d"), s.get("s"), s.get("h")) for s in r["dkim"]][:1]) for r in dup},
          {json.dumps([["spwhitton.name", dup[0]["dkim"][0].get("s"), dup[0]["dkim"][0].get("h")]])})
    # lkml/ kept only cur/ (git drops empty folders): still a Maildir (the scan root: no folder
    # name), the others plain folders.
    formats = {}
    for r in records:
        part = os.path.relpath(r["source"], notmuch).split(os.sep)[0]
        formats.setdefault(part, set()).add((r.get("source_format"), r.get("folder")))
    check("notmuch: formats", formats,
          {"lkml": {("maildir", None)}, "duplicate": {("eml", None)},
           "indexing": {("mbox", None)}, "threading": {("eml", None)}})
    check("notmuch: flags of lkml/cur (\":2,\" names none)",
          {json.dumps(r.get("labels", [])) for r in records if "/lkml/" in r["source"]}, {"[]"})
    check("notmuch: flags outside a Maildir are not read",
          [r.get("labels") for r in records if "/ghost-root/" in r["source"]], [None] * 3)
    check("notmuch: lkml signed by gmail.com or google.com",
          sorted({s.get("d") for r in records if "/lkml/" in r["source"] for s in r["dkim"]}),
          ["gmail.com", "google.com"])

    if failures:
        sys.exit("\n".join(failures))
    print("ok: mu 19 and notmuch 24 messages, fields as Python's email package reads them")


if __name__ == "__main__":
    main()

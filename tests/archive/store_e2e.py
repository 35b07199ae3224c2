#!/usr/bin/python3
"""End to end: dkimpy-signed messages stored the way Apple Mail, MH and Gmail Takeout keep them,
verified by `mailverify scan --dns-zone`.

Checks that an .emlx verifies (pass) with the property list's date-received as its receive time
(used first by --at received), that a .partial.emlx is rebuilt from Attachments/ and verifies,
that one whose attachment folder is missing is neutral / body-unavailable (not fail) while a
tampered complete one still fails, and that MH files and Takeout mboxes verify with their store
facts (folder, labels, X-GM-THRID) in the record.

Usage: store_e2e.py MAILVERIFY
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

import dkim

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

# date-received in the property list: a day after signing (dkimpy's t= is the current time), so a
# signature judged at it verifies without remarks.
PLIST_TIME = int(time.time()) + 86400
RECEIVED_TIME = 1704103205       # the Received field's date (Mon, 01 Jan 2024 10:00:05 +0000)
RECEIVED = b"Received: from mx.example.org (mx.example.org [192.0.2.1]) by mx.example.net " \
           b"with ESMTP id 1; Mon, 01 Jan 2024 10:00:05 +0000\r\n"
ATTACHMENT = bytes(range(256)) * 2 + b"tail"


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def attachment_headers():
    return (b"Content-Type: application/octet-stream; name=data.bin\r\n"
            b"Content-Disposition: attachment; filename=data.bin\r\n"
            b"Content-Transfer-Encoding: base64\r\n")


def signed_message(pem, n, subject=b"store test", text=b""):
    """A multipart message signed by dkimpy (CRLF), with a base64 attachment as part 2 and `text`
    (CRLF lines) at the end of part 1."""
    encoded = base64.encodebytes(ATTACHMENT).rstrip(b"\n").replace(b"\n", b"\r\n")
    msg = (b"From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n"
           b"Subject: " + subject + b" %d\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n" % n +
           b"Message-ID: <store-%d@example.org>\r\nMIME-Version: 1.0\r\n" % n +
           b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
           b"--b1\r\nContent-Type: text/plain\r\n\r\nHello number %d.\r\n" % n + text +
           b"--b1\r\n" + attachment_headers() + b"\r\n" + encoded + b"\r\n--b1--\r\n")
    sig = dkim.sign(msg, b"s1", b"example.org", pem, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                     b"mime-version", b"content-type"])
    return RECEIVED + sig.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + msg


def lf(b):
    return b.replace(b"\r\n", b"\n")


def partial(message):
    """What Mail.app stores for a .partial.emlx: part 2's body left out, its size noted."""
    head, _, _ = message.partition(attachment_headers())
    return head + attachment_headers() + b"X-Apple-Content-Length: %d\r\n\r\n\r\n--b1--\r\n" % len(
        ATTACHMENT)


def emlx(message):
    m = lf(message)
    plist = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST '
             b'1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n'
             b"<dict>\n\t<key>date-received</key>\n\t<integer>%d</integer>\n\t<key>flags</key>\n"
             b"\t<integer>8590195713</integer>\n</dict>\n</plist>\n" % PLIST_TIME)
    return b"%-10d\n" % len(m) + m + plist


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def scan(mailverify, zone, paths, *extra):
    out = subprocess.run([mailverify, "scan", "--dns-zone", zone, *extra, *paths],
                         capture_output=True)
    if out.returncode not in (0, 1):
        sys.exit("mailverify failed (%d): %s" % (out.returncode, out.stderr.decode()))
    schema_check.check_records(out.stdout, "scan " + " ".join(paths))
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


failures = []


def check(what, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (what, got, want))


def main():
    mailverify = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
        pub = base64.b64encode(openssl("pkey", "-pubout", "-outform", "DER", data=pem)).decode()
        record = "v=DKIM1; k=rsa; p=" + pub
        zone = os.path.join(tmp, "dns.zone")
        with open(zone, "w") as f:
            f.write("$TTL 3600\ns1._domainkey.example.org. IN TXT %s\n" % " ".join(
                '"%s"' % record[i:i + 255] for i in range(0, len(record), 255)))

        msgs = [signed_message(pem, n) for n in range(6)]
        data = os.path.join(tmp, "V10/ACCOUNT/Inbox.mbox/UUID/Data")
        write(data + "/Messages/1.emlx", emlx(msgs[1]))
        write(data + "/Messages/2.partial.emlx", emlx(partial(msgs[2])))
        write(data + "/Attachments/2/2/data.bin", ATTACHMENT)
        write(data + "/Messages/3.partial.emlx", emlx(partial(msgs[3])))  # no Attachments/3
        write(data + "/Messages/4.emlx", emlx(msgs[4].replace(b"Hello number", b"Hullo number")))
        write(os.path.join(tmp, "single.eml"), msgs[1])
        records = scan(mailverify, zone, [os.path.join(tmp, "V10"), os.path.join(tmp, "single.eml")],
                       "--at", "received")
        check("records", len(records), 5)
        by_name = {os.path.basename(r["source"]): r for r in records}
        r = by_name["1.emlx"]
        check("1.emlx dkim", [(d["result"], d["reason"]) for d in r["dkim"]], [("pass", "ok")])
        check("1.emlx store", (r.get("source_format"), r.get("folder"), r.get("mime")),
              ("emlx", "Inbox", "original"))
        check("1.emlx received", (r.get("received_at"), r.get("received_at_source")),
              (PLIST_TIME, "plist"))
        check("1.emlx --at received uses the plist", r["dkim"][0]["verified_at"], PLIST_TIME)
        r = by_name["single.eml"]
        check("single.eml dkim", r["dkim"][0]["result"], "pass")
        check("single.eml --at received uses Received", r["dkim"][0]["verified_at"], RECEIVED_TIME)
        check("single.eml format", r.get("source_format"), "eml")
        check("single.eml received", (r.get("received_at"), r.get("received_at_source")),
              (RECEIVED_TIME, "received-header"))  # an .eml keeps no receive time of its own
        r = by_name["2.partial.emlx"]
        check("2.partial dkim", [(d["result"], d["reason"]) for d in r["dkim"]], [("pass", "ok")])
        check("2.partial store", (r.get("source_format"), r.get("mime")),
              ("partial-emlx", "reassembled"))
        r = by_name["3.partial.emlx"]
        check("3.partial dkim", [(d["result"], d["reason"]) for d in r["dkim"]],
              [("neutral", "body-unavailable")])
        check("3.partial mime", r.get("mime"), "incomplete")
        check("3.partial error names the part", "parts kept apart are missing (2;" in r.get(
            "error", ""), True)
        r = by_name["4.emlx"]
        check("4.emlx (tampered) dkim", [(d["result"], d["reason"]) for d in r["dkim"]],
              [("fail", "body-hash-mismatch")])

        # MH folder and a Gmail Takeout mbox (Takeout prepends its fields to the signed message;
        # a body line starting "From " is quoted the mboxrd way).
        for n in (1, 2):
            write(os.path.join(tmp, "Mail/inbox/%d" % n), lf(msgs[n]))
        write(os.path.join(tmp, "Mail/inbox/.mh_sequences"), b"unseen: 2\n")
        takeout = b""
        for n, labels in ((4, b'Inbox,"Work, old",Opened'), (5, b"Archived,Sent")):
            body = lf(msgs[n]) if n == 5 else lf(signed_message(pem, n, b"from line"))
            takeout += (b"From 17736644054796132%02d@xxx Tue Aug 08 12:36:29 +0000 2023\n" % n +
                        b"X-GM-THRID: 17736644054796132%02d\nX-Gmail-Labels: " % n + labels +
                        b"\n" + body + b"\n")
        write(os.path.join(tmp, "Takeout/All mail Including Spam and Trash.mbox"), takeout)
        records = scan(mailverify, zone, [os.path.join(tmp, "Mail"), os.path.join(tmp, "Takeout")])
        check("records", len(records), 4)
        for r in records[:2]:
            check("mh dkim", r["dkim"][0]["result"], "pass")
            check("mh store", (r.get("source_format"), r.get("folder")), ("mh", "inbox"))
        check("takeout dkim", [r["dkim"][0]["result"] for r in records[2:]], ["pass", "pass"])
        check("takeout labels", [r.get("labels") for r in records[2:]],
              [["Inbox", "Work, old", "Opened"], ["Archived", "Sent"]])
        check("takeout thread", records[3].get("gmail_thread_id"), "1773664405479613205")
        check("takeout format", records[3].get("source_format"), "mbox")

        # A Thunderbird folder: the client's X-Mozilla-* fields in front of the signed message
        # (never signed). A message kept Partial (0x0400: POP download limit) lost its body's end:
        # body-unavailable, not fail; a deleted one not yet compacted away is labelled \Deleted.
        mozilla = b"X-Mozilla-Status: %s\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys: %s\n"
        head, sep, _ = lf(msgs[1]).partition(b"\n\n")
        inbox = (b"From - Mon Jan  1 10:00:05 2024\n" + mozilla % (b"0009", b"$label1     ") +
                 lf(msgs[2]) + b"\n" + b"From - Mon Jan  1 10:00:05 2024\n" +
                 mozilla % (b"0401", b"") + head + sep + b"Hello number 1.\n\n")
        write(os.path.join(tmp, "Profile/Mail/Local Folders/Inbox"), inbox)
        write(os.path.join(tmp, "Profile/Mail/Local Folders/Inbox.msf"),
              b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n< <(a=c)> // (f=iso-8859-1)>\n")
        records = scan(mailverify, zone, [os.path.join(tmp, "Profile")])
        check("thunderbird records", len(records), 2)
        check("thunderbird deleted", (records[0]["dkim"][0]["result"], records[0].get("labels"),
                                      records[0].get("folder")),
              ("pass", ["\\Seen", "\\Deleted", "$label1"], "Mail/Local Folders/Inbox"))
        check("thunderbird partial", ([(d["result"], d["reason"]) for d in records[1]["dkim"]],
                                      records[1].get("mime"), records[1].get("labels")),
              ([("neutral", "body-unavailable")], "incomplete", ["\\Seen"]))
        check("thunderbird partial says why", "X-Mozilla-Status Partial" in records[1].get(
            "error", ""), True)

        # The quoting ambiguity, settled by the body hash. Takeout quotes like mboxo (a line
        # beginning "From " gains a '>', a ">From " line is left alone); the reader un-quotes the
        # mboxrd way, so some bodies only verify when read another way.
        cases = [  # (original body lines, how they were stored, expected mbox_quoting)
            (b"From Russia with love\r\n", "gmail", "mboxrd"),   # un-quoting one '>' is right
            (b">From the archive\r\n", "gmail", "none"),         # nothing was quoted
            (b">>From deep\r\nFrom here\r\n", "gmail", "gmail"),  # mboxo's reading
            (b"From here\r\n>From there\r\nFrom again\r\n", "gmail", "mixed"),  # line by line
            (b">From quoted\r\nFrom plain\r\n", "mboxrd", "mboxrd"),  # an mboxrd writer
        ]
        mbox = b""
        for n, (text, writer, _) in enumerate(cases):
            m = lf(signed_message(pem, 10 + n, b"quoting", text))
            lines = m.split(b"\n")
            for i, line in enumerate(lines):
                if writer == "gmail" and line.startswith(b"From "):
                    lines[i] = b">" + line
                elif writer == "mboxrd" and line.lstrip(b">").startswith(b"From "):
                    lines[i] = b">" + line
            labels = b"X-GM-THRID: 1\nX-Gmail-Labels: Inbox\n" if writer == "gmail" else b""
            mbox += (b"From 1@xxx Tue Aug 08 12:36:29 +0000 2023\n" + labels + b"\n".join(lines) +
                     b"\n")
        # An altered body with "From " lines: no reading reproduces bh=, so it stays a failure.
        altered = lf(signed_message(pem, 20, b"quoting", b"From here\r\n")).replace(
            b"From here", b"From there")
        mbox += b"From 1@xxx Tue Aug 08 12:36:29 +0000 2023\n" + altered.replace(
            b"\nFrom there", b"\n>From there") + b"\n"
        write(os.path.join(tmp, "quoting.mbox"), mbox)
        records = scan(mailverify, zone, [os.path.join(tmp, "quoting.mbox")])
        check("quoting records", len(records), len(cases) + 1)
        for r, (text, writer, want) in zip(records, cases):
            check("quoting %r dkim" % text, [(d["result"], d["reason"]) for d in r["dkim"]],
                  [("pass", "ok")])
            check("quoting %r mbox_quoting" % text, r.get("mbox_quoting"), want)
            check("quoting %r detail names the reading" % text,
                  ("as " + want + " quoting") in r["dkim"][0].get("detail", ""),
                  want != "mboxrd")  # the reader un-quotes as mboxrd by default
        r = records[-1]
        check("altered body dkim", [(d["result"], d["reason"]) for d in r["dkim"]],
              [("fail", "body-hash-mismatch")])
        check("altered body mbox_quoting", r.get("mbox_quoting"), None)
    if failures:
        sys.exit("\n".join(failures))
    print("store_e2e: all checks passed")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""IMAP inputs against a real Dovecot (scripts/imap-server, started by the ctest fixture).

Each case writes its own Maildir++ folder (".case-NAME") into the test user's Maildir, so cases
can run side by side, then scans it over IMAP with the built mailverify:

  verdicts  dkimpy-signed messages (intact, body altered, header altered, unsigned, and bodies with
            lines that look like IMAP responses) give the same records over IMAP as scanning the
            Maildir folder directly, apart from where each record came from; the folder's file
            names (the Maildir flags) are the same afterwards; records carry uid, uidvalidity,
            folder and INTERNALDATE (the file's mtime); Dovecot's rawlog shows EXAMINE and no
            SELECT, STORE, EXPUNGE or non-PEEK body fetch; "*" reads every mailbox.
  many      250 messages arrive in UID order, one record each, across several fetch windows.
  errors    wrong password, missing password, a mailbox that does not exist, a closed port and a
            server that never answers are each one input_error record, the password never shows,
            and the file inputs around them are still scanned; a password in the URL is a usage
            error before anything is read.
  tls       imaps:// against the self-signed certificate fails without --imap-insecure and reads
            the folder with it.

Usage: imap_live.py MAILVERIFY REPO CASE
Environment: MV_IMAP_PORT, MV_IMAP_DIR, MV_IMAP_USER, MV_IMAP_PASSWORD as for scripts/imap-server.
"""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import dkim

PORT = int(os.environ.get("MV_IMAP_PORT", "10143"))
DIR = os.environ.get("MV_IMAP_DIR", "/tmp/mailverify-dovecot")
USER = os.environ.get("MV_IMAP_USER", "mvtest")
PASSWORD = os.environ.get("MV_IMAP_PASSWORD", "mvtest-secret")
AT = "2026-01-01T00:00:00Z"
DOMAIN = b"imap.mailverify.test"
SELECTOR = b"s1"
# Provenance differs by design between the two routes; everything else must be equal.
PROVENANCE = {"source", "index", "offset", "size", "source_format", "folder", "mime",
              "received_at", "received_at_source", "labels", "uid", "uidvalidity"}


def fail(message):
    sys.exit("FAIL: " + message)


def check(condition, message):
    if not condition:
        fail(message)


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def make_key(work):
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    pub = base64.b64encode(openssl("pkey", "-pubout", "-outform", "DER", data=pem)).decode()
    record = "v=DKIM1; k=rsa; p=" + pub
    strings = " ".join('"%s"' % record[i:i + 255] for i in range(0, len(record), 255))
    zone = os.path.join(work, "keys.zone")
    with open(zone, "w") as f:
        f.write("$TTL 3600\n%s._domainkey.%s. IN TXT %s\n" % (SELECTOR.decode(), DOMAIN.decode(),
                                                             strings))
    return pem, zone


def message(n, body_extra=b""):
    headers = [b"From: Sender %d <sender@%s>" % (n, DOMAIN), b"To: archive@example.net",
               b"Subject: imap test message %d" % n,
               b"Date: Mon, %d Jun 2025 10:00:00 +0000" % (1 + n % 28),
               b"Message-ID: <imap-%d@%s>" % (n, DOMAIN)]
    body = b"Message number %d.\r\n%s" % (n, body_extra)
    return b"\r\n".join(headers) + b"\r\n\r\n" + body


def sign(msg, pem):
    sig = dkim.sign(msg, SELECTOR, DOMAIN, pem, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return sig.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + msg


def folder_path(name):
    return os.path.join(DIR, "mail", USER, "." + name)


def make_folder(name, messages):
    """Writes a fresh Maildir++ folder; messages are (bytes, 'cur'|'new', flags, mtime)."""
    path = folder_path(name)
    shutil.rmtree(path, ignore_errors=True)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub))
    open(os.path.join(path, "maildirfolder"), "w").close()
    for i, (data, sub, flags, mtime) in enumerate(messages):
        name_ = "17000%05d.M%dP1.mailverify-test" % (i, i) + (":2," + flags if sub == "cur" else "")
        file = os.path.join(path, sub, name_)
        with open(file, "wb") as f:
            f.write(data)
        os.utime(file, (mtime, mtime))
    if os.geteuid() == 0:  # Dovecot reads mail as Debian's "mail" user then (scripts/imap-server)
        subprocess.run(["chown", "-R", "mail:mail", path], check=True)
    return path


def maildir_names(path):
    return sorted(os.path.join(sub, f) for sub in ("cur", "new") for f in os.listdir(
        os.path.join(path, sub)))


def url(mailbox, scheme="imap", port=PORT, user=USER):
    return "%s://%s@127.0.0.1:%d/%s" % (scheme, user, port, mailbox)


def scan(mailverify, *args, password=PASSWORD, timeout=120, expect_ok=True):
    env = dict(os.environ)
    env.pop("MAILVERIFY_IMAP_PASSWORD", None)
    if password is not None:
        env["MAILVERIFY_IMAP_PASSWORD"] = password
    cmd = [mailverify, "scan", "--at", AT, "--authserv-id", "mx.test.example", *args]
    done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    out, err = done.stdout.decode(), done.stderr.decode()
    if expect_ok and done.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(cmd), done.returncode, err))
    return [json.loads(line) for line in out.splitlines()], out + err, done.returncode


def verdict(record):
    return {k: v for k, v in record.items() if k not in PROVENANCE}


def rawlog_commands(since):
    """The commands of every IMAP session logged since `since` (older sessions are not ours)."""
    commands = []
    for f in os.listdir(os.path.join(DIR, "rawlog")):
        if f.endswith(".in") and os.path.getmtime(os.path.join(DIR, "rawlog", f)) >= since - 1:
            with open(os.path.join(DIR, "rawlog", f), "rb") as fh:
                commands += [line.split(b" ", 2)[-1].decode(errors="replace")
                             for line in fh.read().splitlines() if line.count(b" ") >= 2]
    return commands


def case_verdicts(mailverify, work):
    start = time.time()
    pem, zone = make_key(work)
    tricky = (b"* 1 FETCH (UID 9 BODY[] {3}\r\nmv4 OK UID FETCH completed\r\n"
              b"A001 OK {12}\r\n)\r\nlong " + b"x" * 5000 + b"\r\n")
    t0 = 1750000000
    messages = [
        (sign(message(0), pem), "cur", "S", t0),
        (sign(message(1, tricky), pem), "cur", "FS", t0 + 60),
        (sign(message(2), pem).replace(b"Message number", b"Message NUMBER"), "cur", "", t0 + 120),
        (sign(message(3), pem).replace(b"imap test message", b"IMAP test message"), "new", "",
         t0 + 180),
        (message(4), "new", "", t0 + 240),
        (sign(message(5, b"From the start\r\n>From quoted\r\n"), pem), "cur", "RS", t0 + 300),
    ]
    path = make_folder("case-verdicts", messages)
    names_before = maildir_names(path)

    direct, _, _ = scan(mailverify, "--dns-zone", zone, path)
    check(len(direct) == len(messages), "direct scan gave %d records" % len(direct))
    by_id = {r["message_id"]: r for r in direct}
    results = {r["message_id"]: [s["result"] for s in r["dkim"]] for r in direct}
    # The fixture itself must discriminate: intact pass, altered fail, unsigned has none.
    check(results["<imap-0@imap.mailverify.test>"] == ["pass"], "intact message: %s" % results)
    check(results["<imap-2@imap.mailverify.test>"] == ["fail"], "altered body: %s" % results)
    check(results["<imap-3@imap.mailverify.test>"] == ["fail"], "altered header: %s" % results)
    check(results["<imap-4@imap.mailverify.test>"] == [], "unsigned: %s" % results)

    over_imap, _, _ = scan(mailverify, "--dns-zone", zone, url("case-verdicts"))
    check(len(over_imap) == len(messages), "IMAP scan gave %d records" % len(over_imap))
    uids = [r["uid"] for r in over_imap]
    check(uids == sorted(uids) and len(set(uids)) == len(uids), "UIDs not ascending: %s" % uids)
    for r in over_imap:
        mid = r["message_id"]
        check(mid in by_id, "unknown message %s over IMAP" % mid)
        check(verdict(r) == verdict(by_id[mid]),
              "verdicts differ for %s:\n imap   %s\n direct %s" % (mid, verdict(r),
                                                                  verdict(by_id[mid])))
        check(r["source"] == "imap://%s@127.0.0.1:%d/case-verdicts" % (USER, PORT),
              "source %s" % r["source"])
        check(r["source_format"] == "imap" and r["folder"] == "case-verdicts",
              "provenance %s" % r)
        check(isinstance(r.get("uidvalidity"), int) and r["uidvalidity"] > 0, "no uidvalidity")
        n = int(re.match(r"<imap-(\d+)@", mid).group(1))
        check(r["received_at"] == t0 + 60 * n and r["received_at_source"] == "internaldate",
              "received_at %s for message %d" % (r.get("received_at"), n))
        check(r["size"] == len(messages[n][0]), "size %s for message %d" % (r["size"], n))
    flags = {r["message_id"]: r.get("labels", []) for r in over_imap}
    check("\\Flagged" in flags["<imap-1@imap.mailverify.test>"], "flags: %s" % flags)

    # Every mailbox with "*": this folder's messages are among them, with the same verdicts.
    everything, _, _ = scan(mailverify, "--dns-zone", zone, url("*"))
    mine = [r for r in everything if r.get("folder") == "case-verdicts"]
    check(sorted(verdict(r)["message_id"] for r in mine) == sorted(by_id),
          "'*' read %d of this folder's messages" % len(mine))

    check(maildir_names(path) == names_before,
          "Maildir file names changed:\n before %s\n after  %s" % (names_before,
                                                                 maildir_names(path)))
    commands = rawlog_commands(start)
    check(any(re.match(r'EXAMINE "case-verdicts"', c) for c in commands),
          "no EXAMINE in the rawlog: %s" % commands[:20])
    for c in commands:
        check(not re.match(r"(UID )?(SELECT|STORE|EXPUNGE|COPY|MOVE|APPEND|DELETE)\b", c, re.I),
              "a modifying command was sent: %s" % c)
        check(not re.search(r"BODY\[", c, re.I), "a non-PEEK fetch was sent: %s" % c)


def case_many(mailverify, work):
    count = 250
    messages = [(message(n, b"x" * (n * 37 % 4000) + b"\r\n"), "cur" if n % 3 else "new", "S",
                 1750000000 + n) for n in range(count)]
    make_folder("case-many", messages)
    records, _, _ = scan(mailverify, url("case-many"))
    check(len(records) == count, "%d records for %d messages" % (len(records), count))
    check([r["index"] for r in records] == list(range(count)), "indexes not 0..%d" % (count - 1))
    uids = [r["uid"] for r in records]
    check(uids == sorted(uids) and len(set(uids)) == count, "UIDs not strictly ascending")
    check(sorted(r["message_id"] for r in records) ==
          sorted("<imap-%d@imap.mailverify.test>" % n for n in range(count)), "messages differ")
    check(all("error" not in r for r in records), "errors: %s" % [r for r in records if "error" in r][:2])


def silent_server():
    """A TCP server that accepts and never says a word (an IMAP server that hangs)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    held = []
    threading.Thread(target=lambda: [held.append(s.accept()) for _ in range(4)],
                     daemon=True).start()
    return s.getsockname()[1]


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def case_errors(mailverify, work):
    make_folder("case-errors", [(message(0), "cur", "S", 1750000000)])
    eml = os.path.join(work, "one.eml")
    with open(eml, "wb") as f:
        f.write(message(7))
    wrong = "not-the-password-4711"

    def single_error(args, password, expected, seconds=60):
        records, text, code = scan(mailverify, eml, *args, eml, password=password,
                                   expect_ok=False, timeout=seconds)
        check(code == 1, "exit status %d for %s" % (code, args))
        check(len(records) == 3, "%d records for %s: %s" % (len(records), args, text))
        check(records[0]["message_id"] == records[2]["message_id"] ==
              "<imap-7@imap.mailverify.test>", "the file inputs around %s were not scanned" % args)
        check(records[1].get("input_error") is True, "no input_error for %s: %s" % (args, text))
        check(re.search(expected, records[1]["error"], re.I),
              "error for %s is %r, expected %r" % (args, records[1]["error"], expected))
        check(PASSWORD not in text and wrong not in text, "a password shows in the output")
        return records[1]

    single_error([url("case-errors")], wrong, r"login denied")
    single_error([url("case-errors")], None, r"MAILVERIFY_IMAP_PASSWORD")
    # A password in the URL stops the run before anything is read or written (exit status 2).
    records, text, code = scan(mailverify, eml, "imap://%s:%s@127.0.0.1:%d/INBOX" % (USER, wrong,
                                                                                    PORT),
                               expect_ok=False)
    check(code == 2 and records == [] and "password in an IMAP URL is refused" in text,
          "password in the URL: exit %d, %s" % (code, text))
    check(wrong not in text, "the password in the URL shows in the output")
    missing = single_error([url("no-such-mailbox")], PASSWORD, r"EXAMINE failed: NO")
    check(missing["source"] == url("no-such-mailbox"), "source %s" % missing["source"])
    single_error([url("INBOX", port=closed_port())], PASSWORD, r"connect")
    start = time.time()
    single_error(["--imap-timeout", "2", url("INBOX", port=silent_server())], PASSWORD,
                 r"timeout|timed out")
    check(time.time() - start < 30, "a silent server held the scan %.0f s" % (time.time() - start))

    # The password file works, and a good IMAP input between two files keeps its place.
    pw = os.path.join(work, "password")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    records, _, _ = scan(mailverify, "--imap-password-file", pw, eml, url("case-errors"), eml,
                         password=None)
    check([r["message_id"] for r in records] ==
          ["<imap-7@imap.mailverify.test>", "<imap-0@imap.mailverify.test>",
           "<imap-7@imap.mailverify.test>"], "order with a password file: %s" % records)


def case_tls(mailverify, work):
    make_folder("case-tls", [(message(0), "cur", "S", 1750000000),
                             (message(1), "new", "", 1750000060)])
    target = url("case-tls", scheme="imaps", port=PORT + 1)
    records, text, code = scan(mailverify, target, expect_ok=False)
    check(code == 1 and len(records) == 1 and records[0].get("input_error"),
          "self-signed certificate accepted without --imap-insecure: %s" % text)
    check(re.search(r"certificate|SSL", records[0]["error"]), "TLS error: %s" % records[0])
    records, _, _ = scan(mailverify, "--imap-insecure", target)
    check([r["message_id"] for r in records] ==
          ["<imap-0@imap.mailverify.test>", "<imap-1@imap.mailverify.test>"],
          "imaps with --imap-insecure: %s" % records)
    check(all(r["source"] == target for r in records), "source %s" % records[0]["source"])


def main():
    mailverify, _repo, case = sys.argv[1:4]
    cases = {"verdicts": case_verdicts, "many": case_many, "errors": case_errors,
             "tls": case_tls}
    with tempfile.TemporaryDirectory() as work:
        cases[case](mailverify, work)
    print("ok: imap %s" % case)


if __name__ == "__main__":
    main()

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
  starttls  imap:// to Dovecot's plain port goes through STARTTLS: the self-signed certificate is
            refused without --imap-insecure, and with it Dovecot logs the login as TLS; a server
            that offers no STARTTLS (ScriptedServer) is refused before any login is sent, and read
            with --imap-plaintext. (Dovecot's imap:// scans in the other cases pass --imap-insecure
            for that reason, the scripted server's --imap-plaintext.)
  utf7      mailboxes with non-ASCII names (stored by Dovecot in modified UTF-7): a UTF-8 name in
            the URL is EXAMINEd in modified UTF-7 (rawlog), records say folder in UTF-8 and a
            source URL that reads the same messages again; "*" lists and decodes them.
  server    what Dovecot will not do on cue, from a scripted server on 127.0.0.1 (ScriptedServer):
            another session expunges a message while the scan reads (the server renumbers, so
            the next window must move back by one or a message is skipped); the connection drops
            in the middle of a UID FETCH answer (the whole messages are kept, the rest of the group
            get an error each, then the input_error, and the file inputs after it are scanned); a
            LIST names a mailbox with a line break in a literal (an input_error, never sent on).

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
import urllib.parse

import dkim

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

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
    schema_check.check_records(out, " ".join(args))
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

    over_imap, _, _ = scan(mailverify, "--imap-insecure", "--dns-zone", zone, url("case-verdicts"))
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
    everything, _, _ = scan(mailverify, "--imap-insecure", "--dns-zone", zone, url("*"))
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
    records, _, _ = scan(mailverify, "--imap-insecure", url("case-many"))
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
        records, text, code = scan(mailverify, "--imap-insecure", eml, *args, eml, password=password,
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
    records, _, _ = scan(mailverify, "--imap-insecure", "--imap-password-file", pw, eml,
                         url("case-errors"), eml,
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


class ScriptedServer:
    """Just enough IMAP4rev1 for the reader, over one mailbox ("INBOX") of messages given as bytes,
    with UIDs 1..n. mode "expunge": after answering the first UID FETCH, message 3 is expunged as
    if by another session (an untagged EXPUNGE in the same answer); "drop": the first UID FETCH
    answer stops after two messages and the connection closes; "crlf": LIST also names a mailbox
    whose name holds CRLF. Every line received is kept in .lines."""

    def __init__(self, messages, mode):
        self.mailbox = [(i + 1, m) for i, m in enumerate(messages)]
        self.mode = mode
        self.lines = []
        self.expunged = False
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def uid_fetch(self, conn, tag, uid_set):
        wanted = set()
        for part in uid_set.split(b","):
            lo, _, hi = part.partition(b":")
            wanted.update(range(int(lo), int(hi or lo) + 1))
        sent = 0
        for seq, (uid, data) in enumerate(self.mailbox, 1):
            if uid not in wanted:
                continue
            if self.mode == "drop" and sent == 2:
                conn.sendall(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (seq, uid, len(data))
                             + data[:len(data) // 2])  # cut off inside the literal
                conn.close()
                return False
            conn.sendall(b"* %d FETCH (UID %d BODY[] {%d}\r\n%s INTERNALDATE "
                         b"\"01-Jun-2025 10:00:00 +0000\" FLAGS (\\Seen))\r\n"
                         % (seq, uid, len(data), data))
            sent += 1
        if self.mode == "expunge" and not self.expunged:
            self.expunged = True
            del self.mailbox[2]
            conn.sendall(b"* 3 EXPUNGE\r\n")
        conn.sendall(tag + b" OK UID FETCH done\r\n")
        return True

    def serve(self, conn):
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1] scripted server ready\r\n")
        reader = conn.makefile("rb")
        for line in reader:
            self.lines.append(line)
            tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
            words = rest.split(b" ")
            command = words[0].upper()
            if command == b"CAPABILITY":
                conn.sendall(b"* CAPABILITY IMAP4rev1\r\n" + tag + b" OK done\r\n")
            elif command == b"LIST":
                extra = b'* LIST () "/" {9}\r\nbad\r\nname\r\n' if self.mode == "crlf" else b""
                conn.sendall(b'* LIST () "/" INBOX\r\n' + extra + tag + b" OK LIST done\r\n")
            elif command == b"EXAMINE":
                conn.sendall(b"* %d EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n%s OK [READ-ONLY] done\r\n"
                             % (len(self.mailbox), tag))
            elif command == b"FETCH":
                lo, _, hi = words[1].partition(b":")
                out = b""
                for seq in range(int(lo), min(int(hi or lo), len(self.mailbox)) + 1):
                    uid, data = self.mailbox[seq - 1]
                    out += b"* %d FETCH (UID %d RFC822.SIZE %d)\r\n" % (seq, uid, len(data))
                conn.sendall(out + tag + b" OK FETCH done\r\n")
            elif command == b"UID" and words[1].upper() == b"FETCH":
                if not self.uid_fetch(conn, tag, words[2]):
                    return
            elif command == b"LOGOUT":
                conn.sendall(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                break
            else:  # LOGIN, NOOP, ...
                conn.sendall(tag + b" OK done\r\n")
        conn.close()


def case_server(mailverify, work):
    eml = os.path.join(work, "one.eml")
    with open(eml, "wb") as f:
        f.write(message(7))

    # Expunged meanwhile: 150 messages in two windows; UID 3 goes after the first window's bodies.
    count = 150
    server = ScriptedServer([message(n) for n in range(count)], "expunge")
    records, text, _ = scan(mailverify, "--imap-plaintext", url("INBOX", port=server.port))
    check(server.expunged, "the scripted expunge never happened")
    check([r.get("uid") for r in records] == list(range(1, count + 1)),
          "after an EXPUNGE: %d records, UIDs missing %s" %
          (len(records), sorted(set(range(1, count + 1)) - {r.get("uid") for r in records})))
    check(all("error" not in r for r in records), "errors after an EXPUNGE: %s" % text[-500:])
    check([r["index"] for r in records] == list(range(count)),
          "indexes after an EXPUNGE: %s" % [r["index"] for r in records][95:105])
    check([r["message_id"] for r in records] ==
          ["<imap-%d@imap.mailverify.test>" % n for n in range(count)], "messages differ")

    # The connection drops inside the third message of a UID FETCH answer.
    server = ScriptedServer([message(n) for n in range(5)], "drop")
    records, text, code = scan(mailverify, "--imap-plaintext", eml, url("INBOX", port=server.port), eml,
                               expect_ok=False)
    check(code == 1 and len(records) == 8, "dropped connection: exit %d, %s" % (code, text))
    check(records[0]["message_id"] == records[7]["message_id"] == "<imap-7@imap.mailverify.test>",
          "the file inputs around a dropped connection: %s" % text)
    check([r.get("message_id") for r in records[1:3]] ==
          ["<imap-0@imap.mailverify.test>", "<imap-1@imap.mailverify.test>"],
          "the messages read before the drop: %s" % records[1:3])
    for uid, r in zip((3, 4, 5), records[3:6]):
        check(r.get("uid") == uid and "connection was lost" in r.get("error", ""),
              "UID %d after the drop: %s" % (uid, r))
    check(records[6].get("input_error") is True and "UID FETCH failed" in records[6]["error"],
          "no input_error for the drop: %s" % records[6])

    # A LIST answer that names a mailbox with CRLF: INBOX is read, that one is an input_error.
    server = ScriptedServer([message(0), message(1)], "crlf")
    records, text, code = scan(mailverify, "--imap-plaintext", url("*", port=server.port),
                               expect_ok=False)
    check(code == 1 and [r.get("uid") for r in records[:2]] == [1, 2] and len(records) == 3,
          "LIST with a CRLF name: exit %d, %s" % (code, text))
    check(records[2].get("input_error") is True and "line break" in records[2]["error"],
          "no input_error for the CRLF name: %s" % records[2])
    sent = b"".join(server.lines)
    check(b"name" not in sent and sent.count(b"EXAMINE") == 1,
          "the CRLF name was sent on: %r" % sent)


def dovecot_logins(since_size):
    """Dovecot's imap-login lines for our user written after the log had `since_size` bytes."""
    with open(os.path.join(DIR, "dovecot.log"), "rb") as f:
        f.seek(since_size)
        text = f.read().decode(errors="replace")
    return [line for line in text.splitlines() if "Login: user=<%s>" % USER in line]


def case_starttls(mailverify, work):
    make_folder("case-starttls", [(message(0), "cur", "S", 1750000000),
                                  (message(1), "new", "", 1750000060)])
    log = os.path.join(DIR, "dovecot.log")
    # Without --imap-insecure the STARTTLS handshake meets the self-signed certificate: refused,
    # so the scan did not fall back to the plaintext session the port also offers.
    size = os.path.getsize(log)
    records, text, code = scan(mailverify, url("case-starttls"), expect_ok=False)
    check(code == 1 and len(records) == 1 and records[0].get("input_error"),
          "imap:// read without checking the STARTTLS certificate: %s" % text)
    check(re.search(r"certificate|SSL", records[0]["error"]), "STARTTLS error: %s" % records[0])
    check(dovecot_logins(size) == [], "a login went through the refused session")
    size = os.path.getsize(log)
    records, _, _ = scan(mailverify, "--imap-insecure", url("case-starttls"))
    check([r["message_id"] for r in records] ==
          ["<imap-0@imap.mailverify.test>", "<imap-1@imap.mailverify.test>"],
          "imap:// over STARTTLS: %s" % records)
    time.sleep(0.5)  # Dovecot writes its log line asynchronously
    logins = dovecot_logins(size)
    check(len(logins) == 1 and re.search(r"\bTLS\b", logins[0]),
          "Dovecot did not log a TLS login: %s" % logins)

    # --imap-plaintext does not turn TLS off where the server offers it: the certificate is still
    # checked (refused here), and with --imap-insecure the login is still a TLS one.
    size = os.path.getsize(log)
    records, text, code = scan(mailverify, "--imap-plaintext", url("case-starttls"),
                               expect_ok=False)
    check(code == 1 and len(records) == 1 and records[0].get("input_error") and
          re.search(r"certificate|SSL", records[0]["error"]),
          "--imap-plaintext fell back to plaintext on a STARTTLS server: %s" % text)
    records, _, _ = scan(mailverify, "--imap-plaintext", "--imap-insecure", url("case-starttls"))
    check(len(records) == 2, "--imap-plaintext --imap-insecure: %s" % records)
    time.sleep(0.5)
    logins = dovecot_logins(size)
    check(len(logins) == 1 and re.search(r"\bTLS\b", logins[0]),
          "--imap-plaintext on a STARTTLS server logged in without TLS: %s" % logins)

    # A server that lists no STARTTLS: refused before LOGIN, so the password never goes out.
    server = ScriptedServer([message(0), message(1)], "plain")
    records, text, code = scan(mailverify, url("INBOX", port=server.port), expect_ok=False)
    check(code == 1 and len(records) == 1 and records[0].get("input_error"),
          "a server without STARTTLS was read: %s" % text)
    check("STARTTLS" in records[0]["error"] and "--imap-plaintext" in records[0]["error"],
          "error without STARTTLS: %s" % records[0]["error"])
    sent = b"".join(server.lines)
    check(b"LOGIN" not in sent.upper() and b"AUTHENTICATE" not in sent.upper() and
          PASSWORD.encode() not in sent, "credentials were sent in the clear: %r" % sent)
    check(records[0].get("source_format") == "imap", "input error record %s" % records[0])
    records, _, _ = scan(mailverify, "--imap-plaintext", url("INBOX", port=server.port))
    check([r.get("uid") for r in records] == [1, 2], "--imap-plaintext: %s" % records)


def case_utf7(mailverify, work):
    start = time.time()
    # Dovecot keeps Maildir++ folder names in modified UTF-7 on disk, as IMAP names.
    ete, ete_wire = "case-utf7-\u00e9t\u00e9", "case-utf7-&AOk-t&AOk-"
    mixed, mixed_wire = "case-utf7 & \u65e5\u672c\u8a9e", "case-utf7 &- &ZeVnLIqe-"
    make_folder(ete_wire, [(message(0), "cur", "S", 1750000000),
                           (message(1), "new", "", 1750000060)])
    make_folder(mixed_wire, [(message(2), "cur", "S", 1750000120)])
    target = url(urllib.parse.quote(ete))
    records, _, _ = scan(mailverify, "--imap-insecure", target)
    check([r["message_id"] for r in records] ==
          ["<imap-0@imap.mailverify.test>", "<imap-1@imap.mailverify.test>"],
          "UTF-8 mailbox in the URL: %s" % records)
    check(all(r["folder"] == ete for r in records), "folder %r" % records[0].get("folder"))
    check(records[0]["source"] == target, "source %s, want %s" % (records[0]["source"], target))
    commands = rawlog_commands(start)
    check(any(c == 'EXAMINE "%s"' % ete_wire for c in commands),
          "no EXAMINE in modified UTF-7: %s" % [c for c in commands if "EXAMINE" in c])
    # The source URL of a record names the mailbox again.
    again, _, _ = scan(mailverify, "--imap-insecure", records[0]["source"])
    check([r["message_id"] for r in again] == [r["message_id"] for r in records],
          "the record's source URL read %s" % again)
    # "*": LIST gives the names in modified UTF-7; records show them in UTF-8.
    everything, _, _ = scan(mailverify, "--imap-insecure", url("*"))
    folders = {r.get("folder"): r for r in everything}
    check(ete in folders and mixed in folders,
          "'*' folders: %s" % sorted(f for f in folders if f and f.startswith("case-utf7")))
    check(folders[mixed]["message_id"] == "<imap-2@imap.mailverify.test>" and
          folders[mixed]["source"] == url(urllib.parse.quote(mixed, safe="&")),
          "record of %r: %s" % (mixed, folders[mixed]))


def main():
    mailverify, _repo, case = sys.argv[1:4]
    cases = {"verdicts": case_verdicts, "many": case_many, "errors": case_errors,
             "tls": case_tls, "server": case_server, "starttls": case_starttls,
             "utf7": case_utf7}
    with tempfile.TemporaryDirectory() as work:
        cases[case](mailverify, work)
    print("ok: imap %s" % case)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""End-to-end check of the header-only DKIM verdict on an Outlook .msg, through the mailverify
executable (reader, provenance, AuthCheck's choice of mode, JSON record).

No public .msg carries a signature whose key is still published, so this builds one: a message is
signed by dkimpy (key from `openssl genpkey`), its header section is written as UTF-16LE into the
PidTagTransportMessageHeaders stream (__substg1.0_007D001F) of a real sample .msg with olefile
(same stream size, the rest NUL as Outlook pads it), once intact and once with a signed header
changed. The same signed message as a whole .eml is scanned too, to show the key and zone are right.
The receiving server's Authentication-Results (dkim=pass) must appear as recorded_auth_results.
SPF and DMARC run from the same kept headers (Received hop IP, Return-Path): pass when the
envelope domain allows the IP, and a fourth .msg whose Return-Path names a domain that allows no
host gives SPF fail and DMARC fail (the neutral header-only DKIM verdict aligns nothing).

Expected: the .eml passes; the intact .msg is neutral, reason body-unavailable, header_signature
pass; the altered one neutral, body-unavailable, header_signature fail (never a DKIM fail: the body
is not there to be judged).

Usage: outlook_msg_e2e.py MAILVERIFY SOURCE_DIR
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

import dkim
import olefile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

STREAM = "__substg1.0_007D001F"
SAMPLE = "tests/archive/samples/msg/poi__example_received_unicode.msg"


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def signed_message():
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    pub = base64.b64encode(openssl("pkey", "-pubout", "-outform", "DER", data=pem))
    msg = (b"Received: from mx.example.net (mx.example.net [192.0.2.7])\r\n"
           b"\tby mail.example.com with ESMTPS; Tue, 3 Mar 2020 10:00:01 +0000\r\n"
           b"From: Alice <alice@example.org>\r\n"
           b"To: Bob <bob@example.com>\r\n"
           b"Subject: Outlook kept these headers\r\n"
           b"Date: Tue, 3 Mar 2020 09:59:51 +0000\r\n"
           b"Message-ID: <outlook-e2e@example.org>\r\n"
           b"MIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n"
           b"\r\n"
           b"A body the .msg keeps only as PidTagBody, not as sent.\r\n")
    sig = dkim.sign(msg, b"outlook", b"example.org", pem, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    record = b"v=DKIM1; k=rsa; p=" + pub
    chunks = [record[k:k + 200] for k in range(0, len(record), 200)]
    zone = (b"outlook._domainkey.example.org. 300 IN TXT " +
            b" ".join(b'"' + c + b'"' for c in chunks) + b"\n"
            # SPF and DMARC run from the kept headers: the Received hop's IP, the Return-Path.
            b"example.org. 300 IN TXT \"v=spf1 ip4:192.0.2.7 -all\"\n"
            b"_dmarc.example.org. 300 IN TXT \"v=DMARC1; p=reject\"\n"
            b"other.example. 300 IN TXT \"v=spf1 -all\"\n")
    assert dkim.verify(sig + msg, dnsfunc=lambda name, timeout=5: record), "dkimpy rejects its own"
    # What the receiving server recorded on delivery (after signing: not covered by the signature).
    recorded = (b"Return-Path: <bounce@example.org>\r\n"
                b"Authentication-Results: mx.example.com; dkim=pass header.d=example.org"
                b" header.s=outlook;\r\n\tspf=pass smtp.mailfrom=example.org\r\n")
    return recorded + sig + msg, zone


def write_msg(sample, path, headers):
    shutil.copyfile(sample, path)
    ole = olefile.OleFileIO(path, write_mode=True)
    size = ole.get_size(STREAM)
    value = headers.decode("ascii").encode("utf-16-le")
    assert len(value) <= size, "signed headers longer than the sample's stream"
    ole.write_stream(STREAM, value + b"\0" * (size - len(value)))
    ole.close()


def main():
    mailverify, root = sys.argv[1:3]
    work = tempfile.mkdtemp(prefix="mv-outlook-e2e-")
    try:
        message, zone = signed_message()
        headers = message[:message.index(b"\r\n\r\n") + 4]
        altered = headers.replace(b"Subject: Outlook kept", b"Subject: Outlook lost")
        assert altered != headers and len(altered) == len(headers)
        # An envelope sender whose domain permits no host: SPF fails, and DMARC must then fail
        # too, since a header-only DKIM verdict (neutral) is no DKIM pass for alignment.
        bounced = headers.replace(b"<bounce@example.org>", b"<bounce@other.example>")
        assert bounced != headers
        with open(work + "/keys.zone", "wb") as f:
            f.write(zone)
        with open(work + "/whole.eml", "wb") as f:
            f.write(message)
        write_msg(root + "/" + SAMPLE, work + "/intact.msg", headers)
        write_msg(root + "/" + SAMPLE, work + "/altered.msg", altered)
        write_msg(root + "/" + SAMPLE, work + "/spf-fail.msg", bounced)

        run = subprocess.run([mailverify, "scan", "--dns-zone", work + "/keys.zone",
                              work + "/whole.eml", work + "/intact.msg", work + "/altered.msg",
                              work + "/spf-fail.msg"],
                             capture_output=True, timeout=120)
        assert run.returncode == 0, (run.returncode, run.stderr)
        records = [json.loads(line) for line in run.stdout.splitlines()]
        schema_check.check_records(run.stdout, "scan of .eml and .msg")
        assert len(records) == 4, records
        whole, intact, bad, spf_fail = records
        assert [r["source"] for r in records] == [work + "/whole.eml", work + "/intact.msg",
                                                  work + "/altered.msg", work + "/spf-fail.msg"]
        assert [r["dkim"][0]["result"] for r in records] == ["pass", "neutral", "neutral",
                                                             "neutral"], records
        assert spf_fail["dkim"][0]["header_signature"] == "pass", spf_fail["dkim"]
        # SPF and DMARC from the headers Outlook kept. The whole message passes DMARC by DKIM; a
        # .msg only by aligned SPF (header_signature pass is not a DKIM pass).
        spf = [(r["spf"]["result"], r["spf"].get("domain"), r["spf"].get("ip")) for r in records]
        assert spf == [("pass", "example.org", "192.0.2.7")] * 3 + [
            ("fail", "other.example", "192.0.2.7")], spf
        dmarc = [(r["dmarc"]["result"], r["dmarc"]["domain"], r["dmarc"]["dkim_aligned"],
                  r["dmarc"]["spf_aligned"]) for r in records]
        assert dmarc == [("pass", "example.org", True, True),
                         ("pass", "example.org", False, True),
                         ("pass", "example.org", False, True),
                         ("fail", "example.org", False, False)], dmarc
        for r in (intact, bad, spf_fail):
            assert r["source_format"] == "msg" and r["mime"] == "headers-only", r
            assert r["dkim"][0]["reason"] == "body-unavailable", r["dkim"]
            assert "error" not in r, r
        assert "header_signature" not in whole["dkim"][0], whole["dkim"]
        assert intact["dkim"][0]["header_signature"] == "pass", intact["dkim"]
        assert bad["dkim"][0]["header_signature"] == "fail", bad["dkim"]
        assert intact["subject"] == "Outlook kept these headers", intact["subject"]
        assert bad["subject"] == "Outlook lost these headers", bad["subject"]
        # The receiver's recorded verdict is shown as evidence beside the header-only check.
        recorded = intact["recorded_auth_results"]
        assert [r["authserv_id"] for r in recorded] == ["mx.example.com"], recorded
        dkim_recorded = recorded[0]["results"][0]
        assert (dkim_recorded["method"], dkim_recorded["result"]) == ("dkim", "pass"), recorded
        assert dkim_recorded["properties"]["header.d"] == "example.org", recorded
        print("ok: eml pass; msg intact neutral/header_signature pass; altered header_signature fail;"
              " SPF/DMARC from the kept headers")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

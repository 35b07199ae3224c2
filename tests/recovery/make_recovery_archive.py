#!/usr/bin/python3
"""Test archives for DKIM key recovery.

Generates RSA keys with `openssl genpkey`, signs messages with dkimpy (python3-dkim), optionally
alters some after signing, and writes an mbox plus a DNS zone that deliberately lacks the key
records (the keys are "rotated out"), so that recovery has to rebuild them from the signatures.

Usage: make_recovery_archive.py OUTDIR SPEC_JSON
SPEC_JSON:
  {"keys": [{"id": "k1", "bits": 1024, "e": 65537, "selector": "s1", "domain": "example.org",
             "dns": "missing" | "revoked" | "present"}],
   "messages": [{"key": "k1", "alg": "rsa-sha256" | "rsa-sha1", "alter": "none" | "header" | "body"}]}
Writes OUTDIR/archive.mbox, OUTDIR/dns.zone (master file: revoked keys as "v=DKIM1; p=", present
keys with their record, missing keys absent) and OUTDIR/original.keys ("NAME<TAB>RECORD" per key
id, in spec order, so a test can compare what was recovered with what was signed with).
"""
import base64
import json
import os
import subprocess
import sys

import dkim


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def make_key(bits, exponent):
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % bits,
                  "-pkeyopt", "rsa_keygen_pubexp:%d" % exponent)
    pub_der = openssl("pkey", "-pubout", "-outform", "DER", data=pem)
    return pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(pub_der).decode()


def message(n, key):
    # Distinct headers and bodies per message, so every signature signs a different hash.
    headers = [
        b"From: Sender %d <sender@%s>" % (n, key["domain"].encode()),
        b"To: archive@example.net",
        b"Subject: recovery test message %d" % n,
        b"Date: Mon, %d Jan 2024 10:00:00 +0000" % (1 + n % 28),
        b"Message-ID: <recovery-%d@%s>" % (n, key["domain"].encode()),
    ]
    body = b"Message number %d.\r\nSigned with key %s.\r\n" % (n, key["id"].encode())
    return b"\r\n".join(headers) + b"\r\n\r\n" + body


def txt_strings(record):
    return " ".join('"%s"' % record[i:i + 255] for i in range(0, len(record), 255))


def main():
    out, spec = sys.argv[1], json.loads(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    keys = {}
    for k in spec["keys"]:
        pem, record = make_key(k["bits"], k.get("e", 65537))
        keys[k["id"]] = dict(k, pem=pem, record=record)

    mbox = []
    for n, m in enumerate(spec["messages"]):
        key = keys[m["key"]]
        msg = message(n, key)
        sig = dkim.sign(msg, key["selector"].encode(), key["domain"].encode(), key["pem"],
                        canonicalize=(b"relaxed", b"simple"),
                        signature_algorithm=m.get("alg", "rsa-sha256").encode(),
                        include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        signed = sig.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") + msg
        alter = m.get("alter", "none")
        if alter == "header":
            signed = signed.replace(b"Subject: recovery test", b"Subject: RECOVERY test", 1)
        elif alter == "body":
            signed = signed.replace(b"Message number", b"Message NUMBER", 1)
        mbox.append(b"From sender@example.org Mon Jan  1 10:00:00 2024\n" +
                    signed.replace(b"\r\n", b"\n") + b"\n")
    with open(os.path.join(out, "archive.mbox"), "wb") as f:
        f.write(b"".join(mbox))

    zone = ["$TTL 3600", "example.net. IN TXT \"v=spf1 -all\""]
    originals = []
    for k in spec["keys"]:
        key = keys[k["id"]]
        name = "%s._domainkey.%s" % (k["selector"], k["domain"])
        originals.append("%s\t%s" % (name, key["record"]))
        dns = k.get("dns", "missing")
        if dns == "revoked":
            zone.append("%s. IN TXT \"v=DKIM1; p=\"" % name)
        elif dns == "present":
            zone.append("%s. IN TXT %s" % (name, txt_strings(key["record"])))
    with open(os.path.join(out, "dns.zone"), "w") as f:
        f.write("\n".join(zone) + "\n")
    with open(os.path.join(out, "original.keys"), "w") as f:
        f.write("\n".join(originals) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Signed messages for the header-only DKIM/ARC tests (what an Outlook store keeps of a message).

Signs a few messages with dkimpy (python3-dkim; keys made by `openssl genpkey`): RSA-2048 and
Ed25519 signatures in every canonicalization, and one message ARC-sealed by dkimpy after a
DKIM signature. The test cuts each message down to its header block, as PST/OST/MSG keep it.

Usage: headers_only_vectors.py OUTDIR
Writes OUTDIR/dns.txt ("<name> <TXT value>" lines) and OUTDIR/NN.eml (whole signed messages,
CRLF); NN.eml with an "arc" in OUTDIR/arc.txt are the ARC-sealed ones.
"""
import base64
import os
import subprocess
import sys

import dkim

DOMAIN = b"example.org"


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def key(kind):
    if kind == "ed":
        pem = openssl("genpkey", "-algorithm", "ED25519")
        pub = openssl("pkey", "-pubout", "-outform", "DER", data=pem)
        priv = openssl("pkey", "-outform", "DER", data=pem)
        return base64.b64encode(priv[-32:]), b"v=DKIM1; k=ed25519; p=" + base64.b64encode(pub[-32:])
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    pub = openssl("pkey", "-pubout", "-outform", "DER", data=pem)
    return pem, b"v=DKIM1; k=rsa; p=" + base64.b64encode(pub)


def message(n, subject):
    return (b"Received: from mx.example.net (mx.example.net [192.0.2.7])\r\n"
            b"\tby mail.example.com with ESMTPS; Tue, 3 Mar 2020 10:00:0%d +0000\r\n" % n +
            b"From: Alice <alice@example.org>\r\n"
            b"To: Bob <bob@example.com>\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Date: Tue, 3 Mar 2020 09:59:5%d +0000\r\n" % n +
            b"Message-ID: <headers-only-%d@example.org>\r\n" % n +
            b"MIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n"
            b"\r\n"
            b"The body Outlook splits into PidTagBody and does not keep as sent.\r\n"
            b"Line two  with   spaces \r\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rsa_priv, rsa_rec = key("rsa")
    ed_priv, ed_rec = key("ed")
    with open(os.path.join(out, "dns.txt"), "wb") as f:
        f.write(b"rsa._domainkey.example.org " + rsa_rec + b"\n")
        f.write(b"ed._domainkey.example.org " + ed_rec + b"\n")
        f.write(b"arc._domainkey.example.net " + rsa_rec + b"\n")
    signed = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"]
    n = 0
    for canon in ((b"relaxed", b"relaxed"), (b"simple", b"simple"), (b"relaxed", b"simple"),
                  (b"simple", b"relaxed")):
        for sel, priv, alg in ((b"rsa", rsa_priv, b"rsa-sha256"), (b"ed", ed_priv, b"ed25519-sha256")):
            msg = message(n % 10, b"Quarterly  report\r\n folded")
            sig = dkim.sign(msg, sel, DOMAIN, priv, canonicalize=canon, signature_algorithm=alg,
                            include_headers=[h.encode() for h in signed])
            with open(os.path.join(out, "%02d.eml" % n), "wb") as f:
                f.write(sig + msg)
            n += 1
    # One message signed, then received and ARC-sealed by example.net (dkimpy as the sealer).
    msg = message(9, b"Sealed")
    msg = dkim.sign(msg, b"rsa", DOMAIN, rsa_priv, include_headers=[h.encode() for h in signed]) + msg
    msg = (b"Authentication-Results: mx.example.net; dkim=pass header.d=example.org; spf=pass "
           b"smtp.mailfrom=example.org\r\n") + msg
    seal = dkim.arc_sign(msg, b"arc", b"example.net", rsa_priv, b"mx.example.net")
    with open(os.path.join(out, "%02d.eml" % n), "wb") as f:
        f.write(b"".join(seal) + msg)
    with open(os.path.join(out, "arc.txt"), "w") as f:
        f.write("%02d.eml\n" % n)


if __name__ == "__main__":
    main()

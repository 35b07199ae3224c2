#!/usr/bin/python3
"""Test archive for DKIM key trust: keys with known weaknesses, each signing one message.

Keys are built here, independently of mailverify: primes from `openssl prime -generate`, the
weak structures by the public recipes below, PKCS#1 private keys assembled in DER, public keys
from `openssl rsa -pubout`, signatures by dkimpy (python3-dkim).

  shared-a, shared-b  2048-bit keys with one prime in common (batch GCD must factor both)
  roca                2048-bit key whose primes are p = k*M + (65537^a mod M), M = the product of
                      the primes up to 701 (the Infineon RSALib structure of CVE-2017-15361 for
                      1984..3936-bit keys)
  close               2048-bit key with |p - q| about 2^500 (Fermat factors it at once)
  small               512-bit key from openssl genpkey
  rfc6376             RFC 6376 Appendix C's example key, private key as printed in the RFC
  ordinary-a, -b      2048-bit keys from openssl genpkey

Usage: make_keytrust_archive.py OUTDIR RFC6376_TXT
Writes OUTDIR/archive.mbox (one message per key, selector = key id, d=trust.example),
OUTDIR/dns.zone (every key's record) and OUTDIR/expected.tsv ("SELECTOR<TAB>KEY_TRUST").

OUTDIR/failing.mbox holds one message whose body changed after dkimpy signed it with the key
"tampered" (in dns.zone too). For key archives it also writes OUTDIR/window.json, a zk-email style archive holding one key
(selector "hist" at archive.example) seen from 2019-01-01 to 2021-12-31, OUTDIR/window.mbox with
two messages signed with it in June 2020 and June 2023, OUTDIR/window-no-t.mbox the same two
signed without t= (openssl dgst, simple/simple), OUTDIR/window.csv the archive as CSV, and
OUTDIR/empty.zone. OUTDIR/arc.mbox
holds one message ARC-sealed (dkimpy arc_sign) by lists.trust.example with the RFC 6376 key.
"""
import json
import base64
import hashlib
import os
import random
import subprocess
import sys
import time

import dkim

E = 65537


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def openssl_prime(bits):
    return int(openssl("prime", "-generate", "-bits", str(bits)).strip())


def is_probable_prime(n, rounds=32):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    rng = random.Random(n)
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_int(v):
    b = v.to_bytes(v.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    while len(b) > 1 and b[0] == 0 and b[1] < 0x80:
        b = b[1:]
    return b"\x02" + der_len(len(b)) + b


def private_pem(p, q):
    """PKCS#1 RSAPrivateKey (RFC 8017 A.1.2) from two primes."""
    n, phi = p * q, (p - 1) * (q - 1)
    d = pow(E, -1, phi)
    body = b"".join(der_int(v) for v in (0, n, E, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p)))
    der = b"\x30" + der_len(len(body)) + body
    b64 = base64.encodebytes(der).replace(b"\n", b"")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return b"-----BEGIN RSA PRIVATE KEY-----\n" + b"\n".join(lines) + b"\n-----END RSA PRIVATE KEY-----\n"


def roca_prime(bits, rng):
    primes = [r for r in range(2, 702) if all(r % d for d in range(2, int(r ** 0.5) + 1))]
    m = 1
    for r in primes:
        m *= r
    while True:
        a = rng.randrange(1, 1 << 62)
        k = rng.randrange(1 << (bits - m.bit_length() - 1), 1 << (bits - m.bit_length()))
        p = k * m + pow(E, a, m)
        if p.bit_length() == bits and is_probable_prime(p):
            return p


def next_prime(n):
    n |= 1
    while not is_probable_prime(n):
        n += 2
    return n


def public_record(pem):
    der = openssl("rsa", "-pubout", "-outform", "DER", data=pem)
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def message(selector, date, when):
    headers = [
        b"Received: from mx.trust.example by mail.archive.example; " + date,
        b"From: Key %s <%s@trust.example>" % (selector.encode(), selector.encode()),
        b"To: archive@example.net",
        b"Subject: signed with the %s key" % selector.encode(),
        b"Date: " + date,
        b"Message-ID: <%s-%d@trust.example>" % (selector.encode(), when),
    ]
    body = b"This message was signed with the key called %s.\r\n" % selector.encode()
    return b"\r\n".join(headers) + b"\r\n\r\n" + body


def sign(msg, selector, domain, pem, when):
    real_time = time.time
    time.time = lambda: when  # dkimpy writes t= from time.time()
    try:
        sig = dkim.sign(msg, selector.encode(), domain.encode(), pem,
                        include_headers=[b"From", b"To", b"Subject", b"Date", b"Message-ID"])
    finally:
        time.time = real_time
    return sig + msg


def sign_without_t(msg, selector, domain, pem):
    """A DKIM-Signature with no t= (dkimpy always writes one): c=simple/simple, rsa-sha256, the
    RSA signature made by `openssl dgst -sign` over the RFC 6376 3.7 input."""
    head, body = msg.split(b"\r\n\r\n", 1)
    body = body.rstrip(b"\r\n") + b"\r\n"  # simple body: no trailing empty lines
    bh = base64.b64encode(hashlib.sha256(body).digest())
    fields = {}
    for line in head.split(b"\r\n"):
        name = line.split(b":", 1)[0].lower()
        fields.setdefault(name, line)
    names = [b"from", b"to", b"subject", b"date"]
    sig = (b"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=" + domain.encode() +
           b"; s=" + selector.encode() + b"; h=From:To:Subject:Date; bh=" + bh + b"; b=")
    signed = b"".join(fields[n] + b"\r\n" for n in names) + sig
    key_file = os.path.join(OUT, selector + "-signing.pem")
    with open(key_file, "wb") as f:
        f.write(pem)
    b = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_file, "-binary"], input=signed,
                       check=True, capture_output=True).stdout
    return sig + base64.b64encode(b) + b"\r\n" + msg


def txt_strings(record):
    return " ".join('"%s"' % record[i:i + 255] for i in range(0, len(record), 255))


def rfc6376_key(path):
    lines, inside = [], False
    for line in open(path):
        line = line.strip()
        if line == "-----BEGIN RSA PRIVATE KEY-----":
            inside = True
        if inside:
            lines.append(line)
        if line == "-----END RSA PRIVATE KEY-----":
            break
    return ("\n".join(lines) + "\n").encode()


OUT = None


def main():
    global OUT
    out, rfc6376 = sys.argv[1], sys.argv[2]
    OUT = out
    os.makedirs(out, exist_ok=True)
    rng = random.Random(6376)
    shared = openssl_prime(1024)
    close_p = openssl_prime(1024)
    keys = [
        ("shared-a", private_pem(shared, openssl_prime(1024)), "shared-prime"),
        ("shared-b", private_pem(shared, openssl_prime(1024)), "shared-prime"),
        ("roca", private_pem(roca_prime(1024, rng), roca_prime(1024, rng)), "roca"),
        ("close", private_pem(close_p, next_prime(close_p + rng.getrandbits(500))), "close-primes"),
        ("small", openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512",
                          "-outform", "PEM"), "small"),
        ("rfc6376", rfc6376_key(rfc6376), "published-private-key"),
        ("ordinary-a", openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
         "ok"),
        ("ordinary-b", openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
         "ok"),
    ]
    when = 1700000000
    with open(os.path.join(out, "archive.mbox"), "wb") as mbox, \
            open(os.path.join(out, "dns.zone"), "w") as zone, \
            open(os.path.join(out, "expected.tsv"), "w") as expected:
        zone.write("$TTL 3600\n")
        for i, (selector, pem, verdict) in enumerate(keys):
            t = when + 60 * i
            date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)).encode()
            signed = sign(message(selector, date, t), selector, "trust.example", pem, t)
            mbox.write(b"From sender@trust.example Mon Jan  1 00:00:00 2024\n")
            mbox.write(signed.replace(b"\r\n", b"\n") + b"\n")
            zone.write("%s._domainkey.trust.example. IN TXT %s\n" % (selector,
                                                                  txt_strings(public_record(pem))))
            expected.write("%s\t%s\n" % (selector, verdict))
            with open(os.path.join(out, selector + ".pem"), "wb") as f:
                f.write(pem)
    hist = keys[6][1]  # ordinary-a
    with open(os.path.join(out, "window.mbox"), "wb") as mbox:
        for t in (1590969600, 1685577600):  # 2020-06-01, 2023-06-01
            date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)).encode()
            signed = sign(message("hist", date, t), "hist", "archive.example", hist, t)
            mbox.write(b"From sender@archive.example Mon Jan  1 00:00:00 2024\n")
            mbox.write(signed.replace(b"\r\n", b"\n") + b"\n")
    with open(os.path.join(out, "window.json"), "w") as f:
        json.dump([{"domain": "archive.example", "selector": "hist",
                    "firstSeenAt": "2019-01-01T00:00:00.000Z",
                    "lastSeenAt": "2021-12-31T00:00:00.000Z", "value": public_record(hist)}], f)
    # The same key and dates, signatures without t=: the window is judged by the receive time.
    with open(os.path.join(out, "window-no-t.mbox"), "wb") as mbox:
        for t in (1590969600, 1685577600):
            date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)).encode()
            signed = sign_without_t(message("hist", date, t), "hist", "archive.example", hist)
            mbox.write(b"From sender@archive.example Mon Jan  1 00:00:00 2024\n")
            mbox.write(signed.replace(b"\r\n", b"\n") + b"\n")
    with open(os.path.join(out, "window.csv"), "w") as f:
        f.write("domain,selector,firstSeenAt,lastSeenAt,value\r\n")
        f.write('archive.example,hist,2019-01-01T00:00:00.000Z,1640908800,"%s"\r\n'
                % public_record(hist))
    # A key whose only signature fails (the body changed after signing): keys export lists it
    # with "verified": false. Its record is in dns.zone, its message in failing.mbox.
    tampered = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    t = when + 7200
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)).encode()
    signed = sign(message("tampered", date, t), "tampered", "trust.example", tampered, t)
    with open(os.path.join(out, "failing.mbox"), "wb") as mbox:
        mbox.write(b"From sender@trust.example Mon Jan  1 00:00:00 2024\n")
        mbox.write(signed.replace(b"\r\n", b"\n").replace(b"This message", b"This mess4ge") +
                   b"\n")
    with open(os.path.join(out, "dns.zone"), "a") as zone:
        zone.write("tampered._domainkey.trust.example. IN TXT %s\n"
                   % txt_strings(public_record(tampered)))
    rfc_pem = keys[5][1]
    t = when + 3600
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)).encode()
    msg = (b"Authentication-Results: lists.trust.example; dkim=pass header.d=trust.example\r\n" +
           message("arc", date, t))
    arc_set = dkim.arc_sign(msg, b"rfc6376", b"trust.example", rfc_pem, b"lists.trust.example",
                            include_headers=[b"From", b"To", b"Subject", b"Date", b"Message-ID"],
                            timestamp=t)
    with open(os.path.join(out, "arc.mbox"), "wb") as mbox:
        mbox.write(b"From list@trust.example Mon Jan  1 00:00:00 2024\n")
        mbox.write((b"".join(arc_set) + msg).replace(b"\r\n", b"\n") + b"\n")
    with open(os.path.join(out, "empty.zone"), "w") as f:
        f.write("$TTL 3600\n")


if __name__ == "__main__":
    main()

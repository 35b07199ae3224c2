"""The DMARC cases (tests/dmarc/cases/*.yml, RFC 7489) through `mailverify scan`. A case gives
abstract DKIM and SPF outcomes; here they become real ones: each DKIM entry is a signature made by
dkimpy (an independent signer) with d= the entry's domain, whose selector publishes the signing key
for `pass` and another key for any other result (so it fails to verify); the SPF entry becomes a
Return-Path in that domain, a boundary Received field from 192.0.2.10 and a TXT record giving the
result asked for. The case's zone and those records form one master file per case; the record's
`dmarc` object is compared field by field with the case's `expect`.

The scan runs "as of" 2025-01-01, under RFC 7489 (passed as --dmarc-rules rfc7489 when the
executable has that option). Cases without a sampling_key get a Message-ID whose pct bucket is 37,
the bucket of the empty key the in-memory suite uses.
"""
import base64
import glob
import os
import subprocess
import time

import yaml

from common import Tally, escape_name, outcome_line, scan_all, txt_rdata, write_messages

CLIENT = "192.0.2.10"
SIGN_TIME = 1704067200  # 2024-01-01: signatures made before the verification time below
AT = "2025-01-01T00:00:00Z"
# Fields of `expect` the record's dmarc object does not carry, not compared (with why).
NOT_IN_RECORD = {
    "policy_defaulted": "the record shows the policy, not whether p= was missing",
}
SPF_RECORDS = {"pass": "v=spf1 ip4:%s -all" % CLIENT, "fail": "v=spf1 -all",
               "softfail": "v=spf1 ~all", "neutral": "v=spf1 ?all",
               "permerror": "v=spf1 ip4:not-an-address -all"}
TYPES = ["A", "AAAA", "MX", "TXT", "PTR", "CNAME"]


def fnv_bucket(key):
    h = 14695981039346656037
    for c in key.encode("utf-8"):
        h = ((h ^ c) * 1099511628211) % (1 << 64)
    return h % 100


def empty_key_stand_in():
    n = 0
    while fnv_bucket("<e2e-%d@conformance.invalid>" % n) != 37:
        n += 1
    return "<e2e-%d@conformance.invalid>" % n


def make_key(folder, name):
    pem = os.path.join(folder, name + ".pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
                    "-out", pem], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return open(pem, "rb").read(), "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


def case_zone(zone):
    lines = []
    for name, v in (zone or {}).items():
        owner = escape_name(str(name))
        if isinstance(v, str) and v in ("TEMPERROR", "PERMERROR"):
            lines += [outcome_line(v.lower(), str(name), t) for t in TYPES]
        elif isinstance(v, str):
            lines.append("%s 300 IN TXT %s" % (owner, txt_rdata([v])))
        elif isinstance(v, list):
            for rec in v:
                strings = [str(s) for s in rec] if isinstance(rec, list) else [str(rec)]
                lines.append("%s 300 IN TXT %s" % (owner, txt_rdata(strings)))
        elif isinstance(v, dict):
            for rtype, value in v.items():
                if rtype == "MX":
                    lines.append("%s 300 IN MX 10 %s" % (owner, escape_name(str(value))))
                elif rtype == "CNAME":
                    lines.append("%s 300 IN CNAME %s" % (owner, escape_name(str(value))))
                elif rtype == "TXT":
                    lines.append("%s 300 IN TXT %s" % (owner, txt_rdata([str(value)])))
                else:
                    lines.append("%s 300 IN %s %s" % (owner, rtype, value))
    return lines


def build_message(case, keys, sampling_key):
    """The message and the extra zone lines its DKIM and SPF outcomes need."""
    import dkim  # python3-dkim, the independent signer
    crlf = "\r\n"
    froms = case.get("from")
    froms = [] if froms is None else froms if isinstance(froms, list) else [froms]
    zone, fields = [], []
    spf = case.get("spf")
    if spf:
        domain = str(spf["domain"]).rstrip(".")
        fields.append("Return-Path: <bounce@%s>" % domain)
        result = spf["result"]
        if result == "temperror":
            # A SERVFAIL-like failure: a timeout would put the domain on hold for the rest of the
            # run (the DNS cache's guard against dead servers), the _dmarc query included.
            zone.append(outcome_line("temperror", domain, "TXT", 300, "DNS: Server failed"))
        elif result in SPF_RECORDS:
            zone.append("%s 300 IN TXT %s" % (escape_name(domain), txt_rdata([SPF_RECORDS[result]])))
    fields.append("Received: from mail.sender.invalid (mail.sender.invalid [%s])" % CLIENT + crlf +
                  "\tby mx1.conformance.invalid with ESMTP id e2e; Mon, 1 Jan 2024 00:00:01 +0000")
    fields += ["From: %s" % f for f in froms]
    fields += ["To: <rcpt@conformance.invalid>", "Subject: dmarc %s" % case["name"],
               "Date: Mon, 1 Jan 2024 00:00:00 +0000", "Message-ID: %s" % sampling_key]
    msg = (crlf.join(fields) + crlf + crlf + "DMARC case body." + crlf).encode("utf-8")
    real_time = time.time
    time.time = lambda: SIGN_TIME
    try:
        for n, d in enumerate(case.get("dkim") or []):
            domain, selector = str(d["domain"]), "s%d" % n
            good = d["result"] == "pass"
            zone.append("%s 300 IN TXT %s" % (escape_name(selector + "._domainkey." +
                                                          domain.rstrip(".")),
                                              txt_rdata([keys["good" if good else "other"][1]])))
            sig = dkim.sign(msg, selector.encode(), domain.encode(), keys["good"][0],
                            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
            msg = sig + msg
    finally:
        time.time = real_time
    return msg, zone


def flatten(dm):
    """The record's dmarc object under the names the cases use."""
    f = {k: v for k, v in dm.items() if not isinstance(v, (dict, list))}
    # The record's p= is `p`; `policy` is what applies after p/sp/np and t= (RFC 9989 naming).
    f["has_policy"] = "policy_domain" in dm
    if "p" in dm:
        f["policy"] = dm["p"]
    applied = dm.get("applied") or {}
    if applied:
        f["applied_tag"], f["applied_policy"] = applied.get("tag"), applied.get("policy")
    for k in ("rua", "ruf"):
        if k in dm:
            f[k] = ",".join(dm[k])
    if "policy_domain" in dm:
        f["warning_count"] = len(dm.get("warnings") or [])
    out = {}
    for k, v in f.items():
        out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
    return out


def supports(mailverify, option):
    done = subprocess.run([mailverify, "--help"], capture_output=True)
    return option in (done.stdout + done.stderr).decode(errors="replace")


def run(mailverify, tests_dir, tmp):
    tally = Tally("DMARC cases (RFC 7489)")
    keys = {"good": make_key(tmp, "good"), "other": make_key(tmp, "other")}
    rules = ["--dmarc-rules", "rfc7489"] if supports(mailverify, "--dmarc-rules") else []
    stand_in = empty_key_stand_in()
    cases = []
    for path in sorted(glob.glob(os.path.join(tests_dir, "dmarc/cases/*.yml"))):
        cases += yaml.safe_load(open(path, encoding="utf-8"))
    jobs = []
    for n, case in enumerate(cases):
        folder = os.path.join(tmp, "c%03d" % n)
        os.makedirs(folder)
        msg, extra = build_message(case, keys, case.get("sampling_key") or stand_in)
        zone = os.path.join(folder, "zone.zone")
        with open(zone, "w", encoding="ascii") as f:
            f.write("\n".join(case_zone(case.get("zone")) + extra) + "\n")
        by_path = write_messages(os.path.join(folder, "mail"), [(case["name"], msg)])
        jobs.append((list(by_path), ["--dns-zone", zone, "--at", AT, *rules]))
    for case, records in zip(cases, scan_all(mailverify, jobs)):
        got = flatten(records[0]["dmarc"]) if records else {}
        problems = []
        for field, want in (case.get("expect") or {}).items():
            want = ("true" if want else "false") if isinstance(want, bool) else str(want)
            if field in NOT_IN_RECORD:
                continue
            if field == "reason_contains":
                if want not in got.get("reason", ""):
                    problems.append("reason %r lacks %r" % (got.get("reason"), want))
            elif got.get(field, "") != want:  # the record leaves empty values out
                problems.append("%s=%r, expected %r" % (field, got.get(field), want))
        tally.check(case["name"], not problems, "; ".join(problems))
    for field, why in NOT_IN_RECORD.items():
        users = [c["name"] for c in cases if field in (c.get("expect") or {})]
        if users:
            tally.note("expect." + field, "not compared in %s: %s" % (", ".join(users), why))
    return tally.finish(len(cases))

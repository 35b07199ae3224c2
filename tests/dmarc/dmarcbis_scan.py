#!/usr/bin/python3
"""RFC 9989 conformance through the whole program: every `verify` and `discovery` case of
tests/conformance/dmarcbis/cases.yml run through `mailverify scan`, not only the evaluator
(dmarcbis_conformance_test.cc does that).

Each case becomes a master file (its DNS, with NXDOMAIN/NODATA/SERVFAIL as the zone loader's
`;@mailverify` outcome lines) and a one-message mbox: From the case's Author Domain, a Return-Path
and Received field giving the SPF identity and a zone record that makes SPF give the case's result,
and one DKIM signature per `dkim` entry, made by dkimpy with a key from the openssl CLI (a failing
one has its body changed after signing). The record's `dmarc` object is then held to the case's
`expect`. Cases that cannot be put into a zone and a message are skipped with their reason; the
cases dmarcbis_conformance_test.cc skips are skipped here for the same reasons.

usage: dmarcbis_scan.py MAILVERIFY CASES_YML"""
import base64
import json
import os
import subprocess
import sys
import tempfile

import dkim
import yaml

CLIENT_IP = "192.0.2.25"
SELECTOR = "conf"
# Verification time after RFC 9989's publication, so --dmarc-rules auto picks RFC 9989; the
# rules are also forced, so the date is not what this test is about (dmarc_rules_scan.py is).
AT = "2026-06-01T00:00:00Z"

# Same cases and reasons as dmarcbis_conformance_test.cc's skip list.
SKIPPED_IN_EVALUATOR_TEST = {
    "mailauth-multiple-records-no-inherit": "disagreement D1 (see dmarcbis_conformance_test.cc)",
    "checkdmarc-walk-multiple-records-error": "record-checker severity, not verifier behaviour",
    "checkdmarc-multiple-records": "record-checker severity, not verifier behaviour",
}


def txt_rdata(strings):
    out = []
    for s in strings:
        out.append('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def chunks(s, n=250):
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


class Zone:
    """The case's DNS as master-file lines; names compared lower-case."""

    OUTCOME_TYPES = ("TXT", "A", "AAAA", "MX")

    def __init__(self):
        self.lines = ["$TTL 300"]
        self.outcome = {}  # name -> NXDOMAIN | NODATA | SERVFAIL
        self.records = {}  # name -> list of (type, rdata)

    def add(self, name, rtype, rdata):
        self.records.setdefault(name.lower(), []).append((rtype, rdata))

    def load_case(self, dns):
        for name, v in (dns or {}).items():
            name = name.lower()
            if isinstance(v, str):
                self.outcome[name] = v
            elif isinstance(v, list):
                if not v:
                    self.outcome[name] = "NODATA"
                for rr in v:
                    self.add(name, "TXT", txt_rdata(rr if isinstance(rr, list) else [rr]))
            elif isinstance(v, dict):
                for rtype, values in v.items():
                    for value in values:
                        if rtype == "TXT":
                            self.add(name, "TXT",
                                     txt_rdata(value if isinstance(value, list) else [value]))
                        elif rtype == "MX":  # "<preference> <exchange>", absolute here
                            self.add(name, rtype, value.rstrip(".") + ".")
                        else:
                            self.add(name, rtype, value)

        # A proper ancestor of a name the case lists is an empty non-terminal: NODATA (as in the
        # evaluator test), unless the case lists it itself. Names added later for SPF and DKIM
        # make no ancestors exist (the zone has no SOA), so they change no existence check.
        for name in list(self.outcome) + list(self.records):
            parts = name.split(".")
            for i in range(1, len(parts)):
                ancestor = ".".join(parts[i:])
                if not self.listed(ancestor):
                    self.outcome[ancestor] = "NODATA"

    def listed(self, name):
        return name.lower() in self.outcome or name.lower() in self.records

    def text(self):
        lines = list(self.lines)
        status = {"NXDOMAIN": "nxdomain", "NODATA": "nodata", "SERVFAIL": "temperror"}
        for name, what in sorted(self.outcome.items()):
            for rtype in self.OUTCOME_TYPES:
                # A NODATA name given an SPF record keeps answering NODATA for every other type
                # (DMARC's existence check asks A).
                if what == "NODATA" and rtype in {t for t, _ in self.records.get(name, [])}:
                    continue
                lines.append(";@mailverify %s %s. %s 300" % (status[what], name, rtype))
        for name, rrs in sorted(self.records.items()):
            for rtype, rdata in rrs:
                lines.append("%s. IN %s %s" % (name, rtype, rdata))
        return "\n".join(lines) + "\n"


def unsupported(c):
    """Why the case cannot be run through scan, or None."""
    if c["id"] in SKIPPED_IN_EVALUATOR_TEST:
        return SKIPPED_IN_EVALUATOR_TEST[c["id"]]
    if c.get("dns_default") not in (None, "SERVFAIL"):
        return "dns_default %s is not written as a zone here" % c["dns_default"]
    if c.get("dns_default") and (c.get("spf") or c.get("dkim")):
        return ("dns_default SERVFAIL is written only for the From domain's names; this case "
                "asks about others")
    domains = [c["from_domain"]] + [d["d"] for d in c.get("dkim") or []]
    if c.get("spf"):
        domains.append(c["spf"]["domain"])
    for d in domains:
        if not d.isascii():
            return "non-ASCII domain %r in a header field" % d
    spf = c.get("spf")
    if spf:
        name = spf["domain"].lower()
        zone = Zone()
        zone.load_case(c.get("dns"))
        if zone.outcome.get(name, "") in ("NXDOMAIN", "SERVFAIL"):
            return ("the SPF %s needs a TXT record at %s, which the case says is %s"
                    % (spf["result"], name, zone.outcome[name]))
        if name == c["from_domain"].lower() and not zone.listed(name):
            return ("the SPF record at %s would make the Author Domain exist, where the case's "
                    "zone has no such name (NXDOMAIN)" % name)
        if spf["result"] not in ("pass", "fail"):
            return "SPF result %s is not made by a zone here" % spf["result"]
    for d in c.get("dkim") or []:
        if d["result"] not in ("pass", "fail"):
            return "DKIM result %s is not made by a signature here" % d["result"]
    if len({d["result"] for d in c.get("dkim") or []}) > 1:
        return "passing and failing DKIM signatures in one message are not made here"
    return None


def make_message(c, zone, key_pem, public_b64):
    from_domain = c["from_domain"]
    head = []
    spf = c.get("spf")
    if spf:
        head.append("Return-Path: <bounce@%s>" % spf["domain"])
        mech = "ip4:%s -all" % CLIENT_IP if spf["result"] == "pass" else "-all"
        zone.add(spf["domain"], "TXT", txt_rdata(["v=spf1 " + mech]))
    head.append("Received: from relay.sender.test (relay.sender.test [%s])\n\tby mx.test.example "
                "with ESMTP id 1; Mon, 1 Jun 2026 10:00:00 +0000" % CLIENT_IP)
    head += ["From: Someone <someone@%s>" % from_domain, "To: x@y.example",
             "Subject: %s" % c["id"], "Date: Mon, 1 Jun 2026 10:00:00 +0000",
             "Message-ID: <%s@conformance.test>" % c["id"]]
    body = "conformance case %s\r\n" % c["id"]
    msg = ("\r\n".join(head) + "\r\n\r\n" + body).encode()
    signatures = []
    for d in c.get("dkim") or []:
        zone.add("%s._domainkey.%s" % (SELECTOR, d["d"]), "TXT",
                 txt_rdata(chunks("v=DKIM1; k=rsa; p=" + public_b64)))
        sig = dkim.sign(msg, SELECTOR.encode(), d["d"].encode(), key_pem,
                        include_headers=[b"from", b"subject", b"date", b"message-id"])
        signatures.append(sig)
    if any(d["result"] == "fail" for d in c.get("dkim") or []):
        # A fail: the body no longer hashes to bh= (every signature sees the change; unsupported()
        # refuses cases that mix pass and fail).
        msg = msg + b"changed after signing\r\n"
    text = b"".join(signatures) + msg
    return b"From conformance@test Mon Jun  1 10:00:00 2026\n" + text.replace(b"\r\n", b"\n") + \
        b"\n"


def check_case(c, dmarc, recorded_dmarc_names):
    """Failures of the record against the case's expect; and what was not observable."""
    fails, unobservable = [], []
    applies = "p" in dmarc and dmarc["result"] != "temperror"
    passing_spf = bool(c.get("spf")) and c["spf"]["result"] == "pass"
    passing_dkim = any(d["result"] == "pass" for d in c.get("dkim") or [])
    org_of = dict(dmarc.get("identifier_org_domains") or {})
    if dmarc.get("org_domain"):
        org_of.setdefault(dmarc["domain"], dmarc["org_domain"])

    def expect(what, got, want):
        if got != want:
            fails.append("%s: got %r, want %r" % (what, got, want))

    for key, want in c["expect"].items():
        if key == "result":
            expect(key, dmarc["result"], want)
        elif key == "dmarc_applies":
            expect(key, applies, want)
        elif key == "record_found":
            expect(key, "policy_domain" in dmarc, want)
        elif key == "policy_domain":
            expect(key, dmarc.get("policy_domain"), want)
        elif key == "policy_record":
            expect(key, dmarc.get("record"), want)
        elif key == "policy":
            expect(key, dmarc.get("policy", "") if applies else "", want or "")
        elif key in ("discovery_queries", "discovery_queries_include", "walk_queries"):
            # The recording keeps the names asked, not their order (the evaluator test checks
            # the order): every expected name must have been asked.
            names = want if key != "walk_queries" else [n for v in want.values() for n in v]
            # Not equality: the From domain's own walk for its organizational domain (4.10.2)
            # asks names that discovery did not.
            missing = [n for n in names if n.lower() not in recorded_dmarc_names]
            if missing:
                fails.append("%s: never asked %s" % (key, missing))
        elif key == "org_domain":
            for which, v in want.items():
                if which == "from":
                    expect("org_domain", dmarc.get("org_domain"), v)
                    continue
                pairs = [(c["spf"]["domain"], v)] if which == "spf" else list(v.items())
                for name, org in pairs:
                    if name.lower() in org_of:
                        expect("org domain of %s" % name, org_of[name.lower()], org)
                    else:
                        unobservable.append("org domain of %s (no walk of its own was needed)"
                                            % name)
        elif key == "alignment":
            for which, v in want.items():
                if which == "dkim_mode":
                    expect("adkim", dmarc.get("adkim"), v)
                    continue
                given = passing_spf if which == "spf" else passing_dkim
                aligned = dmarc.get(which + "_aligned", False)
                expect(which + " alignment", "none" if not given else
                       "pass" if aligned else "fail", v)
        else:
            unobservable.append(key)
    return fails, unobservable


def main():
    binary, cases_path = sys.argv[1], sys.argv[2]
    cases = [c for c in yaml.safe_load(open(cases_path))["cases"]
             if c["kind"] in ("verify", "discovery")]
    passed, failed, skipped = 0, [], []
    with tempfile.TemporaryDirectory(prefix="mv-dmarcbis-scan-") as d:
        key_path = os.path.join(d, "key.pem")
        subprocess.run(["openssl", "genrsa", "-out", key_path, "2048"], check=True,
                       capture_output=True)
        pub = subprocess.run(["openssl", "rsa", "-in", key_path, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout
        public_b64 = base64.b64encode(pub).decode()
        key_pem = open(key_path, "rb").read()
        for c in cases:
            why = unsupported(c)
            if why:
                skipped.append((c["id"], why))
                continue
            zone = Zone()
            zone.load_case(c.get("dns"))
            if c.get("dns_default") == "SERVFAIL":
                # A master file answers unlisted names NXDOMAIN; the names DMARC asks about a
                # From domain with no identifiers are its _dmarc walk and the name itself.
                labels = c["from_domain"].lower().split(".")
                for i in range(len(labels)):
                    for name in (".".join(labels[i:]), "_dmarc." + ".".join(labels[i:])):
                        if not zone.listed(name):
                            zone.outcome[name] = "SERVFAIL"
            mbox = make_message(c, zone, key_pem, public_b64)
            zone_path, mbox_path, rec_path = (os.path.join(d, n) for n in
                                              ("z.zone", "m.mbox", "rec.zone"))
            open(zone_path, "w").write(zone.text())
            open(mbox_path, "wb").write(mbox)
            out = subprocess.run([binary, "scan", "-q", "--dns-zone", zone_path, "--dns-record",
                                  rec_path, "--at", AT, "--dmarc-rules", "rfc9989",
                                  "--authserv-id", "mx.test.example", mbox_path],
                                 capture_output=True, text=True)
            records = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
            if out.returncode not in (0, 1) or len(records) != 1:
                failed.append((c["id"], ["scan exit %d, %d records: %s" % (
                    out.returncode, len(records), out.stderr.strip())]))
                continue
            asked = set()
            for line in open(rec_path):
                for word in line.split():
                    if word.lower().startswith("_dmarc."):
                        asked.add(word.lower().rstrip("."))
                        break
            rec = records[0]
            fails, unobservable = check_case(c, rec["dmarc"], asked)
            if c.get("spf"):
                want_spf = c["spf"]["result"]
                if rec["spf"]["result"] != want_spf:
                    fails.append("setup: SPF gave %s, not %s" % (rec["spf"]["result"], want_spf))
            for sig, want in zip(rec.get("dkim") or [], c.get("dkim") or []):
                if sig.get("result") != want["result"]:
                    fails.append("setup: DKIM d=%s gave %s" % (want["d"], sig.get("result")))
            if len(rec.get("dkim") or []) != len(c.get("dkim") or []):
                fails.append("setup: %d DKIM results" % len(rec.get("dkim") or []))
            if fails:
                failed.append((c["id"], fails + ["dmarc: " + json.dumps(rec["dmarc"])]))
            elif len(unobservable) == len(c["expect"]):
                skipped.append((c["id"], "nothing it expects shows in a record: %s"
                                % "; ".join(unobservable)))
            else:
                passed += 1
                note = " (not observable through scan: %s)" % "; ".join(unobservable) \
                    if unobservable else ""
                print("pass %s%s" % (c["id"], note))
    for case_id, why in skipped:
        print("skipped %s: %s" % (case_id, why))
    for case_id, fails in failed:
        print("FAIL %s:\n  %s" % (case_id, "\n  ".join(fails)))
    print("%d of %d cases passed through scan, %d failed, %d skipped"
          % (passed, len(cases), len(failed), len(skipped)))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()

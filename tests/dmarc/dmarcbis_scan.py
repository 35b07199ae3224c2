#!/usr/bin/python3
"""RFC 9989 conformance through the whole program: every `verify` and `discovery` case of
tests/conformance/dmarcbis/cases.yml run through `mailverify scan`, not only the evaluator
(dmarcbis_conformance_test.cc does that).

Each case becomes a master file (its DNS, with NXDOMAIN/NODATA/SERVFAIL as the zone loader's
`;@mailverify` outcome lines) and a one-message mbox: From the case's Author Domain, a Return-Path
and Received field giving the SPF identity and a zone record that makes SPF give the case's result,
and one DKIM signature per `dkim` entry, made by dkimpy (see scan_harness.py). The record's `dmarc`
object is then held to the case's `expect`. Cases that cannot be put into a zone and a message are skipped with their reason; the
cases dmarcbis_conformance_test.cc skips are skipped here for the same reasons.

usage: dmarcbis_scan.py MAILVERIFY CASES_YML"""
import json
import sys
import tempfile

import yaml

import scan_harness as h

# Verification time after RFC 9989's publication, so --dmarc-rules auto picks RFC 9989; the
# rules are also forced, so the date is not what this test is about (dmarc_rules_scan.py is).
AT = "2026-06-01T00:00:00Z"

# Same cases and reasons as dmarcbis_conformance_test.cc's skip list.
SKIPPED_IN_EVALUATOR_TEST = {
    "mailauth-multiple-records-no-inherit": "disagreement D1 (see dmarcbis_conformance_test.cc)",
    "checkdmarc-walk-multiple-records-error": "record-checker severity, not verifier behaviour",
    "checkdmarc-multiple-records": "record-checker severity, not verifier behaviour",
}


def case_zone(c):
    zone = h.Zone()
    for name, v in (c.get("dns") or {}).items():
        if isinstance(v, str):
            zone.outcome[name.lower()] = v
        elif isinstance(v, list):
            if not v:
                zone.outcome[name.lower()] = "NODATA"
            for rr in v:
                zone.add_txt(name, rr)
        else:
            for rtype, values in v.items():
                for value in values:
                    zone.add_typed(name, rtype, value)
    zone.mark_ancestors_nodata()
    if c.get("dns_default") == "SERVFAIL":
        # A master file answers unlisted names NXDOMAIN; the names DMARC asks about a From
        # domain with no identifiers are its _dmarc walk and the name itself.
        labels = c["from_domain"].lower().split(".")
        for i in range(len(labels)):
            for name in (".".join(labels[i:]), "_dmarc." + ".".join(labels[i:])):
                if not zone.listed(name):
                    zone.outcome[name] = "SERVFAIL"
    return zone


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
        zone = case_zone(c)
        problem = h.spf_setup_problem(zone, spf["domain"], spf["result"])
        if problem:
            return problem
        name = spf["domain"].lower()
        if name == c["from_domain"].lower() and not zone.listed(name):
            return ("the SPF record at %s would make the Author Domain exist, where the case's "
                    "zone has no such name (NXDOMAIN)" % name)
    for d in c.get("dkim") or []:
        if d["result"] not in ("pass", "fail"):
            return "DKIM result %s is not made by a signature here" % d["result"]
    return None


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
        signer = h.Signer(d)
        for c in cases:
            why = unsupported(c)
            if why:
                skipped.append((c["id"], why))
                continue
            zone = case_zone(c)
            spf = c.get("spf")
            if spf:
                h.add_spf(zone, spf["domain"], spf["result"])
            dkim_entries = [(x["d"], x["result"] == "pass") for x in c.get("dkim") or []]
            mbox = h.build_mbox(["Someone <someone@%s>" % c["from_domain"]],
                                spf["domain"] if spf else None,
                                "<%s@conformance.test>" % c["id"], c["id"], signer, zone,
                                dkim_entries)
            records, error, recorded = h.scan(binary, d, zone, mbox, "--at", AT,
                                              "--dmarc-rules", "rfc9989")
            if error:
                failed.append((c["id"], [error]))
                continue
            asked = set()
            for line in recorded.splitlines():
                for word in line.split():
                    if word.lower().startswith("_dmarc."):
                        asked.add(word.lower().rstrip("."))
                        break
            rec = records[0]
            fails, unobservable = check_case(c, rec["dmarc"], asked)
            fails += h.setup_problems(rec, spf["result"] if spf else None, dkim_entries)
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

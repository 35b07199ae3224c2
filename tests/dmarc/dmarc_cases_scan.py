#!/usr/bin/python3
"""The RFC 7489 DMARC cases (tests/dmarc/cases/*.yml, run against the evaluator by
dmarc_suite_test.cc) through the whole program: each case becomes a master file and a one-message
mbox (its From fields, an SPF envelope and zone record giving its SPF result, DKIM signatures by
dkimpy giving its DKIM results; see scan_harness.py), scanned with --dmarc-rules rfc7489, and the
record's `dmarc` object is held to the case's `expect`. Cases that cannot be made into a message
are skipped with their reason; expected fields the record does not show are listed.

usage: dmarc_cases_scan.py MAILVERIFY CASES_DIR"""
import glob
import json
import os
import re
import sys
import tempfile

import yaml

import scan_harness as h


def case_zone(c):
    zone = h.Zone()
    for name, v in (c.get("zone") or {}).items():
        if isinstance(v, str) and v in ("TEMPERROR", "PERMERROR"):
            zone.outcome[name.lower()] = v
        elif isinstance(v, str):
            zone.add_txt(name, v)
        elif isinstance(v, list):
            for rr in v:
                zone.add_txt(name, rr)
        else:
            for rtype, value in v.items():
                zone.add_typed(name, rtype, value)
    return zone


def from_values(c):
    v = c.get("from")
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def unsupported(c):
    """Why the case cannot be made into a message and a zone, or None."""
    pcts = [int(m) for m in re.findall(r"pct=(\d+)", json.dumps(c.get("zone")))]
    if "sampling_key" not in c and any(0 < p < 100 for p in pcts):
        return ("its pct= sample uses an empty key; a scanned message's key is its Message-ID, "
                "or source:index without one, never empty")
    for v in from_values(c):
        if not v.isascii():
            return "non-ASCII From field"
    spf = c.get("spf")
    if spf:
        if not spf.get("domain"):
            return "SPF without a MAIL FROM domain"
        problem = h.spf_setup_problem(case_zone(c), spf["domain"], spf["result"])
        if problem:
            return problem
    return None


def flat(dmarc):
    """The record's dmarc object as the flat fields the cases name (dmarc_suite_test.cc's
    Flatten); a field the record does not show is absent."""
    f = {"result": dmarc["result"], "domain": dmarc.get("domain", ""),
         "org_domain": dmarc.get("org_domain", ""), "disposition": dmarc.get("disposition"),
         "record": dmarc.get("record", ""), "has_policy": "policy_domain" in dmarc,
         "policy_domain": dmarc.get("policy_domain", ""),
         "dkim_aligned": dmarc.get("dkim_aligned", False),
         "spf_aligned": dmarc.get("spf_aligned", False),
         "dkim_aligned_domain": dmarc.get("dkim_aligned_domain", "")}
    if "policy_domain" in dmarc:
        f.update({"policy": dmarc.get("p"), "subdomain_policy": dmarc.get("subdomain_policy"),
                  "nonexistent_policy": dmarc.get("nonexistent_policy", ""),
                  "applied_tag": dmarc.get("applied", {}).get("tag"),
                  "applied_policy": dmarc.get("applied", {}).get("policy"),
                  "pct": dmarc.get("pct"),
                  "adkim": dmarc["adkim"], "aspf": dmarc["aspf"], "ri": dmarc.get("ri"),
                  "fo": dmarc["fo"], "rf": dmarc.get("rf"), "rua": ",".join(dmarc["rua"]),
                  "ruf": ",".join(dmarc["ruf"]),
                  "warning_count": len(dmarc.get("warnings", []))})
        if "sampled" in dmarc:  # written for failing messages
            f["sampled"] = dmarc["sampled"]
    return {k: ("true" if v else "false") if isinstance(v, bool) else str(v)
            for k, v in f.items() if v is not None}


def check_case(c, dmarc):
    fails, unobservable = [], []
    got = flat(dmarc)
    for key, want in c["expect"].items():
        want = str(want).lower() if isinstance(want, bool) else str(want)
        if key == "reason_contains":
            if want not in dmarc.get("reason", ""):
                fails.append("reason %r lacks %r" % (dmarc.get("reason", ""), want))
        elif key not in got:
            unobservable.append(key)
        elif got[key] != want:
            fails.append("%s: got %r, want %r" % (key, got[key], want))
    return fails, unobservable


def main():
    binary, cases_dir = sys.argv[1], sys.argv[2]
    cases = []
    for path in sorted(glob.glob(os.path.join(cases_dir, "*.yml"))):
        cases += yaml.safe_load(open(path))
    passed, failed, skipped = 0, [], []
    with tempfile.TemporaryDirectory(prefix="mv-dmarc-cases-scan-") as d:
        signer = h.Signer(d)
        for c in cases:
            why = unsupported(c)
            if why:
                skipped.append((c["name"], why))
                continue
            zone = case_zone(c)
            spf = c.get("spf")
            if spf:
                h.add_spf(zone, spf["domain"], spf["result"])
            dkim_entries = [(x["domain"], x["result"] == "pass") for x in c.get("dkim") or []]
            message_id = c.get("sampling_key", "<%s@conformance.test>" % c["name"])
            mbox = h.build_mbox(from_values(c), spf["domain"] if spf else None, message_id,
                                c["name"], signer, zone, dkim_entries)
            records, error, _ = h.scan(binary, d, zone, mbox, "--at", "2024-01-01T00:00:00Z",
                                       "--dmarc-rules", "rfc7489")
            if error:
                failed.append((c["name"], [error]))
                continue
            rec = records[0]
            fails, unobservable = check_case(c, rec["dmarc"])
            fails += h.setup_problems(rec, spf["result"] if spf else None, dkim_entries)
            if fails:
                failed.append((c["name"], fails + ["dmarc: " + json.dumps(rec["dmarc"])]))
            elif len(unobservable) == len(c["expect"]):
                skipped.append((c["name"], "nothing it expects shows in a record: %s"
                                % ", ".join(unobservable)))
            else:
                passed += 1
                note = " (not in the record: %s)" % ", ".join(unobservable) if unobservable else ""
                print("pass %s%s" % (c["name"], note))
    for name, why in skipped:
        print("skipped %s: %s" % (name, why))
    for name, fails in failed:
        print("FAIL %s:\n  %s" % (name, "\n  ".join(fails)))
    print("%d of %d cases passed through scan, %d failed, %d skipped"
          % (passed, len(cases), len(failed), len(skipped)))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Compares mailverify's JSON Lines with a corpus's expected.jsonl (written by scripts/gen-corpus from
what it did to each message) and fails on any disagreement in DKIM, SPF or DMARC verdicts.

Usage: compare_expected.py RESULTS.jsonl EXPECTED.jsonl
"""
import json
import sys


def main():
    results = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    expected = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
    problems = []
    if len(results) != len(expected):
        problems.append(f"{len(results)} records for {len(expected)} messages")
    counts = {"dkim": 0, "spf": 0, "dmarc": 0}
    for got, want in zip(results, expected):
        where = f"message {want['index']} {want['message_id']}"
        if got.get("index") != want["index"] or got.get("message_id") != want["message_id"]:
            problems.append(f"{where}: record is for {got.get('index')} {got.get('message_id')}")
            continue
        dkim = got.get("dkim", [])
        if len(dkim) != len(want["dkim"]):
            problems.append(f"{where}: {len(dkim)} DKIM results, expected {len(want['dkim'])}")
        for g, w in zip(dkim, want["dkim"]):
            counts["dkim"] += 1
            if (g["d"], g["s"]) != (w["d"], w["s"]):
                problems.append(f"{where}: signature d={g['d']} s={g['s']}, expected {w['d']}/{w['s']}")
            elif g["result"] != w["result"]:
                problems.append(f"{where}: dkim {w['d']}/{w['s']} {g['result']} ({g['reason']}), "
                                f"expected {w['result']} ({w['reason']})")
            elif w["reason"] and g["reason"] != w["reason"]:
                problems.append(f"{where}: dkim {w['d']}/{w['s']} reason {g['reason']}, "
                                f"expected {w['reason']}")
            # The generator knows the signing key's size; a verifier only when it got a key.
            elif w["result"] != "permerror" and w.get("key_bits") and g["key_bits"] != w["key_bits"]:
                problems.append(f"{where}: key_bits {g['key_bits']}, expected {w['key_bits']}")
        spf, want_spf = got.get("spf", {}), want["spf"]
        counts["spf"] += 1
        if spf.get("result") != want_spf["result"]:
            problems.append(f"{where}: spf {spf.get('result')} ({spf.get('reason')}), "
                            f"expected {want_spf['result']} for {want_spf['client_ip']} "
                            f"{want_spf['domain']}")
        elif spf.get("ip") != want_spf["client_ip"]:
            problems.append(f"{where}: spf client ip {spf.get('ip')}, expected {want_spf['client_ip']}")
        dmarc, want_dmarc = got.get("dmarc", {}), want["dmarc"]
        counts["dmarc"] += 1
        if dmarc.get("result") != want_dmarc["result"]:
            problems.append(f"{where}: dmarc {dmarc.get('result')} ({dmarc.get('reason')}), "
                            f"expected {want_dmarc['result']}")
        elif want_dmarc["result"] != "none":
            for key in ("dkim_aligned", "spf_aligned"):
                if dmarc.get(key) != want_dmarc[key]:
                    problems.append(f"{where}: dmarc {key} {dmarc.get(key)}, expected {want_dmarc[key]}")
            # The generator's "policy" is the one that applies (sp= for a subdomain).
            applied = (dmarc.get("applied") or {}).get("policy")
            if applied != want_dmarc["policy"]:
                problems.append(f"{where}: dmarc applied policy {applied}, "
                                f"expected {want_dmarc['policy']}")
    for p in problems[:50]:
        print(p)
    print(f"compared {len(expected)} messages: {counts['dkim']} DKIM signatures, "
          f"{counts['spf']} SPF and {counts['dmarc']} DMARC verdicts; {len(problems)} disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

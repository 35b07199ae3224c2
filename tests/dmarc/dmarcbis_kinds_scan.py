#!/usr/bin/python3
"""RFC 9989 conformance through the whole program for the case kinds dmarcbis_scan.py does not
run: `record`, `rua_syntax`, `alignment` and `org_domain` of tests/conformance/dmarcbis/cases.yml.
dmarcbis_conformance_test.cc runs the same cases against the module; here each becomes DNS data
and messages, and what the case expects is read from the records `mailverify scan` writes.

All cases of a kind go into one scan where their DNS data allow it (one master file, one mbox,
one message per case and role, records matched to messages by their order), so the test stays
quick; cases whose DNS data contradict each other get scans of their own.

- record: the case's record at _dmarc.<case>.record.test; messages From that name (the Author
  Domain), From an existing subdomain of it and From a subdomain that does not exist (NXDOMAIN).
  record_valid is whether a record was found there; effective_tags are the record's p, the policy
  applied to the existing subdomain (sp) and to the missing one (np), adkim, aspf, psd and
  testing; ignored_tags the record's ignored_tags; applicability is read from the record's p
  (absent: no processing; the published p: apply; none for another p: as none); effective_policy
  is the record's policy for the author and the subdomain message.
- rua_syntax: the record "v=DMARC1; p=bogus; rua=<value>": a valid URI makes the record apply as
  p=none (RFC 9989 4.10.1), none leaves it without DMARC processing (no p in the record).
- alignment: From the Author Domain, the identifier as a passing SPF MAIL FROM or a passing DKIM
  d= (signed by dkimpy), as the case says, or one message each when it does not; the state is read from spf_aligned/dkim_aligned, the domains and the
  organizational domains the record shows.
- org_domain: From the start domain; the record's org_domain and the _dmarc names the recording
  of the DNS answers holds.

Each case prints "pass <id>", "FAIL <id>: ..." or "skipped <id>: <reason>".

usage: dmarcbis_kinds_scan.py MAILVERIFY CASES_YML KIND"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

import scan_harness as h

AT = "2026-06-01T00:00:00Z"
KINDS = ("record", "rua_syntax", "alignment", "org_domain")

# The cases dmarcbis_conformance_test.cc skips among these kinds, for the same reasons.
SKIPPED = {
    "checkdmarc-invalid-np": "record-checker severity; a verifier treats an invalid np= like an "
                             "invalid p= (4.10.1; securedmarc-applicability-np-bogus runs)",
    "checkdmarc-invalid-psd": "record-checker severity; a verifier reads an invalid psd= as the "
                              "default u (4.8)",
    "checkdmarc-invalid-t": "record-checker severity; a verifier reads an invalid t= as the default "
                            "n (4.8; securedmarc-t-bad-value-default runs)",
}


def case_domain(c, kind):
    label = re.sub(r"[^a-z0-9]+", "-", c["id"].lower()).strip("-")[:63]
    return "%s.%s.test" % (label, kind.replace("_", "-"))


def published_p(record):
    """The p= value as written (lower-case), or None."""
    for seg in record.split(";"):
        name, eq, value = seg.partition("=")
        if eq and name.strip().lower() == "p":
            return value.strip().lower()
    return None


class Batch:
    """One scan: a zone, messages (each with its case and role) and the names each case asks."""

    def __init__(self):
        self.zone = h.Zone()
        self.entries = {}  # name -> (outcome, records) of the cases' own DNS data
        self.asked = set()
        self.messages = []  # (case, role, mbox bytes)


def own_dns(c):
    """The case's DNS data as a Zone (ancestors of listed names are empty non-terminals)."""
    zone = h.Zone()
    for name, v in (c.get("dns") or {}).items():
        for rr in v:
            zone.add_txt(name, rr)
    zone.mark_ancestors_nodata()
    return zone


def entries_of(zone):
    names = set(zone.outcome) | set(zone.records)
    return {n: (zone.outcome.get(n), tuple(zone.records.get(n, []))) for n in names}


def asked_names(domains):
    names = set()
    for d in domains:
        labels = d.lower().split(".")
        for i in range(len(labels)):
            names.add(".".join(labels[i:]))
            names.add("_dmarc." + ".".join(labels[i:]))
    return names


def conflicts(batch, entries, asked):
    """Whether a case's DNS data contradict the batch's: a name one side lists that the other
    lists differently or asks about without listing it."""
    for n, e in entries.items():
        if n in batch.entries and batch.entries[n] != e or n not in batch.entries and n in batch.asked:
            return True
    return any(n in asked and n not in entries for n in batch.entries)


def batch_for(batches, c, domains):
    zone = own_dns(c)
    entries, asked = entries_of(zone), asked_names(domains)
    for b in batches:
        if not conflicts(b, entries, asked):
            break
    else:
        b = Batch()
        batches.append(b)
    for n, (outcome, records) in entries.items():
        if n not in b.entries:
            b.entries[n] = (outcome, records)
            if outcome:
                b.zone.outcome[n] = outcome
            for rtype, rdata in records:
                b.zone.add(n, rtype, rdata)
    b.asked |= asked
    return b


def message(c, role, from_domain, signer, zone, mail_from=None, dkim=()):
    return h.build_mbox(["Someone <someone@%s>" % from_domain], mail_from,
                        "<%s.%s@conformance.test>" % (role, c["id"]), c["id"], signer, zone,
                        list(dkim))


def add_record_case(batches, c, signer, kind):
    domain = case_domain(c, kind)
    record = c["record"] if kind == "record" else "v=DMARC1; p=bogus; rua=" + c["rua"]
    if not batches:
        batches.append(Batch())
    b = batches[0]  # every record case has names of its own, so they never contradict
    b.zone.add_txt("_dmarc." + domain, record)
    b.zone.add(domain, "A", "192.0.2.1")
    b.zone.add("sub." + domain, "A", "192.0.2.1")
    roles = [("author", domain)]
    if kind == "record":
        roles += [("subdomain", "sub." + domain), ("nonexistent", "nx." + domain)]
    for role, from_domain in roles:
        b.messages.append((c, role, message(c, role, from_domain, signer, b.zone)))


def alignment_roles(c):
    """The identities a case's identifier is offered as: the one it names, or (RFC 9989 4.4's
    table names none) both a DKIM d= and an SPF MAIL FROM, one message each."""
    return [c["identifier_type"]] if c.get("identifier_type") else ["dkim", "spf"]


def add_alignment_case(batches, c, signer):
    author, ident = c["author_domain"], c["identifier"]
    b = batch_for(batches, c, [author, ident])
    for role in alignment_roles(c):
        if role == "spf":
            h.add_spf(b.zone, ident, "pass")
            m = message(c, role, author, signer, b.zone, mail_from=ident)
        else:
            m = message(c, role, author, signer, b.zone, dkim=[(ident, True)])
        b.messages.append((c, role, m))


def add_org_domain_case(batches, c, signer):
    names = [c["start_domain"]] + list(c["expect"].get("org_domain", {}))
    b = batch_for(batches, c, names)
    b.messages.append((c, "author", message(c, "author", c["start_domain"], signer, b.zone)))


def run_batch(binary, workdir, b, index):
    zone_path, mbox_path, rec_path = (os.path.join(workdir, "%s.%d" % (n, index))
                                      for n in ("zone", "mbox", "recorded"))
    for name, rrs in b.zone.records.items():  # one key or SPF record per name, however often added
        b.zone.records[name] = list(dict.fromkeys(rrs))
    with open(zone_path, "w") as f:
        f.write(b.zone.text())
    with open(mbox_path, "wb") as f:
        f.write(b"".join(m for _, _, m in b.messages))
    out = subprocess.run([binary, "scan", "-q", "--dns-zone", zone_path, "--dns-record", rec_path,
                          "--authserv-id", "mx.test.example", "--at", AT, "--dmarc-rules",
                          "rfc9989", mbox_path], capture_output=True, text=True)
    records = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    if out.returncode not in (0, 1) or len(records) != len(b.messages):
        sys.exit("scan exit %d, %d records for %d messages: %s" % (
            out.returncode, len(records), len(b.messages), out.stderr.strip()))
    asked = set()
    for line in open(rec_path).read().splitlines() if os.path.exists(rec_path) else []:
        for word in line.split():
            if word.lower().startswith("_dmarc."):
                asked.add(word.lower().rstrip("."))
                break
    return records, asked


def check_record(c, recs, kind):
    """Failures of the record case `c` against its messages' records (by role)."""
    fails = []
    author = recs["author"]["dmarc"]
    domain = case_domain(c, kind)

    def expect(what, got, want):
        if got != want:
            fails.append("%s: got %r, want %r" % (what, got, want))

    found = author.get("policy_domain") == domain
    if "p" not in author:
        applicability = "no_processing"
    elif author["p"] == published_p(c.get("record", "")):
        applicability = "apply"
    else:
        applicability = "as_none" if author["p"] == "none" else "p=%s" % author["p"]
    if kind == "rua_syntax":
        expect("record found", found, True)
        expect("rua_has_valid_uri (p=bogus applies as none)", applicability == "as_none",
               c["expect"]["rua_has_valid_uri"])
        return fails
    e = c["expect"]
    if "record_valid" in e:
        expect("record_valid (record found at _dmarc.%s)" % domain, found, e["record_valid"])
        if not e["record_valid"]:
            expect("result without a record", author["result"], "none")
    elif not found:
        return ["no record found at _dmarc." + domain]
    applied = {role: recs[role]["dmarc"].get("applied", {}).get("policy")
               for role in ("subdomain", "nonexistent")}
    observed = {"p": author.get("p"), "sp": applied["subdomain"], "np": applied["nonexistent"],
                "adkim": author.get("adkim"), "aspf": author.get("aspf"),
                "psd": author.get("psd"), "t": "y" if author.get("testing") else "n"}
    for tag, want in (e.get("effective_tags") or {}).items():
        expect("effective %s" % tag, observed[tag], want)
    for tag in e.get("ignored_tags") or []:
        if tag not in author.get("ignored_tags", []):
            fails.append("%s not in ignored_tags %r" % (tag, author.get("ignored_tags")))
    if "applicability" in e:
        expect("applicability", applicability, e["applicability"])
    for which, want in (e.get("effective_policy") or {}).items():
        role = "author" if which == "author" else "subdomain"
        expect("policy for the %s" % role, recs[role]["dmarc"].get("policy"), want)
    for key in e:
        if key not in ("record_valid", "effective_tags", "ignored_tags", "applicability",
                       "effective_policy"):
            fails.append("expectation %s is not checked by this driver" % key)
    return fails


def org_domains(dmarc):
    org_of = dict(dmarc.get("identifier_org_domains") or {})
    if dmarc.get("org_domain"):
        org_of[dmarc["domain"]] = dmarc["org_domain"]
    return org_of


def check_alignment(c, rec, role):
    dmarc = rec["dmarc"]
    as_spf = role == "spf"
    fails = h.setup_problems(rec, "pass" if as_spf else None,
                             [] if as_spf else [(c["identifier"], True)])
    author, ident = c["author_domain"].lower(), c["identifier"].lower()
    aligned = dmarc.get("spf_aligned" if as_spf else "dkim_aligned", False)
    org_of = org_domains(dmarc)
    if not aligned:
        state = "none"
    elif ident == author:
        state = "strict"
    elif org_of.get(author) and org_of.get(author) == org_of.get(ident):
        state = "relaxed"
    else:
        state = "aligned, but the record shows no common organizational domain: %r" % org_of
    e = c["expect"]
    if "alignment_state" in e and state != e["alignment_state"]:
        fails.append("alignment_state: got %r, want %r" % (state, e["alignment_state"]))
    if "aligned" in e and aligned != e["aligned"]:
        fails.append("aligned: got %r, want %r" % (aligned, e["aligned"]))
    for name, org in (e.get("org_domain") or {}).items():
        if org_of.get(name.lower()) != org:
            fails.append("org domain of %s: got %r, want %r" % (name, org_of.get(name.lower()), org))
    return ["as %s: %s" % (role, f) for f in fails]


def check_org_domain(c, rec, asked, alone):
    dmarc = rec["dmarc"]
    org_of = org_domains(dmarc)
    fails = []
    for name, org in c["expect"]["org_domain"].items():
        if org_of.get(name.lower()) != org:
            fails.append("org domain of %s: got %r, want %r" % (name, org_of.get(name.lower()), org))
    for start, names in (c["expect"].get("walk_queries") or {}).items():
        # The recording keeps the names asked, not their order (the module test checks order).
        missing = [n for n in names if n.lower() not in asked]
        if missing:
            fails.append("walk from %s never asked %s" % (start, missing))
        # Alone in its scan, the case's walks (policy discovery and the organizational domain's)
        # are the only ones, so no other _dmarc name may have been asked: a walk that went past
        # where it must stop shows here.
        extra = sorted(asked - {n.lower() for n in names})
        if alone and extra:
            fails.append("walk from %s also asked %s" % (start, extra))
    return fails


def main():
    binary, cases_path, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    assert kind in KINDS, kind
    cases = [c for c in yaml.safe_load(open(cases_path))["cases"] if c["kind"] == kind]
    skipped = [(c["id"], SKIPPED[c["id"]]) for c in cases if c["id"] in SKIPPED]
    run = [c for c in cases if c["id"] not in SKIPPED]
    passed, failed = 0, []
    with tempfile.TemporaryDirectory(prefix="mv-dmarcbis-kinds-") as d:
        signer = h.Signer(d) if kind == "alignment" else None  # only alignment signs
        batches = []
        for c in run:
            if kind in ("record", "rua_syntax"):
                add_record_case(batches, c, signer, kind)
            elif kind == "alignment":
                add_alignment_case(batches, c, signer)
            else:
                add_org_domain_case(batches, c, signer)
        for i, b in enumerate(batches):
            records, asked = run_batch(binary, d, b, i)
            by_case = {}
            for (c, role, _), rec in zip(b.messages, records):
                by_case.setdefault(c["id"], (c, {}))[1][role] = rec
            for case_id, (c, recs) in by_case.items():
                if kind in ("record", "rua_syntax"):
                    fails = check_record(c, recs, kind)
                elif kind == "alignment":
                    fails = [f for role in alignment_roles(c)
                             for f in check_alignment(c, recs[role], role)]
                else:
                    fails = check_org_domain(c, recs["author"], asked, len(by_case) == 1)
                if fails:
                    failed.append(case_id)
                    print("FAIL %s:\n  %s\n  dmarc: %s" % (case_id, "\n  ".join(fails), "\n  dmarc: "
                          .join(json.dumps(r["dmarc"]) for r in recs.values())))
                else:
                    passed += 1
                    print("pass %s" % case_id)
    for case_id, why in skipped:
        print("skipped %s: %s" % (case_id, why))
    print("%s: %d of %d cases passed through scan (%d scans), %d failed, %d skipped"
          % (kind, passed, len(cases), len(batches), len(failed), len(skipped)))
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()

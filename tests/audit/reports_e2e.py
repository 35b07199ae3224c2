#!/usr/bin/python3
"""End-to-end tests of --db, the example queries of docs/REPORTS.md, `domains`, bounces and
--progress, on the built executable and the shipped corpus.

The answers are worked out from corpus/expected.jsonl (written by the corpus generator, not by
mailverify) and from the corpus zone file read with dnspython; only the message dates come from
mailverify's own JSON Lines output.

usage: reports_e2e.py MAILVERIFY SOURCE_DIR CHECK
"""
import collections
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

import dns.name
import dns.rdata

MAILVERIFY, SOURCE, CHECK = sys.argv[1], sys.argv[2], sys.argv[3]
CORPUS = os.path.join(SOURCE, "corpus")
ZONE = os.path.join(CORPUS, "sample.zone")
MBOX = os.path.join(CORPUS, "sample.mbox")
AT = "2025-01-01T00:00:00Z"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(args, **kw):
    p = subprocess.run([MAILVERIFY] + args, capture_output=True, text=True, timeout=300, **kw)
    if p.returncode != 0:
        print(p.stderr)
    return p


def scan_corpus(tmp, extra=()):
    db = os.path.join(tmp, "r.db")
    out = os.path.join(tmp, "out.jsonl")
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "--db", db, "-o", out, *extra, MBOX])
    assert p.returncode == 0, p.stderr
    return db, [json.loads(l) for l in open(out)], p


def expected():
    return [json.loads(l) for l in open(os.path.join(CORPUS, "expected.jsonl"))]


def examples():
    """The SQL blocks of docs/REPORTS.md that start with '-- example: NAME'."""
    text = open(os.path.join(SOURCE, "docs", "REPORTS.md")).read()
    found = {}
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        m = re.match(r"-- example: (\S+)\n", block)
        if m:
            found[m.group(1)] = block
    return found


def check_db():
    with tempfile.TemporaryDirectory() as tmp:
        db, out, _ = scan_corpus(tmp)
        exp = expected()
        assert len(exp) == len(out) == 300
        date = {o["index"]: o["date"] for o in out}
        queries = examples()
        check(set(queries) >= {"dkim-failed-since", "keys-first-last", "key-sizes-per-year",
                               "dmarc-failures-per-domain", "dkim-failure-reasons", "bounces"},
              "docs/REPORTS.md lists the example queries: %s" % sorted(queries))
        con = sqlite3.connect(db)

        # Every message from domain X whose DKIM failed since 2019 (and since 2022).
        by_domain = collections.Counter(
            e["from_domain"] for e in exp
            if e["dkim"] and not any(s["result"] == "pass" for s in e["dkim"]))
        domains_checked = 0
        for domain, _ in by_domain.most_common(3):
            for since in ("2019-01-01", "2022-01-01"):
                want = sorted((date[e["index"]], e["message_id"]) for e in exp
                              if e["from_domain"] == domain and e["dkim"]
                              and not any(s["result"] == "pass" for s in e["dkim"])
                              and date[e["index"]] >= since)
                got = [(r[0], r[1]) for r in con.execute(
                    queries["dkim-failed-since"], {"domain": domain, "since": since})]
                check(got == want, "dkim-failed-since %s %s: %s != %s" % (domain, since, got, want))
                domains_checked += 1
        check(domains_checked == 6, "three domains with DKIM failures in the corpus")

        # Every key used with first and last dates seen.
        keys = {}
        for e in exp:
            for s in e["dkim"]:
                k = (s["d"], s["s"])
                d = date[e["index"]]
                first, last, n = keys.get(k, (d, d, 0))
                keys[k] = (min(first, d), max(last, d), n + 1)
        want = sorted((d, s, f, l, n) for (d, s), (f, l, n) in keys.items())
        got = [tuple(r) for r in con.execute(queries["keys-first-last"])]
        check(got == want, "keys-first-last: %d rows, want %d; first diff %s" % (
            len(got), len(want), next((a, b) for a, b in zip(got + [None] * 999, want) if a != b)
            if got != want else None))

        # Key sizes per year: the corpus states key_bits for each signature it made with a key.
        per_year = collections.Counter()
        for e in exp:
            for s in e["dkim"]:
                if s["reason"] not in ("key-revoked", "key-not-found"):
                    per_year[(date[e["index"]][:4], s["a"], s["key_bits"])] += 1
        got = {(r[0], r[1], r[2]): r[3] for r in con.execute(queries["key-sizes-per-year"])}
        check(got == dict(per_year), "key-sizes-per-year: %s != %s" % (got, dict(per_year)))

        # DMARC failures per domain.
        want = collections.Counter(e["from_domain"] for e in exp if e["dmarc"]["result"] == "fail")
        got = {r[0]: r[1] for r in con.execute(queries["dmarc-failures-per-domain"])}
        check(got == dict(want), "dmarc-failures-per-domain: %s != %s" % (got, dict(want)))

        # DKIM failure reasons: the corpus gives reason null for a pass, else the reason.
        want = collections.Counter((s["result"], s["reason"]) for e in exp for s in e["dkim"]
                                   if s["result"] != "pass")
        got = {(r[0], r[1]): r[2] for r in con.execute(queries["dkim-failure-reasons"])}
        check(got == dict(want), "dkim-failure-reasons: %s != %s" % (got, dict(want)))
        check(list(con.execute(queries["bounces"])) == [], "the corpus has no bounces")

        # The per-message columns agree with the JSON Lines output.
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT idx, from_domain, dkim, spf, dmarc, date FROM messages")}
        mismatches = 0
        for o in out:
            sigs = o["dkim"]
            dkim = "none" if not sigs else ("pass" if any(s["result"] == "pass" for s in sigs)
                                            else sigs[0]["result"])
            if rows[o["index"]] != (o["dmarc"]["domain"], dkim, o["spf"]["result"],
                                    o["dmarc"]["result"], o["date"]):
                mismatches += 1
        check(mismatches == 0, "%d messages differ between --db and JSON Lines" % mismatches)
        check(con.execute("SELECT count(*) FROM signatures").fetchone()[0] ==
              sum(len(e["dkim"]) for e in exp), "one signatures row per DKIM-Signature")
        con.close()

        # A second run appends.
        run2 = run(["scan", "-q", "--dns-zone", ZONE, "--at", AT, "--db", db, "-o", os.devnull,
                    MBOX])
        check(run2.returncode == 0, "second run")
        con = sqlite3.connect(db)
        runs = list(con.execute("SELECT id, dns_source, messages, started_at <= finished_at "
                                "FROM runs ORDER BY id"))
        check(runs == [(1, "zone", 300, 1), (2, "zone", 300, 1)], "runs: %s" % runs)
        check(con.execute("SELECT count(*) FROM messages").fetchone()[0] == 600, "600 messages")
        opts = json.loads(con.execute("SELECT options FROM runs WHERE id = 2").fetchone()[0])
        check(opts["inputs"] == [MBOX] and opts["dns_zone"] == [ZONE], "options: %s" % opts)
        check(con.execute("SELECT sum(messages) FROM domains").fetchone()[0] == 600,
              "domains add up over runs")
        con.close()


class Zone:
    """The corpus zone file: one record per line, several zones (dnspython's zone reader refuses
    several SOAs, so only its rdata parser is used)."""

    def __init__(self, path):
        self.data = {}
        for line in open(path):
            if not line.strip() or line.startswith((";", "$")):
                continue
            owner, _ttl, _cls, rtype, rdata = line.split(None, 4)
            rd = dns.rdata.from_text("IN", rtype, rdata, origin=dns.name.root, relativize=False)
            self.data.setdefault((owner.rstrip(".").lower(), rtype), []).append(rd)

    def exists(self, name):
        return any(k[0] == name for k in self.data)

    def get(self, name, rtype):
        name = name.rstrip(".").lower()
        for _ in range(8):
            if (name, rtype) in self.data:
                return self.data[(name, rtype)]
            if (name, "CNAME") not in self.data:
                return []
            name = self.data[(name, "CNAME")][0].target.to_text(omit_final_dot=True).lower()
        return []


def zone_txt(zone, name, prefix):
    texts = [b"".join(r.strings).decode() for r in zone.get(name, "TXT")]
    return [t for t in texts if t.lower().startswith(prefix)]


def spf_lookups(zone, domain, seen=None):
    """Independent count of DNS-querying SPF terms, recursively through include/redirect."""
    seen = seen if seen is not None else set()
    if domain in seen:
        return 0
    seen.add(domain)
    records = zone_txt(zone, domain, "v=spf1")
    if not records:
        return 0
    count, redirect, has_all = 0, None, False
    for term in records[0].split()[1:]:
        t = term.lstrip("+-~?").lower()
        name = re.split(r"[:/]", t, 1)[0]
        if name in ("include", "a", "mx", "ptr", "exists"):
            count += 1
            if name == "include":
                count += spf_lookups(zone, t.split(":", 1)[1], seen)
        elif t == "all":
            has_all = True
        elif t.startswith("redirect="):
            redirect = t.split("=", 1)[1]
    if redirect and not has_all:
        count += 1 + spf_lookups(zone, redirect, seen)
    return count


def check_domains():
    with tempfile.TemporaryDirectory() as tmp:
        db, out, _ = scan_corpus(tmp)
        p = run(["domains", "--db", db, "--dns-zone", ZONE, "--json"])
        check(p.returncode == 0, "domains --json exit status")
        report = json.loads(p.stdout)
        zone = Zone(ZONE)
        exp = expected()
        count = collections.Counter(e["from_domain"] for e in exp)
        check([d["domain"] for d in report] ==
              sorted(count, key=lambda d: (-count[d], d)), "domains, most messages first")
        for d in report:
            name = d["domain"]
            check(d["messages"] == count[name], "%s: messages" % name)
            spf = zone_txt(zone, name, "v=spf1")
            check(d["spf"]["found"] == bool(spf), "%s: SPF found" % name)
            if spf:
                check(d["spf"]["record"] == spf[0], "%s: SPF record" % name)
                check(d["spf"]["lookups"] == spf_lookups(zone, name),
                      "%s: SPF lookups %d != %d" % (name, d["spf"]["lookups"],
                                                   spf_lookups(zone, name)))
            want_mx = ["%d %s" % (r.preference, r.exchange.to_text(omit_final_dot=True))
                       for r in zone.get(name, "MX")]
            check(sorted(d["mx"]) == sorted(want_mx), "%s: MX %s != %s" % (name, d["mx"], want_mx))
            # The corpus names the policy that applies: sp= when the record is the org domain's.
            for e in exp:
                if e["from_domain"] != name or not e["dmarc"]["policy"]:
                    continue
                applied = d["dmarc"]["p"] if e["dmarc"]["record_domain"] == name \
                    else d["dmarc"]["sp"]
                check(d["dmarc"]["record_domain"] == e["dmarc"]["record_domain"]
                      and applied == e["dmarc"]["policy"], "%s: DMARC %s" % (name, e["dmarc"]))
            want_sel = {(s["d"], s["s"]) for e in exp if e["from_domain"] == name
                        for s in e["dkim"]}
            check({(s["d"], s["s"]) for s in d["dkim"]} == want_sel, "%s: selectors" % name)
            for s in d["dkim"]:
                keys = zone_txt(zone, "%s._domainkey.%s" % (s["s"], s["d"]), "")
                if not keys:
                    check(s["key_now"] == "missing", "%s/%s: missing key" % (s["d"], s["s"]))
                elif keys and re.search(r"p=\s*(;|$)", keys[0]):
                    check(s["key_now"] == "revoked", "%s/%s: revoked key" % (s["d"], s["s"]))
        statuses = collections.Counter(s["key_now"] for d in report for s in d["dkim"])
        check(statuses["revoked"] > 0 and statuses["ok"] > 0,
              "the corpus has revoked and good keys: %s" % statuses)
        table = run(["domains", "--db", db, "--dns-zone", ZONE]).stdout
        check(report[0]["domain"] in table.splitlines()[0], "the table starts with the top domain")
        check("  SPF    v=spf1" in table and "  DMARC  p=" in table and "._domainkey." in table,
              "the table shows SPF, DMARC and DKIM lines")
        # A domain named on the command line, without a database.
        p = run(["domains", "--dns-zone", ZONE, "--json", report[0]["domain"]])
        live = json.loads(p.stdout)
        check(len(live) == 1 and live[0]["spf"] == report[0]["spf"] and live[0]["dkim"] == [],
              "domains DOMAIN without --db")
        check(run(["domains"]).returncode == 2, "domains without --db or DOMAIN is a usage error")
        missing = os.path.join(tmp, "missing.db")
        check(run(["domains", "--db", missing]).returncode == 1 and not os.path.exists(missing),
              "domains --db on a missing file fails and creates nothing")


DSN = """\
From MAILER-DAEMON Tue Jan  2 10:00:00 2024
Return-Path: <>
Received: from mx.bounce.example (mx.bounce.example [192.0.2.10])
\tby mx.example.org with ESMTP id 1; Tue, 2 Jan 2024 10:00:00 +0000
From: MAILER-DAEMON@mx.bounce.example
To: alice@example.org
Subject: Undelivered Mail Returned to Sender
Date: Tue, 2 Jan 2024 10:00:00 +0000
Message-ID: <dsn1@mx.bounce.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.bounce.example

Final-Recipient: rfc822; bob@bounce.example
Action: failed
Status: 5.1.1

--b1--

From alice@example.org Tue Jan  2 11:00:00 2024
Return-Path: <alice@example.org>
Received: from mail.example.org (mail.example.org [192.0.2.20])
\tby mx.example.net with ESMTP id 2; Tue, 2 Jan 2024 11:00:00 +0000
From: alice@example.org
Subject: hello
Date: Tue, 2 Jan 2024 11:00:00 +0000

hi
"""

DSN_ZONE = """\
$TTL 3600
mx.bounce.example. IN TXT "v=spf1 ip4:192.0.2.10 -all"
example.org. IN TXT "v=spf1 ip4:192.0.2.20 -all"
"""


def check_bounce():
    with tempfile.TemporaryDirectory() as tmp:
        mbox = os.path.join(tmp, "b.mbox")
        zone = os.path.join(tmp, "b.zone")
        db = os.path.join(tmp, "b.db")
        open(mbox, "w").write(DSN)
        open(zone, "w").write(DSN_ZONE)
        p = run(["scan", "--dns-zone", zone, "--at", AT, "--db", db, mbox])
        check(p.returncode == 0, "bounce scan")
        records = [json.loads(l) for l in p.stdout.splitlines()]
        check(len(records) == 2, "two records")
        b, plain = records
        check(b.get("bounce") is True, "the DSN is marked bounce: true")
        check(b.get("dsn", {}).get("final_recipient") == "bob@bounce.example", "final recipient")
        check(b.get("dsn", {}).get("status") == "5.1.1" and b["dsn"]["action"] == "failed",
              "status and action")
        check(b["dsn"]["null_sender"] is True, "null sender")
        check(b["spf"]["identity"] == "helo" and b["spf"]["domain"] == "mx.bounce.example"
              and b["spf"]["result"] == "pass", "SPF of the bounce on HELO: %s" % b["spf"])
        check("bounce" not in plain and "dsn" not in plain, "ordinary mail is not a bounce")
        check(plain["spf"]["identity"] == "mailfrom", "ordinary mail: SPF on MAIL FROM")
        check(re.search(r"^  bounce: 1$", p.stderr, re.M) is not None, "summary counts bounces")
        check(re.search(r"^  bounce.failed: 1$", p.stderr, re.M) is not None, "and by action")
        con = sqlite3.connect(db)
        got = list(con.execute(
            "SELECT bounce, bounce_recipient, bounce_action, bounce_status FROM messages "
            "ORDER BY idx"))
        check(got == [(1, "bob@bounce.example", "failed", "5.1.1"), (0, None, None, None)],
              "bounce columns: %s" % got)


def check_progress():
    with tempfile.TemporaryDirectory() as tmp:
        # stderr is a pipe here: without --progress nothing but the summary, never a redraw.
        p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-o", os.devnull, MBOX])
        check("\033" not in p.stderr and "\r" not in p.stderr, "no terminal codes in a pipe")
        check(p.stderr.startswith("mailverify: 300 messages"), "summary only: %r" % p.stderr[:80])
        p = run(["scan", "--progress", "--dns-zone", ZONE, "--at", AT, "-o", os.devnull, MBOX])
        check(p.returncode == 0 and "\033" not in p.stderr, "--progress in a pipe: plain lines")
        for line in p.stderr.splitlines():
            if "ETA" in line:  # only if the run took 2 s; a plain line never has a bar
                check(line.startswith("mailverify: ") and "[" not in line, "plain line %r" % line)
        check("--progress" in run(["--help"]).stdout, "--help lists --progress")


CHECKS = {"db": check_db, "domains": check_domains, "bounce": check_bounce,
          "progress": check_progress}

if __name__ == "__main__":
    CHECKS[CHECK]()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("ok")

"""The OpenSPF RFC 7208 suite (tests/conformance/spf/openspf-pyspf/rfc7208-tests.yml, 203 tests)
through `mailverify scan`: each scenario's zone data becomes one master file, each test one message
whose Return-Path carries its MAIL FROM and whose trust-boundary Received field carries its HELO
name and client address, so the envelope recovery (src/spf/envelope.cc, received.cc), the zone
loader and the DNS cache all stand between the suite and the evaluator.

Each message has three Received fields: an internal relay on top (from a receiver host over a
private address, which --receiver passes over), the boundary hop (by the receiver's MX, from the
test's HELO and address) and an older hop below it that must be ignored.
"""
import ipaddress
import os

import yaml

from common import Tally, escape_name, outcome_line, records_by_key, scan_all, txt_rdata, \
    write_messages

SUITE = "spf/openspf-pyspf/rfc7208-tests.yml"
RECEIVER = "*.conformance.invalid"
TYPES = ["A", "AAAA", "MX", "TXT", "PTR", "CNAME"]

# Cases run in a form the suite did not write, with why; their results are still checked.
ADAPTED = {
    "invalid-hello-macro":
        "the HELO \"JUMPIN' JUPITER\" holds a space, which no Received field can carry: the "
        "program reads the HELO as \"JUMPIN'\" (still no valid name, so a:%{H} cannot match)",
}
# Cases not run, with why. None: every one of the 203 tests runs through scan.
SKIPPED = {}


def strings(value):
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def zone_lines(name, entries):
    """Master-file lines for one owner, served as the suite's reference driver serves it: a bare
    TIMEOUT makes every type not yet seen time out and hides what follows; SPF records are copied
    to TXT unless the name has a TXT entry of its own (`TXT: NONE` included)."""
    lines, seen, spf = [], set(), []
    owner = escape_name(name)
    has_txt = any(isinstance(e, dict) and "TXT" in e for e in entries)
    for e in entries:
        if e == "TIMEOUT":
            for t in TYPES:
                if t not in seen:
                    lines.append(outcome_line("timeout", name, t, 300, "DNS timeout"))
            return lines
        for rtype, v in e.items():
            if rtype == "SPF":
                spf.append(strings(v))
                lines.append("%s 300 IN SPF %s" % (owner, txt_rdata(strings(v))))
            elif rtype == "TXT":
                if v == "NONE":
                    continue
                seen.add("TXT")
                lines.append("%s 300 IN TXT %s" % (owner, txt_rdata(strings(v))))
            elif rtype in ("A", "AAAA"):
                seen.add(rtype)
                lines.append("%s 300 IN %s %s" % (owner, rtype, v))
            elif rtype == "MX":
                seen.add("MX")
                target = escape_name(v[1]) if str(v[1]).strip(".") else "."
                lines.append("%s 300 IN MX %d %s" % (owner, int(v[0]), target))
            elif rtype in ("PTR", "CNAME"):
                seen.add(rtype)
                lines.append("%s 300 IN %s %s" % (owner, rtype, escape_name(str(v))))
            else:
                raise ValueError("unknown record type %s at %s" % (rtype, name))
    if not has_txt:
        for s in spf:
            lines.append("%s 300 IN TXT %s" % (owner, txt_rdata(s)))
    return lines


def ip_literal(host):
    ip = ipaddress.ip_address(host)
    return "[IPv6:%s]" % host if ip.version == 6 else "[%s]" % host


def message(test_id, test, n):
    helo, host = str(test["helo"]), str(test["host"])
    crlf = "\r\n"
    fields = [
        "Return-Path: <%s>" % test["mailfrom"],
        "Received: from mx1.conformance.invalid (mx1.conformance.invalid [10.0.0.5])" + crlf +
        "\tby store.conformance.invalid with LMTP id s%d; Mon, 1 Jan 2024 00:00:05 +0000" % n,
        "Received: from %s (unknown %s)" % (helo, ip_literal(host)) + crlf +
        "\tby mx1.conformance.invalid with ESMTP id m%d; Mon, 1 Jan 2024 00:00:01 +0000" % n,
        "Received: from relay.elsewhere.invalid (relay.elsewhere.invalid [198.51.100.7])" + crlf +
        "\tby relay.example.invalid with ESMTP id r%d; Mon, 1 Jan 2024 00:00:00 +0000" % n,
        "From: <sender@example.invalid>",
        "To: <rcpt@conformance.invalid>",
        "Subject: openspf %s" % test_id,
        "Message-ID: <%s.%d@conformance.invalid>" % (test_id, n),
        "Date: Mon, 1 Jan 2024 00:00:00 +0000",
    ]
    return (crlf.join(fields) + crlf + crlf + "Test body." + crlf).encode("utf-8")


def same_ip(got, want):
    if got is None:
        return False
    a, b = ipaddress.ip_address(got), ipaddress.ip_address(want)
    mapped = lambda x: x.ipv4_mapped if x.version == 6 and x.ipv4_mapped else x
    return mapped(a) == mapped(b)


def held(record):
    return record is not None and "on hold after a timeout" in record["spf"]["reason"]


def run(mailverify, data_dir, tmp, path=SUITE, expected_total=203, name="OpenSPF rfc7208"):
    tally = Tally(name)
    scenarios = list(yaml.safe_load_all(open(os.path.join(data_dir, path), encoding="utf-8")))
    scan_args = ["--receiver", RECEIVER, "--at", "1700000000", "--authserv-id",
                 "mx1.conformance.invalid"]
    jobs, checks = [], []  # one scan per job (inputs, args, by_path); checks: (id, test, zone)
    for number, scenario in enumerate(scenarios):
        folder = os.path.join(tmp, "spf%02d" % number)
        zone = os.path.join(folder, "zone.zone")
        os.makedirs(folder)
        lines = []
        for owner, entries in (scenario.get("zonedata") or {}).items():
            lines.extend(zone_lines(str(owner), entries))
        with open(zone, "w", encoding="ascii") as f:
            f.write("\n".join(lines) + "\n")
        tests = []
        for test_id, test in scenario["tests"].items():
            if test_id in SKIPPED:
                tally.skip(test_id, SKIPPED[test_id])
            else:
                tests.append((test_id, test))
        mail = os.path.join(folder, "mail")
        by_path = write_messages(mail, [(i, message(i, t, n)) for n, (i, t) in enumerate(tests)])
        jobs.append(([mail], ["--dns-zone", zone] + scan_args, by_path))
        checks += [(i, t, zone) for i, t in tests]
    records = {}
    for result, job in zip(scan_all(mailverify, [j[:2] for j in jobs]), jobs):
        records.update(records_by_key(result, job[2]))
    # A timeout puts its registrable domain on hold for the rest of a run (the DNS cache's guard
    # against dead servers), so later tests of the same scenario may be answered "on hold". The
    # suite's tests are independent of each other: each such test is scanned again on its own.
    again = [(i, t, zone) for i, t, zone in checks if held(records.get(i))]
    jobs = []
    for n, (test_id, test, zone) in enumerate(again):
        mail = os.path.join(tmp, "alone%03d" % n)
        jobs.append(([mail], ["--dns-zone", zone] + scan_args,
                     write_messages(mail, [(test_id, message(test_id, test, 0))])))
    for result, job in zip(scan_all(mailverify, [j[:2] for j in jobs]), jobs):
        records.update(records_by_key(result, job[2]))
    if again:
        tally.note("(driver)", "%d tests scanned again alone after a timeout in their scenario "
                   "put the domain on hold" % len(again))
    for test_id, test, _ in checks:
        check(tally, test_id, test, records.get(test_id))
    return tally.finish(expected_total)


def check(tally, test_id, test, r):
    if r is None:
        tally.check(test_id, False, "no record")
        return
    spf = r["spf"]
    want = strings(test["result"])
    problems = []
    if spf["result"] not in want:
        problems.append("result %s, expected %s (%s)" % (spf["result"], "/".join(want),
                                                         spf["reason"]))
    if "explanation" in test and spf["result"] == "fail":
        wanted, got = test["explanation"], spf.get("explanation")
        if (wanted == "DEFAULT" and got is not None) or (wanted != "DEFAULT" and got != wanted):
            problems.append("explanation %r, expected %r" % (got, wanted))
    if not same_ip(spf.get("ip"), str(test["host"])):
        problems.append("envelope recovery took client %r, not %s" % (spf.get("ip"),
                                                                        test["host"]))
    if test_id not in ADAPTED and spf.get("helo") != str(test["helo"]).rstrip("."):
        problems.append("envelope recovery took HELO %r, not %r" % (spf.get("helo"),
                                                                      test["helo"]))
    tally.check(test_id, not problems, "; ".join(problems))
    if test_id in ADAPTED:
        tally.note(test_id, "adapted: " + ADAPTED[test_id])
    elif not problems and spf["result"] != want[0]:
        tally.note(test_id, "gives %s; the suite prefers %s" % (spf["result"], want[0]))

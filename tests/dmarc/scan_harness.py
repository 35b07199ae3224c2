"""Shared by the scripts that run DMARC cases through `mailverify scan` (dmarcbis_scan.py,
dmarc_cases_scan.py): a case's DNS as a master file, a message whose SPF envelope and DKIM
signatures give the case's results, and one scan of it.

DKIM signatures are made by dkimpy with RSA keys from the openssl CLI, independent of our signer:
a passing one under selector `conf`, whose published key is the signing key; a failing one under
`conffail`, whose published key is another key, so the signature does not verify."""
import base64
import json
import os
import subprocess

CLIENT_IP = "192.0.2.25"
PASS_SELECTOR = "conf"
FAIL_SELECTOR = "conffail"

# Zone outcome words of the case files -> the zone loader's `;@mailverify` statuses.
OUTCOME_STATUS = {"NXDOMAIN": "nxdomain", "NODATA": "nodata", "SERVFAIL": "temperror",
                  "TEMPERROR": "temperror", "PERMERROR": "permerror"}


def txt_rdata(strings):
    return " ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in strings)


def chunks(s, n=250):
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


class Zone:
    """A master file: records, and outcome lines for names answered with a status. Names are
    compared lower-case; relative targets are made absolute."""

    OUTCOME_TYPES = ("TXT", "A", "AAAA", "MX", "CNAME")

    def __init__(self):
        self.outcome = {}  # name -> a key of OUTCOME_STATUS
        self.records = {}  # name -> [(type, rdata)]

    def listed(self, name):
        return name.lower() in self.outcome or name.lower() in self.records

    def add(self, name, rtype, rdata):
        self.records.setdefault(name.lower(), []).append((rtype, rdata))

    def add_txt(self, name, value):
        """value: one string (one RR), or a list of strings (one RR of several strings)."""
        self.add(name, "TXT", txt_rdata(value if isinstance(value, list) else [value]))

    def add_typed(self, name, rtype, value):
        if rtype == "TXT":
            self.add_txt(name, value)
        elif rtype == "MX":  # "<preference> <exchange>" or only the exchange
            parts = value.split()
            pref, target = (parts[0], parts[1]) if len(parts) == 2 else ("10", parts[0])
            self.add(name, "MX", "%s %s." % (pref, target.rstrip(".")))
        elif rtype == "CNAME":
            self.add(name, "CNAME", value.rstrip(".") + ".")
        else:
            self.add(name, rtype, value)

    def mark_ancestors_nodata(self):
        """A proper ancestor of a listed name is an empty non-terminal (NODATA) unless listed.
        Call after loading the case's own names only: SPF and DKIM names added later make no
        ancestor exist (the file has no SOA), so they change no existence check."""
        for name in list(self.outcome) + list(self.records):
            parts = name.split(".")
            for i in range(1, len(parts)):
                ancestor = ".".join(parts[i:])
                if not self.listed(ancestor):
                    self.outcome[ancestor] = "NODATA"

    def text(self):
        lines = ["$TTL 300"]
        for name, what in sorted(self.outcome.items()):
            owned = {t for t, _ in self.records.get(name, [])}
            for rtype in self.OUTCOME_TYPES:
                # A NODATA name that was given a record (an SPF TXT) keeps NODATA for the other
                # types; DMARC's existence check asks A.
                if what == "NODATA" and rtype in owned:
                    continue
                lines.append(";@mailverify %s %s. %s 300" % (OUTCOME_STATUS[what], name, rtype))
        for name, rrs in sorted(self.records.items()):
            for rtype, rdata in rrs:
                lines.append("%s. IN %s %s" % (name, rtype, rdata))
        return "\n".join(lines) + "\n"


SPF_TERMS = {"pass": "ip4:%s -all" % CLIENT_IP, "fail": "-all", "softfail": "~all",
             "neutral": "?all", "permerror": "ip4:%s bogus-mechanism -all" % CLIENT_IP}


def spf_setup_problem(zone, domain, result):
    """Why `result` for `domain` cannot be made in `zone`, or None."""
    what = zone.outcome.get(domain.lower())
    if result == "none":
        return None if not zone.records.get(domain.lower()) or what else \
            "SPF none needs no TXT at %s, which the case's zone has" % domain
    if result == "temperror":
        return None if what in (None, "NODATA") else "%s is %s in the case" % (domain, what)
    if result not in SPF_TERMS:
        return "SPF result %s is not made by a zone here" % result
    if what in ("NXDOMAIN", "SERVFAIL", "TEMPERROR", "PERMERROR"):
        return "the SPF %s needs a TXT record at %s, which the case says is %s" % (
            result, domain, what)
    return None


def add_spf(zone, domain, result):
    """Zone data giving `result` for MAIL FROM `domain` from CLIENT_IP."""
    if result == "temperror":
        zone.outcome[domain.lower()] = "TEMPERROR"
    elif result != "none":
        zone.add_txt(domain, "v=spf1 " + SPF_TERMS[result])


class Signer:
    def __init__(self, workdir):
        self.key_pem, public = self._key(workdir, "a")
        _, other_public = self._key(workdir, "b")
        self.record = {PASS_SELECTOR: public, FAIL_SELECTOR: other_public}

    @staticmethod
    def _key(workdir, name):
        path = os.path.join(workdir, name + ".pem")
        subprocess.run(["openssl", "genrsa", "-out", path, "2048"], check=True,
                       capture_output=True)
        der = subprocess.run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout
        return open(path, "rb").read(), base64.b64encode(der).decode()

    def sign(self, zone, message, domain, passing):
        """The DKIM-Signature field (bytes) for `message`, its key published in `zone`."""
        import dkim
        selector = PASS_SELECTOR if passing else FAIL_SELECTOR
        zone.add_txt("%s._domainkey.%s" % (selector, domain.rstrip(".")),
                     chunks("v=DKIM1; k=rsa; p=" + self.record[selector]))
        return dkim.sign(message, selector.encode(), domain.encode(), self.key_pem,
                         include_headers=[b"from", b"subject", b"date", b"message-id"])


def build_mbox(from_values, mail_from_domain, message_id, subject, signer, zone, dkim_entries):
    """An mbox of one message. dkim_entries: [(domain, passing)]."""
    head = []
    if mail_from_domain is not None:
        head.append("Return-Path: <bounce@%s>" % mail_from_domain)
    head.append("Received: from relay.sender.test (relay.sender.test [%s])\n\tby mx.test.example "
                "with ESMTP id 1; Mon, 1 Jun 2026 10:00:00 +0000" % CLIENT_IP)
    head += ["From: %s" % v for v in from_values]
    head += ["To: x@y.example", "Subject: %s" % subject, "Date: Mon, 1 Jun 2026 10:00:00 +0000",
             "Message-ID: %s" % message_id]
    msg = ("\r\n".join(head) + "\r\n\r\nconformance case\r\n").encode()
    signatures = b"".join(signer.sign(zone, msg, d, ok) for d, ok in dkim_entries)
    text = (signatures + msg).replace(b"\r\n", b"\n")
    return b"From conformance@test Mon Jun  1 10:00:00 2026\n" + text + b"\n"


def scan(binary, workdir, zone, mbox, *args):
    """(records, error, recorded zone text) of one `mailverify scan` of `mbox` over `zone`."""
    zone_path, mbox_path, rec_path = (os.path.join(workdir, n) for n in
                                      ("case.zone", "case.mbox", "recorded.zone"))
    with open(zone_path, "w") as f:
        f.write(zone.text())
    with open(mbox_path, "wb") as f:
        f.write(mbox)
    out = subprocess.run([binary, "scan", "-q", "--dns-zone", zone_path, "--dns-record", rec_path,
                          "--authserv-id", "mx.test.example", *args, mbox_path],
                         capture_output=True, text=True)
    records = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    error = None
    if out.returncode not in (0, 1) or len(records) != 1:
        error = "scan exit %d, %d records: %s" % (out.returncode, len(records), out.stderr.strip())
    recorded = open(rec_path).read() if os.path.exists(rec_path) else ""
    return records, error, recorded


def setup_problems(record, spf, dkim_entries):
    """Where the scanned message's own SPF and DKIM results differ from what was built."""
    problems = []
    if spf and record["spf"]["result"] != spf:
        problems.append("setup: SPF gave %s, not %s" % (record["spf"]["result"], spf))
    got = [s.get("result") for s in record.get("dkim") or []]
    want = ["pass" if ok else "fail" for _, ok in dkim_entries]
    if sorted(got) != sorted(want):
        problems.append("setup: DKIM gave %s, not %s" % (got, want))
    return problems

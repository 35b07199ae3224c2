"""One message of the corpus: who sends it, the path it travels, the DKIM signatures added on the
way (by dkimpy), what is changed after signing, and what a correct verifier must conclude.

The expectation of each signature follows from what the generator did to it: the key state of
its selector, whether its body or a signed header changed after it was made, and l=.
"""

import random
import time as _time

import dkim

from . import content, names, spfcheck

try:
    # dkimpy signs with builtins.pow; GMP's powmod gives the same number ~10x faster. The signing
    # logic (canonicalization, hashing, padding, header) stays dkimpy's own.
    from gmpy2 import powmod as _gmp_powmod
    import dkim.crypto

    dkim.crypto.pow = lambda b, e, m=None: (int(_gmp_powmod(b, e, m)) if m is not None
                                            else b ** e)
except ImportError:
    pass

START = 1546300800  # 2019-01-01T00:00:00Z
END = 1735689600  # 2025-01-01T00:00:00Z

_HEADER_ORDER = ("from", "to", "cc", "subject", "date", "message-id", "reply-to", "in-reply-to",
                 "references", "mime-version", "content-type", "content-transfer-encoding",
                 "list-id", "list-unsubscribe", "list-unsubscribe-post")


class _Clock:
    """Stands in for dkimpy's time module while signing, so t= is the message's own time."""

    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


class Signature:
    def __init__(self, org, sel, algo, canon, length, bits, key_id):
        self.d, self.s, self.algo, self.canon, self.length = org.name, sel.name, algo, canon, length
        self.bits, self.state, self.key_id = bits, sel.state, key_id
        self.body_changed = False
        self.header_changed = False

    def expectation(self):
        if self.state == "revoked":
            return "permerror", "key-revoked"
        if self.state == "missing":
            return "permerror", "key-not-found"
        if self.body_changed:
            return "fail", "body-hash-mismatch"
        if self.header_changed or self.state == "rotated":
            return "fail", "signature-mismatch"
        return "pass", None


class Message:
    def __init__(self):
        self.fields = []  # header fields, top first, each 'Name: value\n' with folding
        self.body = ""
        self.sigs = []  # top first, like the DKIM-Signature fields
        self.mutations = []

    def data(self):
        return ("".join(self.fields) + "\n" + self.body).encode("utf-8")

    def prepend(self, field):
        self.fields.insert(0, field)

    def field_names(self):
        return [f.split(":", 1)[0].lower() for f in self.fields]

    def set_field(self, name, value):
        for i, f in enumerate(self.fields):
            if f.split(":", 1)[0].lower() == name.lower():
                self.fields[i] = "%s: %s\n" % (f.split(":", 1)[0], value)
                return
        raise KeyError(name)

    def get_field(self, name):
        for f in self.fields:
            if f.split(":", 1)[0].lower() == name.lower():
                return f.split(":", 1)[1].strip()
        return None


class Composer:
    """Builds message i of a corpus from the world and the corpus seed."""

    def __init__(self, world, n_messages, attachment_cap=1450000):
        self.world = world
        self.n = n_messages
        self.attachment_cap = attachment_cap  # bytes before base64; keeps a shipped sample small
        self.check_every = 0

    # ---- signing and changes after signing -------------------------------------------------

    def sign(self, msg, rng, org, sel_name, algo, now, length=False, extra=()):
        w = self.world
        sel = org.selectors[sel_name]
        key = w.keys[sel.key_id]
        present = set(msg.field_names())
        heads = [h for h in _HEADER_ORDER if h in present]
        heads += [h for h in extra if h in present and h not in heads]
        if rng.random() < 0.2:
            heads += ["from", "subject"]  # over-signing: no second From/Subject may be added
        r = rng.random()
        canon = (b"relaxed", b"relaxed") if r < 0.80 else (b"simple", b"simple") if r < 0.88 \
            else (b"relaxed", b"simple") if r < 0.98 else (b"simple", b"relaxed")
        signer = dkim.DKIM(msg.data(), signature_algorithm=algo.encode(), linesep=b"\n")
        dkim.time = _Clock(now)
        try:
            field = signer.sign(sel.name.encode(), org.name.encode(), key.private,
                                canonicalize=canon, include_headers=heads, length=length)
        finally:
            dkim.time = _time
        msg.prepend(field.decode("ascii"))
        sig = Signature(org, sel, algo, b"/".join(canon).decode(), length, key.bits, sel.key_id)
        msg.sigs.insert(0, sig)
        return sig

    def change_body(self, msg, how, rng):
        if how == "footer":
            msg.body += ("\n_______________________________________________\n%s mailing list\n"
                         "Unsubscribe: https://lists.example.org/unsub/%x\n"
                         % (rng.choice(names.WORDS), rng.getrandbits(32)))
            for s in msg.sigs:
                s.body_changed = s.body_changed or not s.length
        else:
            msg.body = ("CAUTION: This email originated from outside the organization. Do not "
                        "click links\nor open attachments unless you recognize the sender.\n\n"
                        + msg.body)
            for s in msg.sigs:
                s.body_changed = True
        msg.mutations.append("body-" + how)

    def change_subject(self, msg, tag):
        msg.set_field("Subject", "%s %s" % (tag, msg.get_field("Subject")))
        for s in msg.sigs:
            s.header_changed = True
        msg.mutations.append("subject-tag")

    # ---- building ------------------------------------------------------------------------

    def build(self, i):
        w, seed = self.world, self.world.seed
        rng = random.Random("mailverify-corpus/%s/msg/%d" % (seed, i))
        span = (END - START) / self.n
        now = int(START + (i + rng.random() * 0.9) * span)
        scenario = content_scenario(rng)
        msg = Message()
        rcpt_org = rng.choice(w.recipients)
        rcpt = "%s@%s" % (rng.choice(rcpt_org.users), rcpt_org.name)

        # Author and the organisation that first sends it.
        if scenario == "freemail":
            author_org = rng.choice(w.freemails)
        else:
            author_org = rng.choice(w.brands)
        sender_org = author_org
        via_esp = scenario == "esp" and author_org.esp is not None
        if via_esp:
            sender_org = author_org.esp
        display, local = content.person(rng)
        from_domain = author_org.name
        if via_esp and rng.random() < 0.6:
            from_domain = "news." + author_org.name
            local = rng.choice(("news", "info", "hello"))
        from_addr = "%s@%s" % (local, from_domain)
        subject = rng.choice(names.SUBJECT_TOPICS)
        if rng.random() < 0.08:
            subject = content.encoded_word(subject + " \u2013 " + str(rng.randint(1, 99)),
                                           "utf-8", rng)

        newsletter = via_esp or (scenario == "list" and rng.random() < 0.2)
        n_attach = 0
        if rng.random() < 0.10:
            n_attach = 1 if rng.random() < 0.8 else 2
        attachments = []
        for _ in range(n_attach):
            ctype, fname = rng.choice(names.ATTACHMENTS)
            size = content.lognormal_size(rng, 35000, 1.3, 3000, 1450000)
            size = min(size, 1450000 - sum(a[2] for a in attachments), self.attachment_cap)
            attachments.append((ctype, fname, max(size, 2000)))
        special = set()
        if rng.random() < 0.07:
            special.add("from")
        if rng.random() < 0.02:
            special.add(">from")
        text = content.text_body(rng, content.lognormal_size(rng, 3600, 0.8, 60, 150000),
                                 display or local, special)
        style = "gmail" if author_org.kind == "freemail" else "plain"
        ctype, cte, body = content.mime_body(rng, text, newsletter, attachments, style,
                                             _time.gmtime(now).tm_year)

        # Header block as the author's client wrote it.
        msg.fields.append("From: %s\n" % content.address(display, local, from_domain))
        to_list = [rcpt]
        if rng.random() < 0.2:
            to_list += ["%s@%s" % (rng.choice(rcpt_org.users), rcpt_org.name)
                        for _ in range(rng.randint(1, 4))]
        msg.fields.append("To: %s\n" % ",\n\t".join(to_list))
        if rng.random() < 0.1:
            msg.fields.append("Cc: %s@%s\n" % (rng.choice(author_org.users), author_org.name))
        msg.fields.append("Subject: %s\n" % subject)
        msg.fields.append("Date: %s\n" % content.rfc5322_date(now, rng))
        mid_host = "mail.gmail.com" if author_org.kind == "freemail" else sender_org.out_hosts[0][0]
        message_id = "<%s@%s>" % (content.queue_id(rng, "gmail").replace(".", "") +
                                  "%x" % rng.getrandbits(40), mid_host)
        msg.fields.append("Message-ID: %s\n" % message_id)
        if subject.startswith("Re:"):
            ref = "<%x@%s>" % (rng.getrandbits(64), author_org.name)
            msg.fields.append("In-Reply-To: %s\nReferences: %s\n" % (ref, ref))
        if rng.random() < 0.08:
            msg.fields.append("Reply-To: %s@%s\n" % (rng.choice(author_org.users),
                                                      author_org.name))
        msg.fields.append("MIME-Version: 1.0\n")
        msg.fields.append("Content-Type: %s\n" % ctype)
        if cte:
            msg.fields.append("Content-Transfer-Encoding: %s\n" % cte)
        if via_esp:
            unsub = "<mailto:unsubscribe-%x@bounces.%s>, <https://%s/u/%x>" % (
                rng.getrandbits(40), sender_org.name, sender_org.name, rng.getrandbits(64))
            msg.fields.append("List-Unsubscribe: %s\n" % unsub)
            msg.fields.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click\n")
            if rng.random() < 0.5:
                msg.fields.append("List-Id: %s news <news.%s>\n" % (author_org.name.split(".")[0],
                                                                     author_org.name))
        if rng.random() < 0.15 and author_org.kind == "brand":
            msg.fields.append("X-Mailer: %s\n" % rng.choice((
                "Microsoft Outlook 16.0", "Apple Mail (2.3774.300.61.1.2)",
                "Thunderbird 115.6.0")))
        msg.body = body

        # Path inside the sending organisation and signatures there.
        hop_t = now + rng.randint(1, 20)
        out_host = rng.choice(sender_org.out_hosts)
        # With the recipient's hop (and a list's or forwarder's) that makes 2 to 6 Received fields.
        n_internal = rng.choices((1, 2, 3, 4, 5), weights=(45, 30, 13, 8, 4))[0]
        if scenario in ("list", "forward"):
            n_internal = min(n_internal, 2)
        if scenario == "spoof":
            n_internal = 1
        internal_style = sender_org.mta if sender_org.mta != "postfix" else "postfix"
        for _ in range(n_internal):
            msg.prepend(content.received_internal(rng, internal_style, out_host[0], from_addr,
                                                  rcpt, content.rfc5322_date(hop_t, rng)))
            hop_t += rng.randint(0, 5)

        lengths = rng.random() < (0.25 if scenario == "list" else 0.01)
        failure = None
        if author_org.signs and scenario != "spoof":
            failure = _weighted_pick(rng, (("none", 934), ("banner", 20), ("subject", 10),
                                           ("revoked", 10), ("missing", 15), ("rotated", 8)))
            if author_org.kind != "brand" and failure in ("revoked", "missing", "rotated"):
                failure = "none"  # only brands keep retired and mistyped selectors
            sel = author_org.rsa_selector
            if via_esp:
                sel = author_org.esp_selector
            if failure == "revoked":
                sel = "old2019"
            elif failure == "missing":
                sel = [s.name for s in author_org.selectors.values() if s.state == "missing"][0]
            elif failure == "rotated":
                if author_org.selectors["s2"].state == "rotated":
                    sel = "s2"
            r = rng.random()
            algo = "rsa-sha256"
            if failure in ("none", "banner", "subject") and not via_esp:
                if r < 0.035:
                    algo = "ed25519-sha256"
                    sel = author_org.ed_selector
                elif r < 0.072:
                    algo = "rsa-sha1"
            if algo == "rsa-sha256" and not via_esp and sel == author_org.rsa_selector and \
                    rng.random() < 0.022:
                # Dual-algorithm signers add an Ed25519 signature next to the RSA one.
                self.sign(msg, rng, author_org, author_org.ed_selector, "ed25519-sha256",
                          hop_t, length=lengths)
            self.sign(msg, rng, author_org, sel, algo, hop_t, length=lengths)
            if via_esp and rng.random() < 0.6:
                self.sign(msg, rng, sender_org, sender_org.rsa_selector, "rsa-sha256", hop_t,
                          extra=("list-unsubscribe", "list-unsubscribe-post", "list-id"))
        elif via_esp and scenario != "spoof":
            self.sign(msg, rng, sender_org, sender_org.rsa_selector, "rsa-sha256", hop_t,
                      extra=("list-unsubscribe", "list-unsubscribe-post", "list-id"))

        # Envelope sender.
        if via_esp:
            bounce_dom = ("bounce." + author_org.name) if rng.random() < 0.5 else \
                ("bounces." + sender_org.name)
            mailfrom = "bounce-%x@%s" % (rng.getrandbits(32), bounce_dom)
        elif rng.random() < 0.15 and author_org.kind == "brand":
            mailfrom = "postmaster@%s" % author_org.name
        else:
            mailfrom = from_addr if not from_domain.startswith("news.") else \
                "bounces@%s" % author_org.name

        # Client that finally hands the message to the recipient's MX.
        client_ip = out_host[2] if out_host[2] and rng.random() < 0.3 else out_host[1]
        helo, rdns = out_host[0], out_host[0]
        if scenario == "direct" and rng.random() < 0.1:
            # A server the domain forgot to authorise (or never meant to).
            client_ip = str(author_org.net4[rng.randint(30, 45)])
            helo = "relay%d.%s" % (rng.randint(1, 9), author_org.name)
            rdns = None
        if failure == "banner":
            self.change_body(msg, "banner", rng)
        if failure == "subject":
            self.change_subject(msg, "[EXTERNAL]")

        if scenario == "list":
            lst = rng.choice(w.lists)
            lname = rng.choice(("users", "dev", "announce", "discuss"))
            lhost = lst.out_hosts[0]
            msg.prepend(content.received_boundary(rng, "exim", lhost[0], helo, rdns, client_ip,
                                                  mailfrom, "%s@%s" % (lname, lst.name),
                                                  content.rfc5322_date(hop_t, rng)))
            hop_t += rng.randint(1, 60)
            for name, value in (("List-Id", "<%s.%s>" % (lname, lst.name)),
                                ("List-Post", "<mailto:%s@%s>" % (lname, lst.name)),
                                ("List-Unsubscribe", "<mailto:%s-leave@%s>" % (lname, lst.name)),
                                ("Precedence", "list")):
                msg.fields.append("%s: %s\n" % (name, value))
            if rng.random() < 0.5:
                self.change_subject(msg, "[%s]" % lname)
            if rng.random() < 0.6:
                self.change_body(msg, "footer", rng)
            if rng.random() < 0.5:
                self.sign(msg, rng, lst, lst.rsa_selector, "rsa-sha256", hop_t,
                          extra=("list-id", "list-post", "list-unsubscribe"))
            mailfrom = "%s-bounces@%s" % (lname, lst.name)
            client_ip, helo, rdns = lhost[1], lhost[0], lhost[0]
        elif scenario == "forward":
            fwd = rng.choice(w.forwarders)
            fhost = rng.choice(fwd.out_hosts)
            msg.prepend(content.received_boundary(rng, "postfix", fhost[0], helo, rdns,
                                                  client_ip, mailfrom, rcpt,
                                                  content.rfc5322_date(hop_t, rng)))
            hop_t += rng.randint(1, 30)
            if rng.random() < 0.4:
                local_part, dom = mailfrom.split("@")
                mailfrom = "SRS0=%s=%s=%s=%s@%s" % (content.queue_id(rng, "exim")[:4],
                                                    "T%d" % rng.randint(10, 99), dom, local_part,
                                                    fwd.name)
            client_ip, helo, rdns = fhost[1], fhost[0], fhost[0]
        elif scenario == "spoof":
            client_ip = "203.0.113.%d" % rng.randint(2, 250) if rng.random() < 0.7 else \
                "198.51.100.%d" % rng.randint(2, 250)
            helo = rng.choice(("localhost", "mail.%s" % author_org.name, "[%s]" % client_ip))
            rdns = None

        # The recipient's MX: the topmost Received field names the client SPF checks.
        rcpt_mx = rcpt_org.mx[0][1]
        msg.prepend(content.received_boundary(rng, rcpt_org.mta, rcpt_mx, helo, rdns, client_ip,
                                              mailfrom, rcpt, content.rfc5322_date(hop_t, rng, 0)))
        if rng.random() < 0.3:
            msg.prepend("Delivered-To: %s\n" % rcpt)
        msg.prepend("Return-Path: <%s>\n" % mailfrom)

        spf_domain = mailfrom.split("@", 1)[1]
        spf = spfcheck.check_host(w.dns, client_ip, spf_domain)
        expected = {
            "index": i,
            "message_id": message_id,
            "scenario": scenario,
            "from_domain": from_domain,
            "mutations": msg.mutations,
            "dkim": [dict(zip(("header_index", "d", "s", "a", "c", "l", "key_bits", "result",
                               "reason"),
                              (k, s.d, s.s, s.algo, s.canon, bool(s.length), s.bits)
                              + s.expectation()))
                     for k, s in enumerate(msg.sigs)],
            "spf": {"client_ip": client_ip, "helo": helo, "mail_from": mailfrom,
                    "domain": spf_domain, "result": spf},
            "dmarc": dmarc_expectation(w, from_domain, msg.sigs, spf, spf_domain),
        }
        envelope = {"mail_from": mailfrom, "delivered": hop_t}
        return msg.data(), envelope, expected


def _weighted_pick(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def content_scenario(rng):
    return _weighted_pick(rng, (("direct", 47), ("esp", 20), ("freemail", 17), ("list", 8),
                                ("forward", 5), ("spoof", 3)))


def dmarc_expectation(world, from_domain, sigs, spf_result, spf_domain):
    """RFC 7489 6.6: policy discovery at the From domain, then at its organizational domain."""
    dns, org = world.dns, world.org_of(from_domain)
    record, at = None, None
    for cand in ([from_domain] if from_domain == org else [from_domain, org]):
        status, vals = dns.lookup("_dmarc." + cand, "TXT")
        recs = [v for v in vals if v.startswith("v=DMARC1")]
        if len(recs) == 1:
            record, at = recs[0], cand
            break
    if record is None:
        return {"result": "none", "policy": None, "record_domain": None}
    tags = dict(t.strip().split("=", 1) for t in record.split(";") if "=" in t)
    policy = tags["p"]
    if at != from_domain and "sp" in tags:
        policy = tags["sp"]
    adkim, aspf = tags.get("adkim", "r"), tags.get("aspf", "r")

    def aligned(d, mode):
        d = d.lower()
        return d == from_domain if mode == "s" else world.org_of(d) == org

    dkim_ok = any(s.expectation()[0] == "pass" and aligned(s.d, adkim) for s in sigs)
    spf_ok = spf_result == "pass" and aligned(spf_domain, aspf)
    return {"result": "pass" if dkim_ok or spf_ok else "fail", "policy": policy,
            "record_domain": at, "dkim_aligned": dkim_ok, "spf_aligned": spf_ok}

"""The synthetic Internet a corpus lives in: organisations, their mail hosts and addresses, and the
SPF, DMARC, DKIM, MX and A records they publish.

Everything derives from one seeded random.Random, so the same seed gives the same world. Addresses
come from ranges reserved for documentation and benchmarking (198.18.0.0/15, TEST-NETs,
2001:db8::/32), so nothing here names a real host.
"""

import ipaddress
import random

from . import names
from .dnsdata import DnsData


class Selector:
    """One DKIM selector of a signing domain and what DNS says about it."""

    def __init__(self, name, key_id, state, published_key_id=None):
        self.name = name
        self.key_id = key_id  # key the signer uses
        self.state = state  # ok | revoked | missing | rotated
        self.published_key_id = published_key_id or key_id


class Org:
    """A registrable domain that sends or receives mail."""

    def __init__(self, kind, name, index):
        self.kind = kind  # brand | esp | freemail | list | forwarder | recipient
        self.name = name
        self.index = index
        self.out_hosts = []  # (hostname, ipv4, ipv6 or None)
        self.net4 = None
        self.net6 = None
        self.mx = []  # (pref, hostname, ipv4)
        self.spf_shape = None
        self.dmarc = None  # dict of tags or None
        self.selectors = {}  # name -> Selector
        self.rsa_selector = None
        self.ed_selector = None
        self.signs = False
        self.esp = None  # the Org this brand sends newsletters through
        self.esp_selector = None  # brand selector CNAMEd to the ESP
        self.mta = "postfix"  # Received style of its outbound hosts
        self.users = []


_SPF_SHAPES = (("ip4net", 28), ("hosts", 20), ("a_mx", 18), ("redirect", 12), ("mx_cidr", 5),
               ("none", 9), ("broken", 2), ("ip6first", 5))
_SPF_ALLS = (("-all", 40), ("~all", 45), ("?all", 12), ("", 3))
_RSA_BITS = ((2048, 80), (1024, 13), (4096, 7))


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


class World:
    def __init__(self, seed, messages):
        self.seed = seed
        self.rng = random.Random("mailverify-corpus/%s/world" % seed)
        self.dns = DnsData()
        self.orgs = []
        self.key_specs = {}  # key_id -> (algo, bits)
        self.keys = {}  # key_id -> keys.SigningKey, filled by attach_keys
        self._used = set()
        n_brands = max(10, min(200, messages // 100))
        self.shape_order = [v for v, _ in _SPF_SHAPES]
        self.rng.shuffle(self.shape_order)
        self.all_order = [v for v, _ in _SPF_ALLS]
        self.rng.shuffle(self.all_order)
        self.bits_order = [v for v, _ in _RSA_BITS]
        self.rng.shuffle(self.bits_order)
        self.recipients = [self._org("recipient", n, i) for i, n in
                           enumerate(names.RECIPIENT_NAMES)]
        self.esps = [self._org("esp", n, i) for i, n in enumerate(names.ESP_NAMES)]
        self.freemails = [self._org("freemail", n, i) for i, n in enumerate(names.FREEMAIL_NAMES)]
        self.lists = [self._org("list", n, i) for i, n in enumerate(names.LIST_ORGS)]
        self.forwarders = [self._org("forwarder", n, i) for i, n in
                           enumerate(names.FORWARDER_NAMES)]
        self.brands = [self._org("brand", None, i) for i in range(n_brands)]
        for org in self.orgs:
            self._plan(org)
        for org in self.orgs:
            self._publish(org)

    # ---- naming and addressing -------------------------------------------------------------

    def _fresh_name(self, base):
        rng = self.rng
        while True:
            label = base or (rng.choice(names.BRAND_A) + rng.choice(names.BRAND_B))
            if not base and rng.random() < 0.3:
                label = rng.choice(names.BRAND_A) + "-" + rng.choice(names.BRAND_B)
            tld = _weighted(rng, names.TLDS) if not base else rng.choice(("com", "net", "org"))
            name = "%s.%s" % (label, tld)
            if name not in self._used:
                self._used.add(name)
                return name
            base = None if not base else base + "s"

    def _org(self, kind, base, index):
        org = Org(kind, self._fresh_name(base), index)
        self.orgs.append(org)
        return org

    def _nets(self, org):
        k = org.index
        if org.kind == "brand":
            net4 = ipaddress.ip_network("198.18.%d.%d/26" % (k // 4, (k % 4) * 64))
            net6 = ipaddress.ip_network("2001:db8:%x::/48" % (0x1000 + k))
        else:
            base = {"esp": 0, "freemail": 32, "list": 64, "forwarder": 96, "recipient": 112}
            third = base[org.kind] + 2 * k
            net4 = ipaddress.ip_network("198.19.%d.0/23" % third)
            net6 = ipaddress.ip_network("2001:db8:%x::/48" % (0xE000 + base[org.kind] + k))
        return net4, net6

    # ---- what each organisation runs ------------------------------------------------------

    def _plan(self, org):
        rng = self.rng
        org.net4, org.net6 = self._nets(org)
        hosts4 = list(org.net4.hosts())
        n_out = {"brand": rng.randint(1, 3), "esp": 6, "freemail": 8, "list": 1,
                 "forwarder": 2, "recipient": 2}[org.kind]
        prefix = {"esp": "o", "freemail": "mail-out", "list": "lists"}.get(org.kind, "smtp")
        for i in range(n_out):
            ip4 = hosts4[10 + i * 7]
            ip6 = org.net6[0x25 + i] if rng.random() < 0.35 or org.kind in ("esp", "freemail") \
                else None
            host = "%s%d.%s" % (prefix, i + 1, org.name) if org.kind != "list" else \
                "lists.%s" % org.name
            org.out_hosts.append((host, str(ip4), str(ip6) if ip6 else None))
        org.mx = [(10, "mx1.%s" % org.name, str(hosts4[3]))]
        if rng.random() < 0.5:
            org.mx.append((20, "mx2.%s" % org.name, str(hosts4[4])))
        org.mta = {"esp": "esp", "freemail": "gmail", "list": "exim", "forwarder": "postfix",
                   "recipient": "postfix"}.get(org.kind) or rng.choice(("postfix", "postfix",
                                                                          "exim", "exchange"))
        if org.kind == "recipient":
            org.mta = ("postfix", "exim", "gmail")[org.index % 3]
        org.users = ["%s.%s" % (rng.choice(names.FIRST), rng.choice(names.LAST))
                     for _ in range(rng.randint(3, 12))]

        if org.kind == "brand":
            org.esp = rng.choice(self.esps) if rng.random() < 0.35 else None
            org.spf_shape = _weighted(rng, _SPF_SHAPES)
            org.spf_all = _weighted(rng, _SPF_ALLS)
            # Even a small world has every record shape and every all-qualifier once.
            if org.index < len(_SPF_SHAPES):
                org.spf_shape = self.shape_order[org.index]
            if org.index < len(_SPF_ALLS):
                org.spf_all = self.all_order[org.index]
            if rng.random() < 0.85:
                org.dmarc = {"p": _weighted(rng, (("none", 40), ("quarantine", 30),
                                                  ("reject", 30)))}
                if rng.random() < 0.3:
                    org.dmarc["sp"] = rng.choice(("none", "quarantine", "reject"))
                if rng.random() < 0.15:
                    org.dmarc["adkim"] = "s"
                if rng.random() < 0.15:
                    org.dmarc["aspf"] = "s"
            org.signs = rng.random() < 0.93
            if org.spf_shape in ("a_mx", "mx_cidr"):
                # No IPv6 senders behind a/mx-only records: a missing AAAA would be a void lookup,
                # and RFC 7208 4.6.4 leaves which lookups count to the implementation.
                org.out_hosts = [(h, ip4, None) for h, ip4, _ in org.out_hosts]
        elif org.kind == "recipient":
            org.spf_shape, org.spf_all = "mx_only", "-all"
            org.dmarc = {"p": "none"}
        else:
            org.spf_shape, org.spf_all = org.kind, {"esp": "~all", "freemail": "~all"}.get(
                org.kind, "-all")
            org.dmarc = {"p": {"freemail": ("reject", "none", "quarantine")[org.index % 3],
                               "esp": "none", "list": "none", "forwarder": "none"}[org.kind]}
            org.signs = org.kind != "forwarder"

        if org.signs:
            bits = 2048 if org.kind != "brand" else _weighted(rng, _RSA_BITS)
            if org.kind == "brand" and org.index < len(_RSA_BITS):
                # Every key size even in a small world; 4096-bit keys need split TXT strings.
                bits = self.bits_order[org.index]
            sel = rng.choice(names.SELECTORS_RSA) if org.kind == "brand" else (
                "%s%d" % (("s", "esp", "fm", "list")[("brand", "esp", "freemail",
                                                     "list").index(org.kind)], 2020 + org.index))
            self._key(org, sel, "rsa", bits)
            org.rsa_selector = sel
            ed = rng.choice(("ed25519", "ed1", "e2023"))
            self._key(org, ed, "ed25519", 256)
            org.ed_selector = ed
        if org.kind == "brand" and org.signs:
            main = org.selectors[org.rsa_selector].key_id
            org.selectors["old2019"] = Selector("old2019", main, "revoked")
            org.selectors["k%d" % (7 + org.index % 3)] = Selector(
                "k%d" % (7 + org.index % 3), main, "missing")
            org.selectors["s2"] = Selector("s2", main, "rotated")  # published key set later
            if org.esp is not None:
                org.esp_selector = "%s1" % org.esp.name.split(".")[0][:4]
                org.selectors[org.esp_selector] = Selector(org.esp_selector, main, "ok")

    def _key(self, org, sel, algo, bits):
        key_id = "%s_%s" % (org.name.replace(".", "-"), sel)
        self.key_specs[key_id] = (algo, bits)
        org.selectors[sel] = Selector(sel, key_id, "ok")

    # ---- DNS records ---------------------------------------------------------------------

    def _spf_text(self, org):
        d, all_ = org.name, org.spf_all
        inc = " include:_spf.%s" % org.esp.name if org.esp else ""
        tail = (inc + (" " + all_ if all_ else ""))
        shape = org.spf_shape
        if shape == "ip4net":
            return "v=spf1 ip4:%s%s" % (org.net4, tail)
        if shape == "ip6first":
            return "v=spf1 ip6:%s ip4:%s%s" % (org.net6, org.net4, tail)
        if shape == "hosts":
            hosts = " ".join("ip4:%s" % h[1] for h in org.out_hosts)
            v6 = " ".join("ip6:%s" % h[2] for h in org.out_hosts if h[2])
            return "v=spf1 %s%s%s" % (hosts, " " + v6 if v6 else "", tail)
        if shape == "a_mx":
            return "v=spf1 a mx a:mail.%s%s" % (d, tail)
        if shape == "redirect":
            return "v=spf1 redirect=_spf.%s" % d
        if shape == "mx_cidr":
            return "v=spf1 mx/24 ?all"
        if shape == "broken":
            return "v=spf1 include:_spf.mailhost-gone.%s -all" % d
        if shape == "mx_only":
            return "v=spf1 mx -all"
        if shape in ("esp", "freemail"):
            return "v=spf1 include:_spf.%s %s" % (d, "-all" if shape == "esp" else "~all")
        if shape == "list":
            return "v=spf1 mx a:lists.%s -all" % d
        if shape == "forwarder":
            return "v=spf1 ip4:%s -all" % org.net4
        return None

    def _publish(self, org):
        dns, d, rng = self.dns, org.name, self.rng
        dns.add_zone(d, 2024010100 + org.index)
        dns.add(d, "A", org.out_hosts[0][1] if org.kind != "brand" else str(org.net4[50]))
        for pref, host, ip in org.mx:
            dns.add(d, "MX", (pref, host))
        for pref, host, ip in org.mx:
            dns.add(host, "A", ip)
        for host, ip4, ip6 in org.out_hosts:
            if org.kind != "list":
                dns.add(host, "A", ip4)
            if ip6:
                dns.add(host, "AAAA", ip6)
        if org.kind == "list":
            dns.add(org.out_hosts[0][0], "A", org.out_hosts[0][1])
        if org.kind == "brand":
            for host, ip4, ip6 in org.out_hosts:
                dns.add("mail.%s" % d, "A", ip4)
        spf = self._spf_text(org)
        if spf:
            dns.add(d, "TXT", spf)
        if org.kind == "brand" and rng.random() < 0.4:
            dns.add(d, "TXT", "google-site-verification=%032x" % rng.getrandbits(128))
        if org.spf_shape == "redirect":
            inc = " include:_spf.%s" % org.esp.name if org.esp else ""
            dns.add("_spf.%s" % d, "TXT", "v=spf1 ip4:%s ip6:%s%s %s" % (
                org.net4, org.net6, inc, org.spf_all or "~all"))
        if org.kind in ("esp", "freemail"):
            blocks = " ".join("ip4:%s" % n for n in org.net4.subnets(new_prefix=24))
            dns.add("_spf.%s" % d, "TXT", "v=spf1 %s ip6:%s ~all" % (blocks, org.net6))
        if org.kind == "esp":
            dns.add("bounces.%s" % d, "TXT", "v=spf1 redirect=_spf.%s" % d)
            dns.add("bounces.%s" % d, "MX", (10, org.mx[0][1]))
        if org.kind == "brand" and org.esp:
            dns.add("bounce.%s" % d, "TXT", "v=spf1 include:_spf.%s -all" % org.esp.name)
            dns.add("bounce.%s" % d, "MX", (10, "mx.bounces.%s" % org.esp.name))
        if org.kind == "esp":
            dns.add("mx.bounces.%s" % d, "A", org.out_hosts[0][1])
        if org.dmarc:
            tags = ["v=DMARC1", "p=%s" % org.dmarc["p"]]
            for t in ("sp", "adkim", "aspf"):
                if t in org.dmarc:
                    tags.append("%s=%s" % (t, org.dmarc[t]))
            tags.append("rua=mailto:dmarc-reports@%s" % d)
            dns.add("_dmarc.%s" % d, "TXT", "; ".join(tags))

    def publish_keys(self):
        """Adds the DKIM key records once attach_keys has filled self.keys."""
        brands = [o for o in self.brands if o.signs]
        for org in self.orgs:
            for sel in org.selectors.values():
                owner = "%s._domainkey.%s" % (sel.name, org.name)
                if sel.state == "missing":
                    continue
                if sel.state == "revoked":
                    self.dns.add(owner, "TXT", "v=DKIM1; k=rsa; p=")
                    continue
                if sel.state == "rotated":
                    # The selector now holds another domain's key, as after a botched rotation.
                    # Same modulus size, so verifiers fail on the signature, not on its length.
                    bits = self.key_specs[sel.key_id][1]
                    start = brands.index(org)
                    others = [brands[(start + i) % len(brands)] for i in range(1, len(brands))]
                    others = [o for o in others
                              if self.key_specs[o.selectors[o.rsa_selector].key_id][1] == bits]
                    if not others:
                        sel.state = "unusable"
                        continue
                    sel.published_key_id = others[0].selectors[others[0].rsa_selector].key_id
                key = self.keys[sel.published_key_id]
                if org.esp is not None and sel.name == org.esp_selector:
                    target = "%s.dkim.%s" % (org.name.replace(".", "-"), org.esp.name)
                    self.dns.add(owner, "CNAME", target)
                    self.dns.add(target, "TXT", key.dns_txt())
                else:
                    self.dns.add(owner, "TXT", key.dns_txt())

    def org_of(self, domain):
        """The registrable (organizational) domain of a name inside this world."""
        return self.dns.apex_of(domain.lower())

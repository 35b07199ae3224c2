"""A corpus with thousands of sending domains, for live-DNS benchmarks (bench/gen-domains,
bench/e2e-live): each domain its own zone with a DKIM key, a 3-4 level SPF include chain through
one of ~20 ESPs, DMARC, A and MX; an mbox of dkimpy-signed messages whose trust-boundary Received
field names a client inside the domain's /28 (or its ESP's range).

Everything is a function of the arguments: keys come from scripts/gencorpus/keys.py (seeded, cached
under OUT/keys), messages from a per-index RNG, so a rerun gives the same bytes.
"""

import json
import multiprocessing
import os
import random
import shutil
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))

import dkim  # noqa: E402

from gencorpus import content, keys, zonefile  # noqa: E402
from gencorpus.dnsdata import DnsData  # noqa: E402
from gencorpus.generate import mboxrd_quote  # noqa: E402

try:  # the same speed-up as scripts/gencorpus/compose.py: GMP's powmod, dkimpy's own signing
    from gmpy2 import powmod as _gmp_powmod
    import dkim.crypto

    dkim.crypto.pow = lambda b, e, m=None: (int(_gmp_powmod(b, e, m)) if m is not None
                                            else b ** e)
except ImportError:
    pass

TLDS = ("com", "net", "org", "example")
N_KEYS = 16
N_ESPS = 20
ESP_SHARE = 0.3  # messages handed to the brand's ESP: their SPF check walks the whole chain
START = 1767225600  # 2026-01-01T00:00:00Z, before mailverify's bench --at 2026-11-01
SPAN = 270 * 86400
SIGNED = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]
MAX_DOMAINS = 7000  # brand /28s come from 198.18.0.0 .. 198.19.199.255


def brand_name(k, n):
    return ("brand%04d.%s" if n <= 10000 else "brand%05d.%s") % (k, TLDS[k % len(TLDS)])


def brand_net(k):
    base = (198 << 24) | (18 << 16)
    a = base + 16 * k
    return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255), a


def ip_str(a):
    return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)


def esp_name(j):
    return "esp%02d.net" % j


def esp_block(j, half):
    """ESP j sends from 198.19.(200+j).0/25 (first netblock) and .128/25 (second)."""
    return "198.19.%d.%d/25" % (200 + j, 128 * half), (198 << 24) | (19 << 16) | ((200 + j) << 8) \
        | (128 * half)


class World:
    """Domains, their ESP and key, and the DNS they publish."""

    def __init__(self, n_domains, seed, key_list):
        self.n, self.seed, self.keys = n_domains, seed, key_list
        rng = random.Random("gen-domains/%s/world" % seed)
        self.brands = [brand_name(k, n_domains) for k in range(n_domains)]
        self.esp_of = [rng.randrange(N_ESPS) for _ in range(n_domains)]
        self.key_of = [rng.randrange(len(key_list)) for _ in range(n_domains)]
        self.policy_of = [rng.choice(("none", "none", "quarantine", "reject"))
                          for _ in range(n_domains)]
        self.dns = DnsData()
        for j in range(N_ESPS):
            self._esp_zone(j)
        for k in range(n_domains):
            self._brand_zone(k)

    def _esp_zone(self, j):
        d = esp_name(j)
        self.dns.add_zone(d, 2026010100)
        self.dns.add(d, "A", ip_str(esp_block(j, 0)[1] + 10))
        # brand -> _spf.brand -> spf.esp -> _nbN.esp: four levels, as real ESP includes go.
        self.dns.add("spf." + d, "TXT", "v=spf1 include:_nb1.%s include:_nb2.%s -all" % (d, d))
        for half in (0, 1):
            self.dns.add("_nb%d.%s" % (half + 1, d), "TXT", "v=spf1 ip4:%s -all"
                         % esp_block(j, half)[0])
        for o in range(1, 5):
            self.dns.add("o%d.%s" % (o, d), "A", ip_str(esp_block(j, 1)[1] + o))

    def _brand_zone(self, k):
        d = self.brands[k]
        net, a = brand_net(k)
        self.dns.add_zone(d, 2026010100)
        self.dns.add(d, "A", ip_str(a + 1))
        self.dns.add(d, "MX", (10, "mail." + d))
        self.dns.add("mail." + d, "A", ip_str(a + 2))
        self.dns.add(d, "TXT", "v=spf1 include:_spf.%s ~all" % d)
        self.dns.add("_spf." + d, "TXT", "v=spf1 ip4:%s/28 include:spf.%s -all"
                     % (net, esp_name(self.esp_of[k])))
        self.dns.add("sel._domainkey." + d, "TXT", self.keys[self.key_of[k]].dns_txt())
        self.dns.add("_dmarc." + d, "TXT", "v=DMARC1; p=%s; rua=mailto:dmarc@%s"
                     % (self.policy_of[k], d))


class _Clock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


_W = None  # (World, per-message domain index list), set before the pool forks


def build_message(i):
    """Message i as an mbox entry (From_ line, mboxrd-quoted bytes) and its facts."""
    world, assign = _W
    rng = random.Random("gen-domains/%s/msg/%d" % (world.seed, i))
    k = assign[i]
    d = world.brands[k]
    now = START + int(SPAN * i / len(assign)) + rng.randrange(60)
    display, local = content.person(rng)
    user = "%s@recipient.example" % rng.choice(("archive", "alice", "bob", "carol", "dave"))
    fields = [
        "From: %s\n" % content.address(display, local, d),
        "To: %s\n" % user,
        "Subject: %s %d\n" % (rng.choice(("Invoice", "Your order", "Meeting notes", "Weekly news",
                                          "Re: question", "Welcome")), rng.randrange(100000)),
        "Date: %s\n" % content.rfc5322_date(now, rng),
        "Message-ID: <%x.%x@%s>\n" % (now, rng.getrandbits(48), d),
        "MIME-Version: 1.0\n",
        "Content-Type: text/plain; charset=utf-8\n",
    ]
    body = content.text_body(rng, content.lognormal_size(rng, 2500, 0.7, 200, 40000),
                             display or local, set())
    data = ("".join(fields) + "\n" + body).encode("utf-8")
    key = world.keys[world.key_of[k]]
    signer = dkim.DKIM(data, signature_algorithm=b"rsa-sha256", linesep=b"\n")
    dkim.time = _Clock(now)  # t= from the message's own time, so the bytes repeat
    try:
        sig = signer.sign(b"sel", d.encode(), key.private, canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=SIGNED)
    finally:
        dkim.time = time
    via_esp = rng.random() < ESP_SHARE
    if via_esp:
        j = world.esp_of[k]
        host = "o%d.%s" % (rng.randint(1, 4), esp_name(j))
        ip = ip_str(esp_block(j, 1)[1] + rng.randint(1, 126))
        mailfrom = "bounce-%x@%s" % (rng.getrandbits(32), d)
    else:
        host = "mail." + d
        ip = ip_str(brand_net(k)[1] + rng.randint(2, 14))
        mailfrom = "%s@%s" % (local, d)
    hop = now + rng.randint(1, 30)
    internal = content.received_internal(rng, "postfix", "mail." + d, mailfrom, user,
                                         content.rfc5322_date(now + 1, rng))
    boundary = content.received_boundary(rng, "postfix", "mx.recipient.example", host, host, ip,
                                         mailfrom, user, content.rfc5322_date(hop, rng, 0))
    head = "Return-Path: <%s>\n%s%s" % (mailfrom, boundary, internal)
    msg = head.encode() + sig + data
    t = time.gmtime(hop)
    sep = "From %s %s\n" % (mailfrom, time.strftime("%a %b %e %H:%M:%S %Y", t))
    entry = sep.encode() + mboxrd_quote(msg) + b"\n"
    return entry, {"index": i, "domain": d, "via": "esp" if via_esp else "direct",
                   "client_ip": ip}


def generate(out, n_domains, n_messages, seed, jobs=None, keys_dir=None):
    if not 1 <= n_domains <= MAX_DOMAINS:
        raise ValueError("--domains must be 1..%d (address plan)" % MAX_DOMAINS)
    global _W
    t0 = time.time()
    os.makedirs(out, exist_ok=True)
    keys_dir = keys_dir or os.path.join(out, "keys")
    ctx = multiprocessing.get_context("fork")
    jobs = jobs or os.cpu_count() or 2
    with ctx.Pool(jobs) as pool:
        pool_keys = pool.starmap(keys.make_key, [(seed, "pool%02d" % n, "rsa", 2048, keys_dir)
                                                 for n in range(N_KEYS)])
    t_keys = time.time() - t0
    world = World(n_domains, seed, pool_keys)
    rng = random.Random("gen-domains/%s/assign" % seed)
    # Every domain sends at least once (when there are enough messages); the rest at random.
    assign = list(range(n_domains))[:n_messages] + [rng.randrange(n_domains)
                                                    for _ in range(n_messages - n_domains)]
    rng.shuffle(assign)
    _W = (world, assign)

    header = ("; DNS for bench/gen-domains (seed %s, %d domains, %d messages).\n"
              "; Addresses are from the benchmarking range 198.18.0.0/15.\n"
              % (seed, n_domains, n_messages))
    zdir = os.path.join(out, "zones")
    shutil.rmtree(zdir, ignore_errors=True)
    os.makedirs(zdir)
    for apex in world.dns.zones:
        with open(os.path.join(zdir, apex + ".zone"), "w") as f:
            f.write(zonefile.master_file(world.dns, [apex], header=header))
    with open(os.path.join(out, "dns.zone.tmp"), "w") as f:
        f.write(zonefile.master_file(world.dns, header=header))
    with open(os.path.join(out, "domains.txt"), "w") as f:
        f.write("".join(d + "\n" for d in world.brands))
    with open(os.path.join(out, "esps.txt"), "w") as f:
        f.write("".join(esp_name(j) + "\n" for j in range(N_ESPS)))

    with open(os.path.join(out, "archive.mbox.tmp"), "wb") as mbox, \
            open(os.path.join(out, "messages.jsonl"), "w") as facts, ctx.Pool(jobs) as pool:
        for entry, fact in pool.imap(build_message, range(n_messages), chunksize=32):
            mbox.write(entry)
            facts.write(json.dumps(fact, separators=(",", ":")) + "\n")
    os.replace(os.path.join(out, "archive.mbox.tmp"), os.path.join(out, "archive.mbox"))
    # dns.zone last: its presence marks a finished corpus for corpus_dir().
    os.replace(os.path.join(out, "dns.zone.tmp"), os.path.join(out, "dns.zone"))
    print("gen-domains: %d messages from %d domains (%d zones, %d keys) in %.1fs (keys %.1fs)"
          " -> %s" % (n_messages, n_domains, len(world.dns.zones), len(pool_keys),
                      time.time() - t0, t_keys, out), file=sys.stderr)


def check_public_suffixes():
    """Each brand must be its own registrable domain to mailverify (libpsl): the TLDs used must
    be public suffixes. Returns the TLDs that are not (empty when all are, or libpsl is absent)."""
    from dns_delay_forwarder import Psl
    psl = Psl()
    if psl.ctx is None:
        print("gen-domains: libpsl not found; public suffixes not checked", file=sys.stderr)
        return []
    return [t for t in TLDS + ("net",) if not psl.is_public_suffix(t)
            or psl.registrable("x.brand0." + t) != "brand0." + t]


def corpus_dir(cache, n_domains, n_messages, seed):
    """Generates the corpus once under CACHE; later calls reuse it."""
    out = os.path.join(cache, "domains-%d-%d-s%d" % (n_domains, n_messages, seed))
    need = ["archive.mbox", "dns.zone", "domains.txt", "messages.jsonl", "zones"]
    if all(os.path.exists(os.path.join(out, n)) for n in need):
        return out
    print("generating %d messages from %d domains (seed %d) into %s ..."
          % (n_messages, n_domains, seed, out), file=sys.stderr, flush=True)
    generate(out, n_domains, n_messages, seed, keys_dir=os.path.join(cache, "domain-keys"))
    return out

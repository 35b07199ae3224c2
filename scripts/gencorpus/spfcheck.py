"""RFC 7208 check_host() over the generated DNS, for the mechanisms the generator publishes
(ip4, ip6, a, mx, include, redirect, all). It gives the expected SPF result of each message; the
corpus test cross-checks it with pyspf when python3-spf is installed.
"""

import ipaddress
import re

_MECH = re.compile(r"([A-Za-z][A-Za-z0-9]*)(.*)$")
QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}


class _Limits:
    def __init__(self):
        self.lookups = 0
        self.void = 0


class _PermError(Exception):
    pass


def _cidr(spec, default4, default6):
    """Splits 'domain/24//64' into (domain, 24, 64)."""
    c6 = default6
    if "//" in spec:
        spec, c6 = spec.split("//", 1)
        c6 = int(c6)
    c4 = default4
    if "/" in spec:
        spec, c4 = spec.split("/", 1)
        c4 = int(c4)
    return spec, c4, c6


def _addresses(dns, name, ip, limits):
    rtype = "A" if ip.version == 4 else "AAAA"
    status, vals = dns.lookup(name, rtype)
    if status != "ok":
        limits.void += 1
        if limits.void > 2:
            raise _PermError("void lookups")
    return [ipaddress.ip_address(v) for v in vals]


def _in(ip, addr, c4, c6):
    if ip.version != addr.version:
        return False
    plen = c4 if ip.version == 4 else c6
    return ip in ipaddress.ip_network("%s/%d" % (addr, plen), strict=False)


def _spf_record(dns, domain):
    status, vals = dns.lookup(domain, "TXT")
    recs = [v for v in vals if v == "v=spf1" or v.startswith("v=spf1 ")]
    if not recs:
        return None
    if len(recs) > 1:
        raise _PermError("multiple records")
    return recs[0]


def _check_host(dns, ip, domain, limits, depth):
    if depth > 10:
        raise _PermError("recursion")
    rec = _spf_record(dns, domain)
    if rec is None:
        return "none"
    terms = rec.split()[1:]
    redirect = None
    for term in terms:
        if term.startswith("redirect="):
            redirect = term[len("redirect="):]
            continue
        if "=" in term.split(":")[0]:
            continue  # exp= and unknown modifiers
        qual = "pass"
        if term[0] in QUALIFIERS:
            qual, term = QUALIFIERS[term[0]], term[1:]
        m = _MECH.match(term)
        if not m:
            raise _PermError("bad term %s" % term)
        mech, arg = m.group(1).lower(), m.group(2)
        matched = False
        if mech == "all":
            matched = True
        elif mech in ("ip4", "ip6"):
            net = ipaddress.ip_network(arg[1:], strict=False)
            matched = ip.version == net.version and ip in net
        elif mech in ("a", "mx"):
            limits.lookups += 1
            if limits.lookups > 10:
                raise _PermError("too many lookups")
            spec = arg[1:] if arg.startswith(":") else domain + arg
            name, c4, c6 = _cidr(spec, 32, 128)
            if mech == "a":
                matched = any(_in(ip, a, c4, c6) for a in _addresses(dns, name, ip, limits))
            else:
                status, mxs = dns.lookup(name, "MX")
                if status != "ok":
                    limits.void += 1
                for _, host in mxs[:10]:
                    if any(_in(ip, a, c4, c6) for a in _addresses(dns, host, ip, limits)):
                        matched = True
                        break
        elif mech == "include":
            limits.lookups += 1
            if limits.lookups > 10:
                raise _PermError("too many lookups")
            res = _check_host(dns, ip, arg[1:], limits, depth + 1)
            if res in ("none", "permerror"):
                raise _PermError("include of %s gave %s" % (arg, res))
            matched = res == "pass"
        else:
            raise _PermError("unknown mechanism %s" % mech)
        if matched:
            return qual
    if redirect is not None:
        limits.lookups += 1
        if limits.lookups > 10:
            raise _PermError("too many lookups")
        res = _check_host(dns, ip, redirect, limits, depth + 1)
        if res == "none":
            raise _PermError("redirect to %s without record" % redirect)
        return res
    return "neutral"


def check_host(dns, ip_text, domain):
    """Returns none|neutral|pass|fail|softfail|permerror for a client IP and MAIL FROM domain."""
    try:
        return _check_host(dns, ipaddress.ip_address(ip_text), domain.lower(), _Limits(), 0)
    except _PermError:
        return "permerror"

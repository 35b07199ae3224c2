"""RFC 1035 master-file text for the generated DNS: absolute owner names, $TTL, one SOA per zone.

TXT values longer than 255 octets are split into several character-strings, as a 4096-bit DKIM key
must be; resolvers join them back without separators (RFC 7208 3.3, RFC 6376 3.6.2.2).
"""


def _quote_txt(value):
    data = value.encode("ascii")
    chunks = [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]
    out = []
    for c in chunks:
        s = c.decode().replace("\\", "\\\\").replace('"', '\\"')
        out.append('"%s"' % s)
    return " ".join(out)


def _rdata(rtype, value):
    if rtype == "SOA":
        mname, rname, serial, refresh, retry, expire, minimum = value
        return "%s. %s. %d %d %d %d %d" % (mname, rname, serial, refresh, retry, expire, minimum)
    if rtype in ("NS", "CNAME"):
        return value + "."
    if rtype == "MX":
        return "%d %s." % (value[0], value[1])
    if rtype == "TXT":
        return _quote_txt(value)
    return value  # A, AAAA


def zone_text(dns, apex):
    lines = ["; zone %s" % apex]
    for owner, rtype, ttl, value in dns.zones[apex]:
        lines.append("%s.\t%d\tIN\t%s\t%s" % (owner, ttl, rtype, _rdata(rtype, value)))
    return "\n".join(lines) + "\n"


def master_file(dns, apexes=None, header=""):
    parts = [header, "$TTL %d\n" % dns.default_ttl]
    for apex in apexes or list(dns.zones):
        parts.append("\n" + zone_text(dns, apex))
    return "".join(parts)

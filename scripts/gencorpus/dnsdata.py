"""The generated DNS: records per owner name, grouped into one zone per registrable domain.

Both the zone files and the generator's own SPF/DMARC/DKIM expectations read this one store, so the
expectations describe exactly what a server loaded with the zone files answers.
"""


class DnsData:
    def __init__(self, default_ttl=3600):
        self.default_ttl = default_ttl
        self.zones = {}  # apex -> insertion-ordered list of (owner, type, ttl, value)
        self._by_name = {}  # (owner, type) -> list of values
        self._names, self._names_len = None, 0  # every existing name, rebuilt when records change

    def add_zone(self, apex, serial):
        assert apex not in self.zones, apex
        self.zones[apex] = []
        soa = ("ns1.%s" % apex, "hostmaster.%s" % apex, serial, 7200, 3600, 1209600, 300)
        self.add(apex, "SOA", soa)
        self.add(apex, "NS", "ns1.%s" % apex)
        self.add(apex, "NS", "ns2.%s" % apex)
        self.add("ns1.%s" % apex, "A", "192.0.2.53")
        self.add("ns2.%s" % apex, "A", "198.51.100.53")

    def apex_of(self, name):
        labels = name.split(".")
        for i in range(len(labels)):
            cand = ".".join(labels[i:])
            if cand in self.zones:
                return cand
        return None

    def add(self, owner, rtype, value, ttl=None):
        owner = owner.lower()
        apex = self.apex_of(owner)
        assert apex is not None, "no zone for %s" % owner
        self.zones[apex].append((owner, rtype, ttl or self.default_ttl, value))
        self._by_name.setdefault((owner, rtype), []).append(value)

    def lookup(self, name, rtype):
        """Returns (status, values) with status 'ok', 'nodata' or 'nxdomain'; follows CNAMEs."""
        name = name.lower().rstrip(".")
        for _ in range(8):
            vals = self._by_name.get((name, rtype))
            if vals:
                return "ok", list(vals)
            cname = self._by_name.get((name, "CNAME"))
            if cname:
                name = cname[0]
                continue
            break
        return ("nodata" if self._name_exists(name) else "nxdomain"), []

    def _name_exists(self, name):
        if self._names is None or self._names_len != len(self._by_name):
            self._names = set()
            for owner, _ in self._by_name:
                # Empty non-terminals exist too (RFC 8020): every ancestor inside the zone.
                labels = owner.split(".")
                for i in range(len(labels)):
                    self._names.add(".".join(labels[i:]))
            self._names_len = len(self._by_name)
        return name in self._names

#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/<target>/seed-*) from the shipped corpus
and hand-written edge cases. Run it again after changing the corpus; the seeds are small files."""
import gzip
import os
import re
import struct

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
mbox = open(os.path.join(root, "corpus/sample.mbox"), "rb").read()
zone = open(os.path.join(root, "corpus/sample.zone"), "rb").read()
messages = [b"From " + m for m in mbox.split(b"\nFrom ")[:3]]
messages[0] = messages[0][len(b"From "):]
# libFuzzer mutates inputs of a few KB best: keep the headers and the start of each body.
messages = [m[:m.find(b"\n\n") + 400].rsplit(b"\n", 1)[0] + b"\n\n" for m in messages]


def write(target, seeds):
    d = os.path.join(here, target)
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(s)


def strip_from(m):
    return m.split(b"\n", 1)[1]


one = strip_from(messages[0])
headers = one.split(b"\n\n", 1)[0]
fields = re.split(rb"\n(?=[^ \t])", headers)
sigs = [f.split(b":", 1)[1] for f in fields if f.lower().startswith(b"dkim-signature:")]
received = [f.split(b":", 1)[1] for f in fields if f.lower().startswith(b"received:")]
txt = re.findall(rb'TXT\t"(.*)"', zone)
keys = [t.replace(b'" "', b"") for t in txt if t.startswith(b"v=DKIM1")][:3]
spf = [t for t in txt if t.startswith(b"v=spf1")][:3]
dmarc = [t for t in txt if t.startswith(b"v=DMARC1")][:3]

# Knob byte first for the targets that take one (see fuzz_input.h).
write("mbox_split", [bytes([k]) + b"".join(messages) for k in (0, 0x1d, 0x22, 0x03)] +
      [b"\x00From a\n\nFrom b\n>From c\n\nFrom d\nContent-Length: 3\n\nabc\nFrom e\n\n"])
write("maildir_file", [one, b"From x@y Mon Jan 1 00:00:00 2024\n" + one, gzip.compress(one),
                       gzip.compress(one)[:-20]])
# Apple Mail: whole .emlx files (count line, message, plist) and a .partial.emlx part layout.
emlx_dir = os.path.join(root, "tests/archive/samples/emlx")
plain_emlx = open(os.path.join(emlx_dir, "mikez-emlx__plaintext.emlx"), "rb").read()
write("emlx_plist", [plain_emlx, plain_emlx[plain_emlx.find(b"<?xml"):],
                     b"12\nA: b\n\n<?xml v?><plist><dict><key>date-received</key><date>"
                     b"2020-02-06T13:39:55Z</date><key>l</key><array><dict/></array></dict></plist>",
                     b"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/"
                     b"alternative; boundary=\"i\"\n\n--i\nContent-Transfer-Encoding: base64\n"
                     b"X-Apple-Content-Length: 4\n\n\n--i--\n--o\nX-Apple-Content-Length: 1\n\n\n--o--\n"])
# Store fields: Thunderbird's X-Mozilla-* (modern, first; Netscape, last), Takeout's X-GM-*, and
# bodies with quoted and unquoted "From " lines for the mbox readings.
write("store_fields", [b"X-Mozilla-Status: 0409\nX-Mozilla-Status2: 00200000\nX-Mozilla-Keys: "
                       b"$label1 work     \n" + one,
                       b"X-GM-THRID: 1\nX-Gmail-Labels: Inbox,\"a, b\"\n" + one +
                       b"From x\n>From y\n>>From z\n>From \n",
                       headers + b"\nX-Mozilla-Status: 1007\n\n>From a\r\nFrom b\r\n"])
# IMAP mailbox names: RFC 3501's example, "&-", a surrogate pair, and the same text in UTF-8.
write("mailbox_name", [b"~peter/mail/&ZeVnLIqe-/&U,BTFw-", b"Tom &- Jerry", b"&2D3eAA-",
                       "Entw\u00fcrfe/\u65e5\u672c\u8a9e".encode()])
# MH sequences: nmh's layout, continuation lines, empty and malformed entries, huge ranges.
write("mh_sequences", [b"unseen: 1-3 7 12-15\ncur: 9\n",
                       b"urgent: 2 4\n  6-8\n\ttodo-ish 10\nempty:\n: 5\n"
                       b"bad: 0 3-1 x-4 18446744073709551615 18446744073709551616\n",
                       b"unseen: 1-18446744073709551615\r\ncur:1\r\n"])
write("header_index", [one, one.replace(b"\n", b"\r\n"), b"A: b\n c\n\nbody", b"bad line\nX:\n"])
write("dkim_signature", sigs + [b" v=1; a=ed25519-sha256; d=x; s=y; h=from; bh=; b=; l=5; z=a=3D|b"])
write("dkim_key", keys + [b"v=DKIM1; k=rsa; t=y:s; h=sha256; s=email; p="])
write("canonicalization", [bytes([1, 7]) + one, bytes([0, 3]) + one,
                           bytes([3, 1]) + b" a  b \t\r\n\r\n \r\nc\r\n\r\n"])
write("spf_record", spf + [b"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:%{d}/24//64 "
                           b"include:_spf.%{o} exists:%{ir}.%{l1r-}.e redirect=x exp=y -all"])
write("spf_macro", [b"\x00%{ir}.%{v}._spf.%{d2}", b"\x03%{c} %% %_ %-%{t}", b"\x04%{L2r.-}",
                    b"\x01%{i}.%{h}.%{r}.%{p}"])
write("dmarc_record", dmarc + [b"v=DMARC1; p=reject; sp=none; np=quarantine; adkim=s; aspf=r; "
                               b"pct=50; rua=mailto:a@b!10m; ruf=mailto:c@d; fo=1:d; rf=afrf; ri=3600"])
write("received", received + [b"from a.example (b.example [192.0.2.1] helo=c) by mx.example "
                              b"with ESMTPS id x; Mon, 1 Jan 2024 00:00:00 +0000\n*.mx.example\n"
                              b"in.mx.example"])


def name(n):
    return b"".join(bytes([len(p)]) + p for p in n.encode().split(b".")) + b"\0"


def response(rrs, qtype=16, rcode=0, flags=0x8180, qdname="example.com"):
    head = struct.pack("!HHHHHH", 0x1234, flags | rcode, 1, len(rrs), 0, 0)
    q = name(qdname) + struct.pack("!HH", qtype, 1)
    body = b""
    for owner, t, rdata in rrs:
        body += owner + struct.pack("!HHIH", t, 1, 300, len(rdata)) + rdata
    return head + q + body


ptr = b"\xc0\x0c"  # compression pointer to the question name
write("dns_response", [
    b"\x00" + response([(ptr, 16, b"\x0bv=spf1 -all\x03two")]),
    b"\x01" + response([(ptr, 1, bytes([192, 0, 2, 1]))], qtype=1),
    b"\x03" + response([(ptr, 15, b"\x00\x0a" + name("mx.example.com"))], qtype=15),
    b"\x00" + response([(ptr, 5, name("target.example.net")),
                        (name("target.example.net"), 16, b"\x02ok")]),
    b"\x00" + response([], rcode=3),
    b"\x00" + response([(ptr, 16, b"\x05loop\xc0\x0c")]),
])
write("zone_loader", [zone[:4000], b"$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns h 1 2 3 4 5\n"
                      b"@ TXT (\"a\" \"b\")\nwww CNAME @\nmx MX 10 mx2\n_d TXT \"v=DMARC1; p=none\"\n"])

# imap_response: one chunk-size byte, then a server's byte stream (what a scan's session reads).
imap_fetch = b"* 1 FETCH (UID 7 RFC822.SIZE %d INTERNALDATE \"07-Dec-2026 06:41:26 +0000\" " \
             b"FLAGS (\\Seen \\Flagged) BODY[] {%d}\r\n%s)\r\n"
imap_body = messages[0].replace(b"\n", b"\r\n")[:600]
write("imap_response", [
    b"\x00" + imap_fetch % (len(imap_body), len(imap_body), imap_body) + b"mv3 OK done\r\n",
    b"\x05* FLAGS (\\Answered \\Seen)\r\n* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n"
    b"* 3 EXISTS\r\n* OK [UIDVALIDITY 1796625686] UIDs valid\r\nmv1 OK [READ-ONLY] done\r\n",
    b"\x02* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\n* LIST (\\Noselect) NIL {3}\r\na b\r\n"
    b"* 2 FETCH (UID 9 BODY[] \"q\\\"x\" MODSEQ (5))\r\nmv2 NO [NONEXISTENT] no\r\n",
])

"""Message content: addresses with display names (some as RFC 2047 encoded words), Received lines
in Postfix, Exim, Gmail, Exchange and ESP styles, and MIME bodies of realistic sizes.

All functions take the message's own random.Random and return text with LF line endings.
"""

import base64
import email.utils
import math
import quopri

from . import names


def encoded_word(text, charset, rng):
    raw = text.encode(charset)
    if charset == "iso-8859-1" or rng.random() < 0.4:
        q = []
        for b in raw:
            c = chr(b)
            if c == " ":
                q.append("_")
            elif c.isalnum() and b < 128:
                q.append(c)
            else:
                q.append("=%02X" % b)
        return "=?%s?Q?%s?=" % (charset.upper(), "".join(q))
    return "=?%s?B?%s?=" % (charset.upper(), base64.b64encode(raw).decode())


def person(rng):
    """Returns (display name as written in a header, local part)."""
    first, last = rng.choice(names.FIRST), rng.choice(names.LAST)
    local = rng.choice(("%s.%s", "%s%s", "%s_%s")) % (first, last)
    r = rng.random()
    if r < 0.18:
        text, charset = rng.choice(names.INTL_NAMES)
        return encoded_word(text, charset, rng), local
    if r < 0.28:
        return "", local
    if r < 0.38:
        return '"%s, %s"' % (last.capitalize(), first.capitalize()), local
    return "%s %s" % (first.capitalize(), last.capitalize()), local


def address(display, local, domain):
    if not display:
        return "%s@%s" % (local, domain)
    return "%s <%s@%s>" % (display, local, domain)


def rfc5322_date(ts, rng, tz_minutes=None):
    if tz_minutes is None:
        tz_minutes = rng.choice((0, 0, 60, 120, -300, -240, -420, 330, 540, 600, -180))
    import datetime

    tz = datetime.timezone(datetime.timedelta(minutes=tz_minutes))
    return email.utils.format_datetime(datetime.datetime.fromtimestamp(ts, tz))


def queue_id(rng, style):
    if style == "postfix":
        return "%X" % rng.getrandbits(rng.choice((40, 44, 48)))
    if style == "exim":
        alpha = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return "%s-%s-%s" % ("".join(rng.choice(alpha) for _ in range(6)),
                             "".join(rng.choice(alpha) for _ in range(6)),
                             "".join(rng.choice(alpha) for _ in range(2)))
    return "%s.%d" % ("".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                              for _ in range(12)), rng.randint(1, 99))


def _bracket(ip, style):
    if ":" in ip and style == "postfix":
        return "[IPv6:%s]" % ip
    return "[%s]" % ip


def received_boundary(rng, style, by, helo, rdns, ip, mailfrom, rcpt, date):
    """The hop where the recipient's MX accepted the message from the sending client."""
    if style == "exim":
        src = "%s (%s helo=%s)" % (rdns, _bracket(ip, style), helo) if rdns else \
            "%s (helo=%s)" % (_bracket(ip, style), helo)
        return ("Received: from %s\n\tby %s with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n"
                "\t(Exim 4.96)\n\t(envelope-from <%s>)\n\tid %s\n\tfor %s;\n\t%s\n"
                % (src, by, mailfrom, queue_id(rng, "exim"), rcpt, date))
    if style == "gmail":
        name = rdns or helo
        return ("Received: from %s (%s. %s)\n        by %s with ESMTPS id %s\n"
                "        for <%s>\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 "
                "bits=256/256);\n        %s\n" % (name, name, _bracket(ip, style), by,
                                                   queue_id(rng, "gmail"), rcpt, date))
    tls = ""
    if rng.random() < 0.6:
        tls = ("\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n"
               "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)"
               "\n\t(No client certificate requested)")
    return ("Received: from %s (%s %s)%s\n\tby %s (Postfix) with ESMTP%s id %s\n\tfor <%s>; %s\n"
            % (helo, rdns or "unknown", _bracket(ip, style), tls, by, "S" if tls else "",
               queue_id(rng, "postfix"), rcpt, date))


def received_internal(rng, style, host, user_addr, rcpt, date):
    """A hop inside the sending organisation (submission, content filter, relay)."""
    if style == "gmail":
        return ("Received: by 2002:a05:6402:%x:b0:%x:%x:%x with SMTP id %s;\n        %s\n"
                % (rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(16),
                   rng.getrandbits(16), queue_id(rng, "gmail"), date))
    if style == "exim":
        return ("Received: from [10.%d.%d.%d] (helo=[127.0.0.1])\n\tby %s with esmtpsa  (TLS1.3)"
                " tls TLS_AES_128_GCM_SHA256\n\t(Exim 4.96)\n\t(envelope-from <%s>)\n\tid %s;"
                "\n\t%s\n" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254),
                             host, user_addr, queue_id(rng, "exim"), date))
    if style == "exchange":
        a = "AM%dPR%02dMB%04d.eurprd%02d.prod.outlook.com" % (
            rng.randint(0, 9), rng.randint(1, 9), rng.randint(1000, 9999), rng.randint(1, 9))
        return ("Received: from %s ([fe80::%x:%x:%x:%x]) by %s\n ([fe80::%x:%x:%x:%x%%%d]) with "
                "mapi id 15.20.%d.%03d; %s\n" % (
                    a, *(rng.getrandbits(16) for _ in range(4)), a,
                    *(rng.getrandbits(16) for _ in range(4)), rng.randint(2, 9),
                    rng.randint(5000, 8000), rng.randint(0, 40), date))
    if style == "esp":
        return ("Received: from app-worker-%d (unknown [10.%d.%d.%d])\n\tby %s (ESP-MTA) with "
                "HTTP id %s;\n\t%s\n" % (rng.randint(1, 40), rng.randint(0, 9),
                                         rng.randint(0, 255), rng.randint(1, 254), host,
                                         queue_id(rng, "gmail"), date))
    r = rng.random()
    if r < 0.4:
        return ("Received: from localhost (localhost [127.0.0.1])\n\tby %s (Postfix) with ESMTP "
                "id %s\n\tfor <%s>; %s\n" % (host, queue_id(rng, "postfix"), rcpt, date))
    if r < 0.8:
        ip = "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        return ("Received: from [%s] (unknown [%s])\n\t(Authenticated sender: %s)\n\tby %s "
                "(Postfix) with ESMTPSA id %s;\n\t%s\n" % (ip, ip, user_addr, host,
                                                           queue_id(rng, "postfix"), date))
    return ("Received: by %s (Postfix, from userid %d)\n\tid %s; %s\n"
            % (host, rng.choice((0, 33, 1000, 1001)), queue_id(rng, "postfix"), date))


# ---- bodies ------------------------------------------------------------------------------

def _sentence(rng):
    n = rng.randint(5, 18)
    words = [rng.choice(names.WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice((".", ".", ".", "?", "!"))


def _wrap(text, width=72):
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return lines


def text_body(rng, target, signer_name, special):
    """Plain text of about target bytes; special may ask for 'From ' or '>From ' lines."""
    out = [rng.choice(("Hello,", "Hi all,", "Dear customer,", "Good morning,", "Hi %s," %
                       rng.choice(names.FIRST).capitalize())), ""]
    size = 0
    while size < target:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        if rng.random() < 0.15:
            para += " See https://www.%s/%s/%d for details." % (
                rng.choice(("example.com", "example.org")), rng.choice(names.WORDS),
                rng.randint(1, 9999))
        lines = _wrap(para)
        out.extend(lines)
        out.append("")
        size += sum(len(x) + 1 for x in lines) + 1
    if "from" in special:
        # An unquoted body line beginning "From " must be quoted in an mbox (mboxrd: ">From ").
        pos = rng.randint(2, max(2, len(out) - 1))
        out.insert(pos, "From %s" % rng.choice(("the desk of %s:" % signer_name,
                                                 "now on, please use the new portal.",
                                                 "my point of view this looks fine.")))
    if ">from" in special:
        out.append("> On a previous day someone wrote:")
        out.append(">From the archive: this line was already quoted once.")
        out.append(">")
    out.append("-- ")
    out.append(signer_name)
    return "\n".join(out) + "\n"


def html_body(rng, text):
    paras = [p for p in text.split("\n\n") if p.strip()]
    inner = "\n".join("<p>%s</p>" % p.replace("\n", " ").replace("&", "&amp;")
                      .replace("<", "&lt;") for p in paras)
    html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>body{font-family:"
            "Arial,sans-serif;color:#333333;} p{margin:0 0 12px 0;}</style></head>\n"
            "<body><table width=\"100%%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td>\n%s\n"
            "</td></tr></table></body></html>\n" % inner)
    return html


def qp(text):
    return quopri.encodestring(text.encode("utf-8")).decode("ascii").replace("\r\n", "\n")


def b64_lines(data):
    enc = base64.b64encode(data).decode("ascii")
    return "\n".join(enc[i : i + 76] for i in range(0, len(enc), 76)) + "\n"


def lognormal_size(rng, median, sigma, lo, hi):
    return int(max(lo, min(hi, median * math.exp(rng.gauss(0, sigma)))))


def boundary(rng, style):
    if style == "gmail":
        return "000000000000%012x" % rng.getrandbits(48)
    return "----=_Part_%d_%d.%d" % (rng.randint(1, 99999), rng.getrandbits(30),
                                    rng.randint(10**12, 10**13 - 1))


def mime_body(rng, text, newsletter, attachments, style, date_year):
    """Returns (content-type header value, transfer-encoding or None, body text)."""
    parts_text = ("text/plain; charset=utf-8", "quoted-printable" if newsletter else "7bit",
                  qp(text) if newsletter else text)
    if newsletter:
        b = boundary(rng, style)
        alt = ("--%s\nContent-Type: %s\nContent-Transfer-Encoding: %s\n\n%s\n--%s\n"
               "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: "
               "quoted-printable\n\n%s\n--%s--\n" % (b, parts_text[0], parts_text[1],
                                                     parts_text[2], b, qp(html_body(rng, text)),
                                                     b))
        first = ('multipart/alternative; boundary="%s"' % b, None, alt)
    else:
        first = parts_text
    if not attachments:
        return first
    b = boundary(rng, style)
    out = ["This is a multi-part message in MIME format.\n", "--%s\n" % b,
           "Content-Type: %s\n" % first[0]]
    if first[1]:
        out.append("Content-Transfer-Encoding: %s\n" % first[1])
    out.append("\n" + first[2] + "\n")
    for ctype, name, size in attachments:
        fname = name.format(y=date_year, q=rng.randint(1, 4), n=rng.randint(1000, 9999))
        out.append("--%s\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; "
                   "filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n" % (b, ctype, fname,
                                                                              fname))
        out.append(b64_lines(rng.randbytes(size)))
    out.append("--%s--\n" % b)
    return 'multipart/mixed; boundary="%s"' % b, None, "".join(out)

"""Runs dkimpy's verifier on one DKIM-Signature of a message and names the outcome in the
corpus's words: pass; fail with body-hash-mismatch or signature-mismatch; permerror with
key-revoked or key-not-found (RFC 8601 permerror: no usable key, so no signature was checked). The
generator uses it on a sample; tests/corpus uses it on every signature.
"""

import logging

import dkim


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def verify_signature(message, idx, txt_lookup):
    """txt_lookup(name without trailing dot) -> joined TXT string or None (after CNAMEs).

    Returns (result, reason).
    """
    seen = {}

    def dnsfunc(name, timeout=5):
        qname = name.decode() if isinstance(name, bytes) else name
        value = txt_lookup(qname.rstrip(".").lower())
        seen["txt"] = value
        return value.encode() if value is not None else None

    logger = logging.getLogger("gencorpus.dkimcheck")
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    capture = _Capture()
    logger.handlers = [capture]
    verifier = dkim.DKIM(message, logger=logger, minkey=1024)
    try:
        ok = verifier.verify(idx=idx, dnsfunc=dnsfunc)
    except dkim.ValidationError as e:
        if "body hash mismatch" in str(e):
            return "fail", "body-hash-mismatch"
        return "fail", "invalid: %s" % e
    except dkim.DKIMException as e:
        return "fail", "error: %s" % e
    if ok:
        return "pass", None
    text = " ".join(capture.messages)
    if "missing public key" in text:
        return "permerror", "key-not-found"
    txt = seen.get("txt") or ""
    tags = dict(t.strip().split("=", 1) for t in txt.split(";") if "=" in t)
    if "p" in tags and tags["p"].strip() == "" and text:
        return "permerror", "key-revoked"
    if not text:
        return "fail", "signature-mismatch"
    return "fail", "error: %s" % text

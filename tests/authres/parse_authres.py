# Parses Authentication-Results header fields with Debian's python3-authres (an independent RFC 8601
# parser) and prints, for each file named on the command line, one compact JSON line:
# {"authserv_id":..., "results":[{"method","result","reason","properties":[[ptype,property,value]]}]}
# or {"error": "..."} when the field does not parse. Run with /usr/bin/python3.
import json
import re
import sys

import authres


def unquote(value):
    # python3-authres returns a quoted-string's content with its quoted-pairs still escaped; RFC 5322
    # 3.2.1 says "\\x" stands for "x". Only quoted strings can hold a backslash in these fields.
    return None if value is None else re.sub(r"\\(.)", r"\1", value)


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        field = f.read()
    # The parser expects an unfolded value (RFC 5322 2.2.3 unfolding: drop CRLF before WSP).
    field = field.replace("\r\n", "").replace("\n", "")
    try:
        h = authres.AuthenticationResultsHeader.parse(field)
        out = {"authserv_id": h.authserv_id, "results": []}
        for r in h.results:
            out["results"].append({
                "method": r.method,
                "result": r.result,
                "reason": unquote(r.reason),
                "properties": [[p.type, p.name, unquote(p.value)] for p in r.properties],
            })
    except Exception as e:  # report any parser failure as data, the C++ side asserts on it
        out = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(out, ensure_ascii=False, separators=(",", ":")))

#!/usr/bin/python3
"""End-to-end conformance: runs one public suite through the built `mailverify scan` and reports
every case that differs from the suite's expected result (see common.py).

Usage: run.py MAILVERIFY TESTS_DIR SUITE
  SUITE: openspf | spf-limits | arc | dkim | dmarc
TESTS_DIR is the repository's tests/ folder (the copied suites are under conformance/).
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import common  # noqa: E402
import schema_check  # noqa: E402

# Every record of every suite must match docs/schema/record.schema.json.
common.scan = schema_check.validating(common.scan)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    mailverify, tests_dir, suite = sys.argv[1:4]
    data = os.path.join(tests_dir, "conformance")
    with tempfile.TemporaryDirectory(prefix="mv-conformance-") as tmp:
        if suite == "openspf":
            import openspf
            return openspf.run(mailverify, data, tmp)
        if suite == "spf-limits":
            import openspf
            return openspf.run(mailverify, tests_dir, tmp, path="spf/cases/limits.yml",
                               expected_total=None, name="SPF limit cases")
        if suite == "arc":
            import arc
            return arc.run(mailverify, data, tmp)
        if suite == "dkim":
            import dkim_corpora  # not "dkim": that is python3-dkim, the signer dmarc.py uses
            return dkim_corpora.run(mailverify, data, tmp)
        if suite == "dmarc":
            import dmarc
            return dmarc.run(mailverify, tests_dir, tmp)
    sys.exit("unknown suite " + suite)


if __name__ == "__main__":
    sys.exit(main())

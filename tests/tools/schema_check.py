"""Validates mailverify's outputs against the published JSON Schemas (docs/schema/) with an
independent validator (Debian python3-jsonschema, Draft 2020-12, with format checking), so that a
record the code writes and the schema a consumer reads cannot drift apart unnoticed.

Used by the end-to-end tests on the outputs they already produce (one import, one call), and from
the command line:

    schema_check.py record  RESULTS.jsonl...   every line a record (scan output, a shard part)
    schema_check.py manifest MANIFEST.json     the evidence run manifest
    schema_check.py plan PLAN.json             a scale-out plan
    schema_check.py done SHARD.done...         scale-out done-records

A failure names the file, the line, the JSON path inside the record and what is wrong; the
process exits 1.
"""

import datetime
import functools
import json
import os
import re
import sys

import jsonschema

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "schema")
SCHEMAS = {
    "record": "record.schema.json",
    "manifest": "manifest.schema.json",
    "plan": "plan.schema.json",
    "done": "done.schema.json",
}

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class SchemaError(Exception):
    pass


def _format_checker():
    # jsonschema checks date-time only with an optional package Debian 12 does not ship: check
    # RFC 3339 here, by pattern and by the calendar.
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value):
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            raise ValueError("not an RFC 3339 date-time")
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    return checker


@functools.lru_cache(maxsize=None)
def validator(kind):
    with open(os.path.join(SCHEMA_DIR, SCHEMAS[kind]), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=_format_checker())


def problems(kind, document):
    """Every way `document` breaks schema `kind`, as readable strings ([] when valid)."""
    out = []
    for e in sorted(validator(kind).iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
        out.append(f"{where or '(record)'}: {e.message}")
    return out


def check_document(kind, document, where="document"):
    found = problems(kind, document)
    if found:
        raise SchemaError(f"{where} does not match {SCHEMAS[kind]}:\n  " + "\n  ".join(found[:10]))


def check_records(lines, where="records", limit=None):
    """Validates JSON Lines text (a str, bytes, or an iterable of lines); returns the record count.
    With `limit`, an output of more records is sampled: the first and last limit/4 records and
    limit/2 spread evenly between them (100,000 records of one shape take a minute to validate
    and find nothing more than a sample does). Every line is still parsed as JSON."""
    if isinstance(lines, (bytes, str)):
        text = lines.decode("utf-8") if isinstance(lines, bytes) else lines
        lines = text.splitlines()
    lines = [line for line in lines if line.strip()]
    n = len(lines)
    stride, edge = 1, n
    if limit is not None and n > limit:
        edge, stride = limit // 4, max(1, n // (limit // 2))
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except ValueError as e:
            raise SchemaError(f"{where}:{number}: not JSON: {e}") from None
        if number <= edge or number > n - edge or number % stride == 0:
            check_document("record", record, f"{where}:{number}")
    return n


def validating(scan):
    """Wraps a function returning a list of parsed records (a test driver's `scan`) so that every
    record it returns is validated first."""

    @functools.wraps(scan)
    def checked(*args, **kwargs):
        records = scan(*args, **kwargs)
        what = f"{scan.__name__} of {args[1]}" if len(args) > 1 else scan.__name__
        for n, record in enumerate(records):
            check_document("record", record, f"{what}, record {n}")
        return records

    return checked


def check_records_file(path, limit=None):
    with open(path, encoding="utf-8") as f:
        return check_records(f, path, limit)


def check_file(kind, path):
    """Validates one file: JSON Lines for `record`, one JSON document otherwise."""
    if kind == "record":
        return check_records_file(path)
    with open(path, encoding="utf-8") as f:
        check_document(kind, json.load(f), path)
    return 1


def main(argv):
    if len(argv) < 3 or argv[1] not in SCHEMAS:
        sys.exit(__doc__)
    try:
        total = sum(check_file(argv[1], path) for path in argv[2:])
    except SchemaError as e:
        sys.exit(f"FAIL: {e}")
    print(f"schema_check: {total} {argv[1]} document(s) valid")


if __name__ == "__main__":
    main(sys.argv)

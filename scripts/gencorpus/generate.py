"""Drives a corpus run: builds the world, makes its keys, composes the messages on a process pool
(each message depends only on the seed and its index, so the pool cannot change the output) and
writes the mbox, Maildir, zone files and expected.jsonl.
"""

import json
import multiprocessing
import os
import shutil
import sys
import time

from . import dkimcheck, keys, zonefile
from .compose import Composer
from .world import World

_COMPOSER = None  # set in the parent before the pool forks


def _make_key(job):
    seed, key_id, algo, bits, cache = job
    return key_id, keys.make_key(seed, key_id, algo, bits, cache)


def _compose(i):
    data, envelope, expected = _COMPOSER.build(i)
    problems = []
    if _COMPOSER.check_every and (i % _COMPOSER.check_every == 0 or
                                  any(s["result"] != "pass" for s in expected["dkim"])):
        dns = _COMPOSER.world.dns

        def txt(name):
            status, vals = dns.lookup(name, "TXT")
            return vals[0] if vals else None

        for sig in expected["dkim"]:
            got = dkimcheck.verify_signature(data, sig["header_index"], txt)
            if got != (sig["result"], sig["reason"]):
                problems.append("message %d signature %d: expected %s/%s, dkimpy says %s/%s" % (
                    i, sig["header_index"], sig["result"], sig["reason"], got[0], got[1]))
    return data, envelope, expected, problems


def mboxrd_quote(data):
    """mboxrd: every line that matches ^>*From  gains one more '>'."""
    out = []
    for line in data.split(b"\n"):
        stripped = line.lstrip(b">")
        if stripped.startswith(b"From "):
            line = b">" + line
        out.append(line)
    return b"\n".join(out)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _from_line(envelope):
    """The mbox separator line: envelope sender and delivery time in asctime() form (UTC)."""
    t = time.gmtime(envelope["delivered"])
    return "From %s %s %s %2d %02d:%02d:%02d %d\n" % (
        envelope["mail_from"], _DAYS[t.tm_wday], _MONTHS[t.tm_mon - 1], t.tm_mday, t.tm_hour,
        t.tm_min, t.tm_sec, t.tm_year)


def _maildir_name(i, envelope, size):
    base = "%d.M%dP%dQ%d.corpus.mailverify.test,S=%d" % (
        envelope["delivered"], (i * 7919) % 1000000, 1000 + (i * 31) % 30000, i + 1, size)
    if i % 17 == 16:
        return "new", base
    flags = "RS" if i % 5 == 0 else "FS" if i % 23 == 0 else "S"
    return "cur", base + ":2," + flags


def run(opts):
    global _COMPOSER
    t0 = time.time()
    os.makedirs(opts.out, exist_ok=True)
    world = World(opts.seed, opts.messages)
    cache = opts.keys_dir if opts.keys_dir is not None else os.path.join(opts.out, "keys")
    jobs = sorted(((opts.seed, kid, a, b, cache) for kid, (a, b) in world.key_specs.items()),
                  key=lambda j: (-j[3] if j[2] == "rsa" else 0, j[1]))
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(opts.jobs) as pool:
        for key_id, key in pool.imap_unordered(_make_key, jobs):
            world.keys[key_id] = key
    world.publish_keys()
    t_keys = time.time() - t0

    composer = Composer(world, opts.messages, opts.max_attachment * 1000)
    composer.check_every = opts.check_every
    _COMPOSER = composer
    formats = set(opts.format.split(","))
    mbox_path = os.path.join(opts.out, opts.mbox_name)
    mbox = open(mbox_path + ".tmp", "wb") if "mbox" in formats else None
    maildir = os.path.join(opts.out, "Maildir")
    if "maildir" in formats:
        shutil.rmtree(maildir, ignore_errors=True)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(maildir, sub))
    expected_path = os.path.join(opts.out, "expected.jsonl")
    problems = []
    with open(expected_path + ".tmp", "w") as exp, ctx.Pool(opts.jobs) as pool:
        for i, (data, envelope, expected, probs) in enumerate(
                pool.imap(_compose, range(opts.messages), chunksize=4)):
            problems.extend(probs)
            if mbox:
                mbox.write(_from_line(envelope).encode())
                mbox.write(mboxrd_quote(data))
                mbox.write(b"\n")
            if "maildir" in formats:
                sub, name = _maildir_name(i, envelope, len(data))
                with open(os.path.join(maildir, sub, name), "wb") as f:
                    f.write(data)
            exp.write(json.dumps(expected, ensure_ascii=True, separators=(",", ":")) + "\n")
    if mbox:
        mbox.close()
        os.replace(mbox_path + ".tmp", mbox_path)
    os.replace(expected_path + ".tmp", expected_path)

    header = ("; DNS for the mailverify synthetic corpus (seed %s, %d messages).\n"
              "; Made by scripts/gen-corpus; addresses are documentation/benchmark ranges.\n"
              % (opts.seed, opts.messages))
    with open(os.path.join(opts.out, opts.zone_name), "w") as f:
        f.write(zonefile.master_file(world.dns, header=header))
    if opts.split_zones:
        zdir = os.path.join(opts.out, "zones")
        shutil.rmtree(zdir, ignore_errors=True)
        os.makedirs(zdir)
        for apex in world.dns.zones:
            with open(os.path.join(zdir, apex + ".zone"), "w") as f:
                f.write(zonefile.master_file(world.dns, [apex], header=header))
    if problems:
        for p in problems[:20]:
            print("gen-corpus: dkimpy disagrees: " + p, file=sys.stderr)
        print("gen-corpus: %d disagreements with dkimpy" % len(problems), file=sys.stderr)
        return 1
    print("gen-corpus: %d messages, %d zones, %d keys in %.1fs (keys %.1fs) -> %s" % (
        opts.messages, len(world.dns.zones), len(world.keys), time.time() - t0, t_keys,
        opts.out), file=sys.stderr)
    return 0

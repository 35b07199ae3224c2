#!/usr/bin/python3
"""Progress output follows terminal conventions, checked with a real pseudo-terminal.

A scan reads an mbox from a pipe that a writer fills slowly (about 2.5 s), so the run is long
enough for progress to be due. Its stderr is a pty (TERM=xterm, then TERM=dumb) or a pipe, with and
without --progress. Expected: the redrawn line ("\\r\\033[K...ETA") only on the xterm pty; nothing
but the summary on a pipe or a dumb terminal; plain "mailverify: ... ETA" lines only with
--progress when stderr cannot redraw; nothing at all with --quiet.

Usage: progress_tty_test.py MAILVERIFY ZONE_FILE
"""
import os
import pty
import select
import subprocess
import sys
import threading
import time

MAILVERIFY, ZONE = sys.argv[1], sys.argv[2]
REDRAW = b"\r\x1b[K"


def message(i):
    return (b"From sender@example.com Mon Dec  7 10:00:00 2026\n"
            b"From: a@example.com\nTo: b@example.net\nSubject: m%d\n"
            b"Message-ID: <%d@example.com>\n\nbody %d\n\n" % (i, i, i))


def feed(pipe, seconds):
    """Writes messages for `seconds`, a few at a time, then closes the pipe (end of input)."""
    end = time.monotonic() + seconds
    i = 0
    try:
        while time.monotonic() < end:
            pipe.write(b"".join(message(i + k) for k in range(20)))
            pipe.flush()
            i += 20
            time.sleep(0.05)
    finally:
        pipe.close()


def scan(stderr_kind, term, extra=(), seconds=2.5):
    """Runs a scan of the slow stdin; returns (exit status, everything written to stderr)."""
    env = dict(os.environ, TERM=term)
    env.pop("NO_COLOR", None)
    args = [MAILVERIFY, "scan", "-", "--dns-zone", ZONE, "--at", "2026-12-07",
            "-o", os.devnull, *extra]
    if stderr_kind == "pty":
        master, slave = pty.openpty()
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=slave, env=env)
        os.close(slave)
    else:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env=env)
        master = proc.stderr.fileno()
    writer = threading.Thread(target=feed, args=(proc.stdin, seconds))
    writer.start()
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the pty's other side is closed
                chunk = b""
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None and stderr_kind == "pipe":
            continue
    writer.join()
    status = proc.wait(timeout=30)
    if stderr_kind == "pty":
        os.close(master)
    return status, out


failures = []


def check(name, ok, output):
    if not ok:
        failures.append(name)
        print("FAIL: %s\n  stderr: %r" % (name, output[:600]), file=sys.stderr)


status, out = scan("pty", "xterm")
check("tty: exit 0", status == 0, out)
check("tty: redrawn progress line", REDRAW in out and b"ETA" in out, out)
check("tty: summary after the line", b" messages, " in out.split(REDRAW)[-1], out)

status, out = scan("pipe", "xterm")
check("pipe: exit 0", status == 0, out)
check("pipe: no progress", REDRAW not in out and b"ETA" not in out, out)
check("pipe: the summary", b"mailverify: " in out and b" messages, " in out, out)

status, out = scan("pty", "dumb")
check("dumb tty: no cursor control", b"\x1b" not in out and b"ETA" not in out, out)
check("dumb tty: the summary", b" messages, " in out, out)

status, out = scan("pipe", "xterm", ["--progress"], seconds=3.5)
plain = [line for line in out.split(b"\n") if b"ETA" in line]
check("pipe --progress: plain lines", plain and REDRAW not in out
      and all(line.startswith(b"mailverify: ") for line in plain), out)

status, out = scan("pty", "dumb", ["--progress"], seconds=3.5)
check("dumb tty --progress: plain lines", b"ETA" in out and b"\x1b" not in out, out)

status, out = scan("pty", "xterm", ["--quiet"], seconds=1)
check("tty --quiet: silent", status == 0 and out.strip() == b"", out)

if failures:
    print("%d progress check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("progress terminal conventions: all checks passed")

#!/usr/bin/python3
"""Progress output follows terminal conventions, checked with a real pseudo-terminal.

A scan reads an mbox from a pipe that a writer fills slowly (about 2.5 s), so the run is long
enough for progress to be due. Its stderr is a pty (TERM=xterm, then TERM=dumb) or a pipe, with and
without --progress. Expected: the redrawn line ("\\r\\033[K...ETA") only on the xterm pty; nothing
but the summary on a pipe or a dumb terminal; plain "mailverify: ... ETA" lines only with
--progress when stderr cannot redraw; nothing at all with --quiet.

recover-keys follows the same rules with its per-key-name line, checked on a small dkimpy-signed
archive whose keys are gone from its zone (tests/recovery/make_recovery_archive.py, e = 3 keys so
the recovery takes milliseconds).

Usage: progress_tty_test.py MAILVERIFY ZONE_FILE RECOVERY_ARCHIVE_SCRIPT
"""
import os
import pty
import shutil
import select
import subprocess
import sys
import tempfile
import threading
import time

MAILVERIFY, ZONE, MAKE_ARCHIVE = sys.argv[1], sys.argv[2], sys.argv[3]
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


def scan(stderr_kind, term, extra=(), seconds=2.5, args=None):
    """Runs a scan of the slow stdin (or `args`, stdin then unused); returns (exit status,
    everything written to stderr)."""
    env = dict(os.environ, TERM=term)
    env.pop("NO_COLOR", None)
    args = args or [MAILVERIFY, "scan", "-", "--dns-zone", ZONE, "--at", "2026-12-07",
                    "-o", os.devnull]
    args = [*args, *extra]
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

# recover-keys: a line per key name on a terminal, none on a pipe unless --progress.
work = tempfile.mkdtemp(prefix="mv-progress-test-")
try:
    spec = ('{"keys": [{"id": "a", "bits": 1024, "e": 3, "selector": "old", '
            '"domain": "example.org", "dns": "revoked"}], '
            '"messages": [{"key": "a"}, {"key": "a"}, {"key": "a"}]}')
    subprocess.run(["/usr/bin/python3", MAKE_ARCHIVE, work, spec], check=True,
                   stdout=subprocess.DEVNULL)
    recover = [MAILVERIFY, "recover-keys", "--dns-zone", work + "/dns.zone", "--out",
               work + "/recovered.zone", work + "/archive.mbox"]
    LINE = b"key names done"
    status, out = scan("pty", "xterm", args=recover, seconds=0)
    check("recover-keys tty: exit 0 and redrawn line",
          status == 0 and REDRAW + b"recover-keys: " in out and LINE in out, out)
    status, out = scan("pipe", "xterm", args=recover, seconds=0)
    check("recover-keys pipe: no progress", status == 0 and LINE not in out, out)
    check("recover-keys pipe: the summary", b"recover" in out, out)
    status, out = scan("pipe", "xterm", ["--progress"], args=recover, seconds=0)
    check("recover-keys pipe --progress: plain lines",
          LINE in out and b"\x1b" not in out, out)
    status, out = scan("pty", "dumb", args=recover, seconds=0)
    check("recover-keys dumb tty: no progress", LINE not in out and b"\x1b" not in out, out)
finally:
    shutil.rmtree(work)

if failures:
    print("%d progress check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("progress terminal conventions: all checks passed")

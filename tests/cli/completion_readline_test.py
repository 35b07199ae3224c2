#!/usr/bin/python3
"""The generated bash completion works through readline, as a user at a terminal gets it.

Starts an interactive bash on a pseudo-terminal, sources the completion file, types partial
command lines followed by TAB (twice where several candidates are listed) and reads what bash
echoes back. This covers what calling _mailverify directly cannot: `complete -F` registration,
readline's own word splitting at '=' and its insertion of the single match.

Usage: completion_readline_test.py COMPLETION_FILE
"""
import os
import pty
import select
import sys
import time

SCRIPT = sys.argv[1]
failures = []


def read_until(fd, marker, timeout=10.0):
    """Reads the terminal until `marker` appears (or the timeout); returns all that was read."""
    out = b""
    end = time.monotonic() + timeout
    while marker not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def session(typed):
    """Types `typed` (with TABs) into a fresh interactive bash; returns what the terminal shows."""
    pid, fd = pty.fork()
    if pid == 0:
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "HOME": "/tmp", "PS1": "READY> ",
               "INPUTRC": "/dev/null"}
        os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], env)
    try:
        os.write(fd, b"source '%s'; echo SOURCED\n" % SCRIPT.encode())
        read_until(fd, b"SOURCED\r\nREADY> ")
        os.write(fd, typed)
        return read_until(fd, b"\x00never", timeout=1.5)
    finally:
        os.write(fd, b"\x03exit\n")
        time.sleep(0.1)
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


def check(name, typed, wants):
    shown = session(typed)
    for want in wants:
        if want not in shown:
            failures.append(name)
            print("FAIL: %s: %r not in %r" % (name, want, shown), file=sys.stderr)


# One match is inserted (with a space after it).
check("command", b"mailverify sc\t", [b"mailverify scan "])
check("option", b"mailverify scan --dmarc-r\t", [b"--dmarc-rules "])
# Several: the second TAB lists them.
check("enum values", b"mailverify scan --dmarc-rules \t\t", [b"auto", b"rfc7489", b"rfc9989"])
check("enum after =", b"mailverify scan --format=\t\t", [b"jsonl", b"ar"])
check("subcommands", b"mailverify bundle \t\t", [b"verify", b"timestamp-request", b"add-timestamp"])
check("per-command option", b"mailverify bundle verify --pu\t", [b"--pubkey "])

if failures:
    print("%d readline check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("bash completion through readline: all checks passed")

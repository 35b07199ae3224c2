#!/usr/bin/python3
"""The generated bash completion works through readline, as a user at a terminal gets it.

Starts an interactive bash on a pseudo-terminal, sources the completion file, types partial
command lines followed by TAB (twice where several candidates are listed) and reads what bash
echoes back. This covers what calling _mailverify directly cannot: `complete -F` registration,
readline's own word splitting at '=' and its insertion of the single match.

The last checks run with Debian's bash-completion instead of sourcing the file: with
XDG_DATA_HOME pointing at the build's share/ it must find and load the file on demand by its name,
as it does from /usr/share/bash-completion/completions once installed.

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


LOADER = "/usr/share/bash-completion/bash_completion"


def session(typed, on_demand=False):
    """Types `typed` (with TABs) into a fresh interactive bash; returns what the terminal shows.
    The completion is sourced, or (`on_demand`) left to bash-completion's loader to find."""
    pid, fd = pty.fork()
    if pid == 0:
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "HOME": "/tmp", "PS1": "READY> ",
               "INPUTRC": "/dev/null",
               # share/ above bash-completion/completions/mailverify
               "XDG_DATA_HOME": os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT)))}
        os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], env)
    try:
        source = LOADER if on_demand else SCRIPT
        os.write(fd, b"source '%s'; echo SOURCED\n" % source.encode())
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


def check(name, typed, wants, on_demand=False):
    shown = session(typed, on_demand)
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
# Found by bash-completion's loader under the name it is installed as.
check("on demand: command", b"mailverify sc\t", [b"mailverify scan "], on_demand=True)
check("on demand: values", b"mailverify scan --mbox-format \t\t", [b"mboxcl2", b"mboxrd"],
      on_demand=True)

if failures:
    print("%d readline check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("bash completion through readline: all checks passed")

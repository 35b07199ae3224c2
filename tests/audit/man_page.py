#!/usr/bin/python3
"""The man page (docs/mailverify.1) renders without groff warnings, documents every option that
`mailverify --help` lists, has the worked examples for the auditor, the investigator and the
benchmarker, and its example command lines use only commands and options mailverify knows.

usage: man_page.py MAN_PAGE MAILVERIFY
"""
import re
import shutil
import subprocess
import sys

page, mailverify = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


source = open(page).read()
groff = subprocess.run(["groff", "-man", "-ww", "-z", page], capture_output=True, text=True)
check(groff.returncode == 0 and groff.stderr == "", "groff warnings: %s" % groff.stderr)
if shutil.which("man"):
    man = subprocess.run(["man", "-l", page], capture_output=True, text=True,
                         env={"MANWIDTH": "100", "PATH": "/usr/bin:/bin", "MANPAGER": "cat"})
    check(man.returncode == 0 and "EXAMPLES" in man.stdout, "man -l renders the page")

help_text = subprocess.run([mailverify, "--help"], capture_output=True, text=True).stdout
options = set(re.findall(r"^\s+(?:-\w, )?--([\w-]+)", help_text, re.M))
check(len(options) > 20, "--help lists the options: %s" % sorted(options))
documented = set(re.findall(r"\\-\\-([\w\\-]+)", source))
documented = {d.replace("\\-", "-") for d in documented}
for option in sorted(options):
    check(option in documented, "--%s is in --help but not in the man page" % option)

for who in ("The auditor", "The investigator", "The benchmarker"):
    check(".SS " + who in source, "an EXAMPLES subsection for %s" % who)

commands = {"scan", "domains", "plan", "merge", "slurm", "dns-snapshot", "recover-keys", "keygen",
            "bundle", "keys", "help", "completion"}
examples = source[source.index(".SH EXAMPLES"):source.index(".SH EXIT STATUS")]
text = examples.replace("\\-", "-").replace("\\e\n", " ")
lines = [l.strip() for l in text.splitlines() if l.strip().startswith(("mailverify ",
                                                                        "time mailverify "))]
check(len(lines) >= 10, "at least 10 example command lines, found %d" % len(lines))
for line in lines:
    words = line.split()
    words = words[words.index("mailverify") + 1:]
    check(words and words[0] in commands, "example uses a known command: %s" % line)
    for word in words:
        if word.startswith("--"):
            check(word[2:].split("=")[0] in options, "example option %s is known" % word)
print("ok" if not failures else "%d check(s) failed" % len(failures))
sys.exit(1 if failures else 0)

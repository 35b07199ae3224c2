#!/usr/bin/python3
"""Opens the --html report of a corpus scan in headless Chromium (Debian's `chromium`): the page
must run its scripts without an error (the page's first script writes any error onto
<html data-js-errors>, and its last marks <html data-ready="1">; console errors on stderr count
too), must hold its charts and tables, clicking a column heading must sort its table, and a screenshot is taken for a person to look at
(build dir: audit_report.png). A control copy with a deliberate script error must be caught, so
the check is shown able to fail. Exits 77 (ctest: skipped) when chromium is not installed.

usage: html_chromium.py MAILVERIFY SOURCE_DIR BINARY_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MAILVERIFY, SOURCE, BINARY = sys.argv[1:4]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(args, page, profile):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
           "--window-size=1280,2400", *args, "file://" + page]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def page_problems(page, tmp):
    """What is wrong with the page as Chromium runs it (empty list: nothing)."""
    problems = []
    p = chromium(["--dump-dom"], page, tempfile.mkdtemp(dir=tmp))
    dom = p.stdout
    head = re.search(r"<html[^>]*>", dom)
    head = head.group(0) if head else ""
    if 'data-ready="1"' not in head:
        problems.append("the page's scripts did not run to the end: %r" % head)
    errors = re.search(r'data-js-errors="([^"]*)"', head)
    if errors:
        problems.append("script error: " + errors.group(1))
    for line in p.stderr.splitlines():
        if ":CONSOLE(" in line or "Uncaught" in line:
            problems.append("console: " + line)
    return problems, dom


def main():
    if CHROMIUM is None:
        print("SKIPPED: chromium is not installed (Debian package 'chromium')")
        return 77
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        p = subprocess.run([MAILVERIFY, "scan", "-q", "--dns-zone",
                            os.path.join(SOURCE, "corpus", "sample.zone"), "--at",
                            "2025-01-01T00:00:00Z", "--html", page, "-o", os.devnull,
                            os.path.join(SOURCE, "corpus", "sample.mbox")],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            print(p.stderr)
            return 1
        html = open(page).read()
        for fetch in ("src=\"http", "href=\"http", "<link", "@import", "url("):
            if fetch in html:
                failures.append("the page fetches something at view time: " + fetch)

        problems, dom = page_problems(page, tmp)
        failures += problems
        if dom.count("<svg") < 5:
            failures.append("expected 5 charts, found %d" % dom.count("<svg"))
        if dom.count('class="sortable"') < 4:
            failures.append("expected 4 sortable tables")
        if "vertexpoint.com" not in dom:
            failures.append("the top sending domain is not in the page")

        shot = os.path.join(BINARY, "audit_report.png")
        if os.path.exists(shot):
            os.remove(shot)
        chromium(["--screenshot=" + shot], page, tempfile.mkdtemp(dir=tmp))
        if not os.path.exists(shot) or os.path.getsize(shot) < 20000:
            failures.append("no screenshot (or a blank one) at " + shot)
        else:
            print("screenshot:", shot, os.path.getsize(shot), "bytes")

        # Sorting: a copy with a script that clicks the "messages" heading of the domains table
        # twice (ascending, then descending) and writes what it saw onto <html data-sort>.
        sorting = os.path.join(tmp, "sorting.html")
        probe = """<script>
(function(){var t=document.querySelector('table.sortable');var th=t.querySelectorAll('th')[1];
function col(){return Array.prototype.map.call(t.tBodies[0].rows,function(r){
 return Number(r.children[1].textContent);});}
function sorted(a,up){for(var i=1;i<a.length;i++){if(up?a[i-1]>a[i]:a[i-1]<a[i])return false;}
 return a.length>2;}
th.click();var up=sorted(col(),true)&&th.classList.contains('asc');
th.click();var down=sorted(col(),false)&&th.classList.contains('desc');
document.documentElement.setAttribute('data-sort',up&&down?'ok':'wrong');})();
</script></body>"""
        open(sorting, "w").write(html.replace("</body>", probe))
        problems, dom = page_problems(sorting, tmp)
        failures += problems
        if 'data-sort="ok"' not in dom:
            failures.append("clicking a numeric column heading does not sort the table")

        # Control: the same page with a script that throws must be reported.
        broken = os.path.join(tmp, "broken.html")
        open(broken, "w").write(html.replace("</body>", "<script>null.boom();</script></body>"))
        control, _ = page_problems(broken, tmp)
        if not any("script error" in c for c in control):
            failures.append("a deliberate script error went unnoticed: %s" % control)
    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else "%d check(s) failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The scale-out contract end to end: plan, array tasks, merge == one single-machine scan.

  parallel           GNU parallel runs the tasks (local slots, 1-based {#} through SGE_TASK_ID),
                     then runs them all again (duplicated tasks: every shard skipped, parts
                     unchanged); a changed input or snapshot makes scan --plan refuse.
  slurm_array        a one-node Slurm (scripts/slurm-testcluster) runs `mailverify slurm --submit`:
                     8 shards on a 4-task array, then the merge job; then a deleted part makes the
                     merge refuse and name the shard.
  slurm_snapshot     the plan's snapshot is still to be made: `slurm --submit` chains the snapshot
                     job (live, against a private NSD serving the corpus zones), the array and the
                     merge; the merge equals a single scan replaying the snapshot the job wrote.
  slurm_killed_task  one array task is killed (SIGKILL to its PID) in the middle of a shard; the
                     merge job is cancelled (--kill-on-invalid-dep); the task is requeued, skips the
                     shards it finished, redoes the killed one; the merge is still identical.

Inputs: copies of corpus/sample.mbox (as cut mboxes, concatenated mboxes and gzip), replayed
against corpus/sample.zone at a fixed --at.

Usage: scaleout_e2e.py MAILVERIFY REPO CHECK
"""
import glob
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

AT = "2025-01-01T00:00:00Z"
VERIFY = ["--at", AT, "--authserv-id", "mx.scaleout.test"]


def run(cmd, ok=(0,), env=None, timeout=300):
    done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
    if done.returncode not in ok:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}:\n"
                 f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}")
    return done


def make_inputs(repo, work, copies):
    """The archive: a concatenation of `copies` sample mboxes, a gzip copy and one plain copy."""
    sample = open(os.path.join(repo, "corpus", "sample.mbox"), "rb").read()
    shutil.copy(os.path.join(repo, "corpus", "sample.zone"), os.path.join(work, "sample.zone"))
    with open(os.path.join(work, "big.mbox"), "wb") as f:
        for _ in range(copies):
            f.write(sample)
    with gzip.open(os.path.join(work, "small.mbox.gz"), "wb", compresslevel=1) as f:
        f.write(sample[: len(sample) // 3 + sample[len(sample) // 3:].find(b"\n\nFrom ") + 2])
    shutil.copy(os.path.join(repo, "corpus", "sample.mbox"), os.path.join(work, "plain.mbox"))
    return ["big.mbox", "small.mbox.gz", "plain.mbox"]


def single_scan(mv, work, inputs):
    run([mv, "scan", "-q", "--dns-zone", "sample.zone", *VERIFY, *inputs, "-o", "single.jsonl"],
        ok=(0,))
    data = open(os.path.join(work, "single.jsonl"), "rb").read()
    if not data:
        sys.exit("FAIL: the single-machine scan wrote nothing")
    return data


def plan(mv, inputs, shards):
    run([mv, "plan", *inputs, "--shards", str(shards), "--dns-zone", "sample.zone", *VERIFY,
         "-o", "plan.json"])


def merge(mv, ok=(0,)):
    return run([mv, "merge", "--plan", "plan.json", "parts", "-o", "merged.jsonl"], ok=ok)


def assert_identical(work, expected, what):
    got = open(os.path.join(work, "merged.jsonl"), "rb").read()
    if got != expected:
        sys.exit(f"FAIL: {what}: merged output ({len(got)} bytes) differs from the single scan "
                 f"({len(expected)} bytes)")
    records = expected.count(b"\n")
    # The plan, the done-records and the records (the merged ones equal these) against docs/schema/.
    schema_check.check_records(expected, "single scan")
    schema_check.check_file("plan", os.path.join(work, "plan.json"))
    for done in glob.glob(os.path.join(work, "parts", "*.done")):
        schema_check.check_file("done", done)
    print(f"{what}: merged output identical to the single scan "
          f"({records} records, {len(expected)} bytes)")


def part_state(work):
    return {p: open(p, "rb").read() for p in sorted(glob.glob(os.path.join(work, "parts", "*")))
            if os.path.isfile(p)}


def db_rows(path):
    """What a run put in the database, without the run-specific columns."""
    import sqlite3
    con = sqlite3.connect(path)
    rows = {}
    for table in ("messages", "signatures", "spf", "dmarc", "arc"):
        cols = [c[1] for c in con.execute(f"PRAGMA table_info({table})")
                if c[1] not in ("id", "run_id", "message_id_ref", "message_rowid")]
        rows[table] = sorted(map(repr, con.execute(f"SELECT {', '.join(cols)} FROM {table}")))
    return rows


def check_merge_db(mv, work, inputs):
    """merge --db loads the same rows a single `scan --db` writes."""
    run([mv, "scan", "-q", "--dns-zone", "sample.zone", *VERIFY, *inputs, "-o", "/dev/null",
         "--db", "single.db"])
    run([mv, "merge", "-q", "--plan", "plan.json", "parts", "-o", "merged-db.jsonl",
         "--db", "merged.db"])
    single, merged = db_rows("single.db"), db_rows("merged.db")
    counts = {t: len(r) for t, r in single.items()}
    if not counts["messages"] or single != merged:
        diff = {t: (len(single[t]), len(merged[t])) for t in single if single[t] != merged[t]}
        sys.exit(f"FAIL: merge --db differs from scan --db: {diff}")
    print(f"merge --db: the same rows as scan --db ({counts})")


def check_parallel(mv, repo, work):
    inputs = make_inputs(repo, work, 2)
    expected = single_scan(mv, work, inputs)
    plan(mv, inputs, 8)
    # {#} is GNU parallel's 1-based job number: the Grid Engine convention.
    cmd = ["parallel", "--will-cite", "-j", "2", "--halt", "now,fail=1",
           f"SGE_TASK_ID={{#}} MV_SHARD_COUNT=4 {mv} scan -q --threads 1 --plan plan.json -o parts",
           ":::", "a", "b", "c", "d"]
    run(cmd)
    merge(mv)
    assert_identical(work, expected, "GNU parallel, 4 slots")
    check_merge_db(mv, work, inputs)
    before = part_state(work)
    if len([p for p in before if p.endswith(".done")]) != 8:
        sys.exit(f"FAIL: expected 8 done-records, found {sorted(before)}")
    # Every task again, as a duplicated or requeued array would: nothing is redone or changed.
    again = run(["parallel", "--will-cite", "-j", "2",
                 f"{mv} scan --threads 1 --plan plan.json --shard-index {{}} --shard-count 4 -o parts",
                 ":::", "0", "1", "2", "3"])
    if again.stderr.decode().count("already done") != 8:
        sys.exit("FAIL: a rerun redid shards:\n" + again.stderr.decode())
    if part_state(work) != before:
        sys.exit("FAIL: a rerun changed the parts")
    print("rerun of every task: 8 shards skipped, parts unchanged")
    # The plan pins its inputs and snapshot.
    with open("sample.zone", "ab") as f:
        f.write(b"; changed\n")
    done = run([mv, "scan", "--plan", "plan.json", "--shard-index", "0", "--shard-count", "1",
                "-o", "parts2"], ok=(1,))
    if b"sample.zone changed since the plan" not in done.stderr:
        sys.exit("FAIL: a changed snapshot was not named:\n" + done.stderr.decode())
    os.utime("plain.mbox", ns=(0, 0))
    done = run([mv, "scan", "--plan", "plan.json", "--shard-index", "0", "--shard-count", "1",
                "-o", "parts2"], ok=(1,))
    if b"plain.mbox changed since the plan" not in done.stderr:
        sys.exit("FAIL: a changed input was not named:\n" + done.stderr.decode())
    if os.path.exists("parts2") and os.listdir("parts2"):
        sys.exit("FAIL: a refused scan wrote parts")
    print("changed snapshot and changed input: scan --plan refuses and names them")


class Cluster:
    def __init__(self, repo, work):
        self.script = os.path.join(repo, "scripts", "slurm-testcluster")
        self.dir = os.path.join(work, "slurm")
        os.makedirs(self.dir)
        self.env = dict(os.environ, SLURM_CONF=os.path.join(self.dir, "slurm.conf"))

    def __enter__(self):
        try:
            run([self.script, "start", self.dir], timeout=120)
        except BaseException:
            self.__exit__()  # a half-started cluster: stop what did start
            raise
        return self

    def __exit__(self, *exc):
        subprocess.run([self.script, "stop", self.dir], timeout=120)

    def cmd(self, *args, ok=(0,)):
        return run(list(args), ok=ok, env=self.env).stdout.decode()

    def states(self, job):
        """{array task id or job id: state} of a job, from scontrol (no accounting needed)."""
        out = subprocess.run(["scontrol", "-o", "show", "job", job], capture_output=True,
                             env=self.env, timeout=60).stdout.decode()
        states = {}
        for line in out.splitlines():
            task = re.search(r"ArrayTaskId=(\S+)", line)
            state = re.search(r"JobState=(\S+)", line)
            if state:
                states[task.group(1) if task else job] = state.group(1)
        return states

    def wait(self, job, deadline):
        """Waits until no task of `job` is pending or running; returns the final states."""
        while time.time() < deadline:
            states = self.states(job)
            if states and not any(s in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING",
                                        "REQUEUED") for s in states.values()):
                return states
            time.sleep(0.2)
        sys.exit(f"FAIL: job {job} did not finish in time: {self.states(job)}")


def submit(cluster, mv, tasks, expect=("array", "merge")):
    out = cluster.cmd(mv, "slurm", "--plan", "plan.json", "--tasks", str(tasks), "--threads", "1",
                      "--submit", "-o", "merged.jsonl")
    jobs = dict(re.findall(r"^(\w+) job (\d+)$", out, re.M))
    if set(jobs) != set(expect):
        sys.exit("FAIL: unexpected slurm --submit output:\n" + out)
    return jobs


def check_slurm_array(mv, repo, work):
    inputs = make_inputs(repo, work, 2)
    expected = single_scan(mv, work, inputs)
    plan(mv, inputs, 8)
    with Cluster(repo, work) as cluster:
        jobs = submit(cluster, mv, 4)
        deadline = time.time() + 150
        array = cluster.wait(jobs["array"], deadline)
        if sorted(array) != ["0", "1", "2", "3"] or set(array.values()) != {"COMPLETED"}:
            sys.exit(f"FAIL: array tasks: {array}")
        merged = cluster.wait(jobs["merge"], deadline)
        if set(merged.values()) != {"COMPLETED"}:
            sys.exit(f"FAIL: merge job: {merged}")
    assert_identical(work, expected, "Slurm, 8 shards on a 4-task array")
    os.remove(os.path.join(work, "parts", "shard-000005.jsonl"))
    os.remove(os.path.join(work, "merged.jsonl"))
    done = merge(mv, ok=(1,))
    err = done.stderr.decode()
    if "shard 5: part missing" not in err or "shard 4" in err or os.path.exists("merged.jsonl"):
        sys.exit("FAIL: merge of a deleted part did not refuse naming shard 5 alone:\n" + err)
    print("deleted part: merge refuses and names shard 5")


def check_slurm_snapshot(mv, repo, work):
    sys.path.insert(0, os.path.join(repo, "tests", "e2e"))
    from live_replay import split_zones  # noqa: E402 (one master file per zone, for NSD)

    inputs = make_inputs(repo, work, 1)
    split_zones("sample.zone", os.path.join(work, "zones"))
    port = "53547"
    env = dict(os.environ, MV_DNS_PORT=port, MV_DNS_DIR=os.path.join(work, "nsd"),
               MV_DNS_ZONES=os.path.join(work, "zones"))
    server = os.path.join(repo, "scripts", "dns-server")
    run([server, "start"], env=env, timeout=60)
    try:
        run([mv, "plan", *inputs, "--shards", "8", "--dns-zone", "snapshot.zone", "--dns-server",
             "127.0.0.1:" + port, *VERIFY, "-o", "plan.json"])
        with Cluster(repo, work) as cluster:
            jobs = submit(cluster, mv, 4, expect={"snapshot", "array", "merge"})
            deadline = time.time() + 150
            states = {name: cluster.wait(job, deadline) for name, job in jobs.items()}
            if any(set(s.values()) != {"COMPLETED"} for s in states.values()):
                sys.exit(f"FAIL: job states: {states}")
    finally:
        subprocess.run([server, "stop"], env=env, timeout=60)
    snapshot = open("snapshot.zone", encoding="utf-8").read()
    answers = [l for l in snapshot.splitlines() if l and (not l.startswith(";") or l.startswith(";@"))]
    if len(answers) < 10:
        sys.exit(f"FAIL: the snapshot job recorded only {len(answers)} answers")
    run([mv, "scan", "-q", "--dns-zone", "snapshot.zone", *VERIFY, *inputs, "-o", "single.jsonl"])
    expected = open("single.jsonl", "rb").read()
    if b'"dkim":[{' not in expected or b'"result":"pass"' not in expected:
        sys.exit("FAIL: the replayed scan has no passing DKIM result: the snapshot is incomplete")
    print(f"snapshot job recorded {len(answers)} answers from the live server")
    assert_identical(work, expected, "Slurm, snapshot job + 4-task array + merge")


def check_slurm_killed_task(mv, repo, work):
    # Shards of ~1000 messages, so a task is caught in the middle of one.
    inputs = make_inputs(repo, work, 24)
    expected = single_scan(mv, work, inputs)
    plan(mv, inputs, 8)
    parts = os.path.join(work, "parts")
    with Cluster(repo, work) as cluster:
        jobs = submit(cluster, mv, 4)
        deadline = time.time() + 150
        killed = None
        while killed is None and time.time() < deadline:
            for temp in glob.glob(os.path.join(parts, "shard-*.jsonl.tmp.*")):
                pid = int(temp.rsplit(".", 1)[1])
                try:
                    os.kill(pid, signal.SIGSTOP)  # freeze it, then make sure it is mid-shard
                except ProcessLookupError:
                    continue
                if os.path.exists(temp):
                    os.kill(pid, signal.SIGKILL)
                    killed = (pid, os.path.basename(temp).split(".")[0])
                    break
                os.kill(pid, signal.SIGCONT)  # it had just finished that shard: let it go on
            time.sleep(0.02)
        if killed is None:
            sys.exit("FAIL: never caught a task in the middle of a shard")
        shard = killed[1]
        print(f"killed pid {killed[0]} in the middle of {shard}")
        array = cluster.wait(jobs["array"], deadline)
        failed = [t for t, s in array.items() if s == "FAILED"]
        if len(failed) != 1 or os.path.exists(os.path.join(parts, shard + ".done")):
            sys.exit(f"FAIL: expected one failed task and no done-record for {shard}: {array}")
        merge_state = cluster.wait(jobs["merge"], deadline)
        if set(merge_state.values()) != {"CANCELLED"} or os.path.exists("merged.jsonl"):
            sys.exit(f"FAIL: the merge job should be cancelled by the failed task: {merge_state}")
        task = f"{jobs['array']}_{failed[0]}"
        cluster.cmd("scontrol", "requeue", task)
        cluster.cmd("scontrol", "update", f"jobid={task}", "StartTime=now")
        array = cluster.wait(jobs["array"], deadline)
        if set(array.values()) != {"COMPLETED"}:
            sys.exit(f"FAIL: after the requeue: {array}")
        logs = sorted(glob.glob(os.path.join(parts, "logs", f"scan-{jobs['array']}_{failed[0]}.out")))
        log = open(logs[0]).read() if logs else ""
        print(f"requeued task {task}: completed; its log: {log.strip()!r}")
        merge_job = cluster.cmd("sbatch", "--parsable", "--wait",
                                f"--output={work}/merge-rerun.out",
                                f"--wrap=exec {mv} merge --plan plan.json parts -o merged.jsonl")
        print(f"merge resubmitted as job {merge_job.strip()}")
    assert_identical(work, expected, "Slurm, task killed and requeued")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    mv, repo, check = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    checks = {"parallel": check_parallel, "slurm_array": check_slurm_array,
              "slurm_killed_task": check_slurm_killed_task, "slurm_snapshot": check_slurm_snapshot}
    needs = {"parallel": ["parallel"]}.get(check, ["sbatch", "scontrol", "/usr/sbin/slurmctld",
                                                   "/usr/sbin/munged"])
    missing = [t for t in needs if not shutil.which(t)]
    if missing:
        sys.exit(f"FAIL: {' '.join(missing)} not installed (scripts/deps installs them)")
    work = tempfile.mkdtemp(prefix=f"mv-scaleout-{check}-")
    os.chmod(work, 0o755)
    os.chdir(work)
    try:
        checks[check](mv, repo, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()

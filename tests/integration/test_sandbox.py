"""The sandbox of lookout serve: once started, every thread runs under a
seccomp filter that kills the process on a forbidden system call, and
--user drops root for an unprivileged account.

The hidden trigger LOOKOUT_SANDBOX_SELFTEST=execve (or =socket) makes
serve try that call right after the filter goes in: the process must die
of SIGSYS before it ever says "listening". The rest of the integration
suite, which runs under the same filter, is the proof that the normal
flow needs nothing the filter forbids."""

import os
import pwd
import resource
import signal
import subprocess

import lookout_test
from lookout_test import Instance, cli_ok, note

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca")]
MEMBER = ("Mia", "member", "mia's long password", ["ca-bc"])
STAFF = ("Olu", "outreach", "olu's long password", ["ca-bc"])


def status(pid, tid=None):
    """/proc/PID/status (or a thread's) as a dict of field -> value."""
    path = (f"/proc/{pid}/task/{tid}/status" if tid is not None
            else f"/proc/{pid}/status")
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def no_core():
    # A process killed by SIGSYS would dump core into the test's cwd.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_serve(inst, env=None, args=(), timeout=lookout_test.START_TIMEOUT):
    """Run `lookout serve` to its end (it is expected to die or fail);
    returns (returncode, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([lookout_test.binary(), "serve", "--data", inst.data,
                        "--listen", "127.0.0.1:0"] + list(args),
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, errors="replace", env=e, timeout=timeout,
                       preexec_fn=no_core)
    return p.returncode, p.stdout, p.stderr


def exercise(inst):
    """The core loop over the API and a web login: file a report,
    moderate it into an alert, screen for it."""
    assert inst.request("GET", "/healthz").status == 200
    member = inst.login(MEMBER[0], MEMBER[2])
    staff = inst.login(STAFF[0], STAFF[2])
    _, j = inst.json_request("POST", "/api/v1/reports", {
        "types": ["violence"], "occurred_on": "2026-01-10",
        "region": "ca-bc", "narrative": "sandboxed narrative",
        "identifiers": [{"kind": "phone", "value": "+1 604 555 0142"}],
        "consent": {"alert": True, "police": "none", "share_orgs": True},
    }, token=member, expect=201)
    rid = j["id"]
    inst.json_request("POST", f"/api/v1/reports/{rid}/alert", {
        "summary": "violent client, silver Civic", "severity": "high",
        "regions": ["ca-bc"],
        "identifiers": [{"kind": "phone", "value": "604-555-0142"}],
    }, token=staff, expect=201)
    _, j = inst.json_request("POST", "/api/v1/screen",
                             {"kind": "phone", "value": "6045550142"},
                             token=member, expect=200)
    assert j["level"] == "red", j
    _, j = inst.json_request("GET", f"/api/v1/reports/{rid}", token=member,
                             expect=200)
    assert j["narrative"] == "sandboxed narrative", j
    web = lookout_test.WebClient(inst)
    web.login(MEMBER[0], MEMBER[2])
    assert web.get("/home").status == 200


def test_forbidden_execve_kills_with_sigsys():
    with Instance(start=False) as inst:
        rc, out, err = run_serve(
            inst, env={"LOOKOUT_SANDBOX_SELFTEST": "execve"})
        note(f"stdout: {out}\nstderr: {err}")
        assert rc == -signal.SIGSYS, (
            f"serve exited {rc}, expected to be killed by SIGSYS "
            f"({-signal.SIGSYS}) when it calls execve under the filter")
        assert "self-test: calling execve" in err, err
        assert "listening on" not in out, out


def test_forbidden_socket_kills_with_sigsys():
    """No new network connection: the filter has no socket()."""
    if lookout_test.PG:
        # Reconnecting to the database needs one (sandbox.c, db_client;
        # test_pg_reconnect.py runs that in the filter).
        lookout_test.skip("on PostgreSQL the filter allows the database "
                          "client's sockets")
    with Instance(start=False) as inst:
        rc, out, err = run_serve(
            inst, env={"LOOKOUT_SANDBOX_SELFTEST": "socket"})
        note(f"stdout: {out}\nstderr: {err}")
        assert rc == -signal.SIGSYS, (
            f"serve exited {rc}, expected to be killed by SIGSYS "
            f"({-signal.SIGSYS}) when it calls socket under the filter")


def test_every_thread_is_filtered_and_the_loop_works():
    with Instance(regions=REGIONS, users=[MEMBER, STAFF]) as inst:
        pid = inst.proc.pid
        tids = os.listdir(f"/proc/{pid}/task")
        # The HTTP worker threads, the purge thread and the main thread.
        assert len(tids) >= 3, tids
        for tid in tids:
            st = status(pid, tid)
            assert st.get("Seccomp") == "2", (
                f"thread {tid} ({st.get('Name')}) is not under the seccomp "
                f"filter: Seccomp {st.get('Seccomp')!r}")
            assert st.get("NoNewPrivs") == "1", st
        exercise(inst)
        # Still alive and filtered after the work.
        assert inst.proc.poll() is None, "serve died during the loop"
        assert status(pid).get("Seccomp") == "2"
    # __exit__ checked the sandboxed shutdown: SIGTERM, exit 0.


def test_no_sandbox_flag_serves_unfiltered():
    with Instance(regions=REGIONS, users=[MEMBER, STAFF],
                  start=False) as inst:
        # The self-test belongs to the filter: without one it never runs.
        inst.start(env={"LOOKOUT_SANDBOX_SELFTEST": "execve"},
                   args=["--no-sandbox"])
        assert status(inst.proc.pid).get("Seccomp") == "0"
        assert "--no-sandbox" in inst.server_log(), inst.server_log()
        exercise(inst)


def test_user_flag_refusals():
    with Instance(start=False) as inst:
        rc, out, err = run_serve(inst, args=["--user", "no-such-account"])
        assert rc == 2, (rc, err)
        assert "no-such-account" in err and "no such account" in err, err
        rc, out, err = run_serve(inst, args=["--user", "root"])
        assert rc == 2, (rc, err)
        assert "unprivileged" in err, err
        if os.geteuid() != 0:
            rc, out, err = run_serve(inst, args=["--user", "nobody"])
            assert rc == 2, (rc, err)
            assert "must start as root" in err, err


def test_root_without_user_warns():
    if os.geteuid() != 0:
        lookout_test.skip("not running as root, so there is no root "
                          "warning to check")
    with Instance() as inst:
        assert "running as root" in inst.server_log(), inst.server_log()
        assert inst.request("GET", "/healthz").status == 200


def test_user_drops_root():
    if os.geteuid() != 0:
        lookout_test.skip("--user needs root to drop (CI runs as root); "
                          "it was not exercised")
    nobody = pwd.getpwnam("nobody")
    with Instance(regions=REGIONS, users=[MEMBER, STAFF],
                  start=False) as inst:
        # Left to root, the data dir is refused once the user changes.
        rc, out, err = run_serve(inst, args=["--user", "nobody"])
        assert rc == 1, (rc, out, err)
        assert "cannot write the data dir" in err, err
        assert "listening on" not in out, out

        # Owned by nobody, except the key, which stays root's alone:
        # serve reads it before it drops root.
        os.chmod(inst.tmp, 0o711)
        for root, dirs, files in os.walk(inst.data):
            os.chown(root, nobody.pw_uid, nobody.pw_gid)
            for f in files:
                os.chown(os.path.join(root, f), nobody.pw_uid,
                         nobody.pw_gid)
        os.chown(inst.key_path, 0, 0)
        os.chmod(inst.key_path, 0o600)

        inst.start(args=["--user", "nobody"])
        pid = inst.proc.pid
        want = str(nobody.pw_uid)
        for tid in os.listdir(f"/proc/{pid}/task"):
            st = status(pid, tid)
            assert st["Uid"].split() == [want] * 4, (
                f"thread {tid}: Uid {st['Uid']!r}, expected {want} for "
                f"real, effective, saved and file system ids")
            assert st["Gid"].split() == [str(nobody.pw_gid)] * 4, st["Gid"]
            assert "0" not in st["Groups"].split(), st["Groups"]
            assert st["Seccomp"] == "2", st["Seccomp"]
            assert st["CapEff"] == "0" * 16, st["CapEff"]
        exercise(inst)
        inst.stop()
        # Written as nobody, the data is still sound for root's CLI.
        cli_ok(["audit", "verify", "--data", inst.data])
        if not lookout_test.PG:     # else the data is the server's
            st = os.stat(inst.db_path)
            assert st.st_uid == nobody.pw_uid, st


if __name__ == "__main__":
    lookout_test.main()

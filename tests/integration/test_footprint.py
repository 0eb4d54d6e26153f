"""What lookout serve keeps resident: the libraries it maps and the
processes it keeps running (docs/BENCHMARKS.md, "Memory").

- serve never maps the sheet's drawing libraries, libcurl, or (on
  SQLite) libpq and libcrypto; on PostgreSQL it loads its driver module;
- its only long-lived child is lookout-spawn, unless email or SMS is
  configured, which adds the outbox's sender;
- the sheet still downloads, drawn by a lookout-sheet that is gone once
  it is drawn, and serve maps nothing new for it;
- a renderer that cannot be started fails the download cleanly, and
  serving goes on;
- lookout-sheet refuses a malformed request, answers a good one with
  the line and the PDF, and runs sandboxed: no new privileges, a seccomp
  filter, 30 s of CPU and no file writes."""

import os
import signal
import subprocess
import time

import lookout_test
from lookout_test import Instance, WebClient

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca")]
STAFF = ("Olu", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Mia", "member", "mia's long password", ["ca-bc"])

# Libraries of the sheet's drawing and of the outbox's sender.
NEVER = ("libcairo", "libpango", "libglib-2.0", "libgobject", "libgio",
         "libfontconfig", "libfreetype", "libharfbuzz", "libpixman",
         "libqrencode", "libcurl", "libssh2", "librtmp")
# Brought by libpq (and by libcurl): SQLite needs none of them.
POSTGRES_ONLY = ("libpq", "libcrypto", "libssl", "libldap", "libkrb5")


def mapped(pid):
    """The file names /proc/PID/maps holds."""
    names = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6:
                names.add(os.path.basename(parts[5].strip()))
    return names


def with_prefix(names, prefixes):
    return sorted(n for n in names for p in prefixes if n.startswith(p))


def children(pid):
    """The (pid, command name) of each child of pid."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids = f.read().split()
        except FileNotFoundError:
            continue
        for k in kids:
            with open(f"/proc/{k}/comm") as f:
                out.append((int(k), f.read().strip()))
    return sorted(out)


def check_maps(inst):
    names = mapped(inst.proc.pid)
    assert with_prefix(names, NEVER) == [], with_prefix(names, NEVER)
    if inst.db_url:
        assert "lookout-postgres.so" in names, sorted(names)
    else:
        assert with_prefix(names, POSTGRES_ONLY) == [], \
            with_prefix(names, POSTGRES_ONLY)
        assert "lookout-postgres.so" not in names


def download(inst):
    web = WebClient(inst)
    web.login(STAFF[0], STAFF[2])
    return web.get("/alerts/sheet.pdf?region=ca-bc")


def publish(inst):
    staff = inst.login(STAFF[0], STAFF[2])
    member = inst.login(MEMBER[0], MEMBER[2])
    _, j = inst.json_request("POST", "/api/v1/reports", {
        "types": ["violence"], "occurred_on": time.strftime("%Y-%m-%d"),
        "region": "ca-bc", "narrative": "what happened",
        "consent": {"alert": True, "police": "none", "share_orgs": True},
    }, token=member, expect=201)
    inst.json_request("POST", f"/api/v1/reports/{j['id']}/alert", {
        "summary": "在酒店附近的暴力客人 — très dangereux",
        "severity": "high", "regions": ["ca-bc"], "identifiers": [],
    }, token=staff, expect=201)


def test_serve_maps_only_what_it_uses_and_prints_through_the_spawner():
    with Instance(regions=REGIONS, users=[STAFF, MEMBER]) as inst:
        publish(inst)
        check_maps(inst)
        kids = children(inst.proc.pid)
        assert [c for _, c in kids] == ["lookout-spawn"], kids
        spawn = kids[0][0]

        r = download(inst)
        assert r.status == 200, r
        assert r.body.startswith(b"%PDF-"), r.body[:20]
        assert b"%%EOF" in r.body[-32:], r.body[-32:]
        # Drawn elsewhere: serve maps nothing new, and the renderer is
        # gone (the spawner reaped it; no zombie is left).
        check_maps(inst)
        assert children(inst.proc.pid) == kids
        # The renderer wrote the whole PDF before it exits: wait for it
        # to go (a zombie would stay).
        for _ in range(400):
            if children(spawn) == []:
                break
            time.sleep(0.05)
        assert children(spawn) == [], children(spawn)

        # Without the spawner the download fails, and serving goes on.
        os.kill(spawn, signal.SIGKILL)
        for _ in range(200):
            with open(f"/proc/{spawn}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.05)
        r = download(inst)
        assert r.status == 500, r
        assert b"%PDF" not in r.body
        assert inst.request("GET", "/healthz").status == 200
        assert "lookout-spawn is gone" in inst.server_log()


def test_the_sender_runs_only_with_somewhere_to_send():
    # No relay needs to listen: the sender starts, and retries later.
    with Instance(regions=REGIONS, users=[STAFF],
                  conf="smtp_url = smtp://127.0.0.1:9\n"
                       "smtp_from = alerts@lookout.test\n") as inst:
        # The sender names itself just after its fork: until then it is
        # "lookout".
        for _ in range(200):
            names = sorted(c for _, c in children(inst.proc.pid))
            if names == ["lookout-sender", "lookout-spawn"]:
                break
            time.sleep(0.05)
        assert names == ["lookout-sender", "lookout-spawn"], names
        # libcurl is the sender's alone.
        check_maps(inst)


def renderer():
    return os.path.join(os.path.dirname(lookout_test.binary()),
                        "lookout-sheet")


def test_renderer_answers_a_sheet_and_refuses_anything_else():
    p = subprocess.run([renderer()], input=b'{"alerts": "not a list"}',
                       capture_output=True, timeout=60)
    assert p.returncode == 1, p
    assert p.stdout == b"", p.stdout[:80]
    assert b"not a sheet" in p.stderr, p.stderr
    p = subprocess.run([renderer()], input=b"\xff not json",
                       capture_output=True, timeout=60)
    assert p.returncode == 1 and p.stdout == b"", p
    assert b"not JSON" in p.stderr, p.stderr

    sheet = (b'{"lang": "fr", "region_code": "ca", "region_name": "Canada",'
             b' "since": "2026-11-01", "until": "2026-11-08",'
             b' "report_url": "https://lookout.example.org/report",'
             b' "url_relative": false, "paper": "Letter", "alerts": [{'
             b'"summary": "Client violent", "severity": "high",'
             b' "issued_on": "2026-11-05", "types": 1,'
             b' "regions": ["Canada"]}]}')
    p = subprocess.run([renderer()], input=sheet, capture_output=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    line, _, pdf = p.stdout.partition(b"\n")
    tag, pages, length = line.split()
    assert tag == b"lookout-sheet" and pages == b"1", line
    assert int(length) == len(pdf) and pdf.startswith(b"%PDF-"), line


def test_renderer_is_sandboxed_before_it_reads():
    # Its standard input stays open, so it waits there, sandboxed.
    rd, wr = os.pipe()
    p = subprocess.Popen([renderer()], stdin=rd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    os.close(rd)
    try:
        status = {}
        for _ in range(200):
            with open(f"/proc/{p.pid}/status") as f:
                status = dict(line.rstrip("\n").split(":\t", 1)
                              for line in f if ":\t" in line)
            if status.get("Seccomp", "0").strip() == "2":
                break
            time.sleep(0.05)
        assert status.get("Seccomp", "").strip() == "2", status
        assert status.get("NoNewPrivs", "").strip() == "1", status
        with open(f"/proc/{p.pid}/limits") as f:
            limits = f.read()
        lines = {l[:26].strip(): l[26:].split() for l in
                 limits.splitlines()[1:]}
        assert lines["Max cpu time"][:2] == ["30", "30"], limits
        assert lines["Max file size"][:2] == ["0", "0"], limits
    finally:
        os.close(wr)
        p.communicate(timeout=60)
    assert p.returncode == 1  # an empty request is not a sheet


if __name__ == "__main__":
    lookout_test.main()

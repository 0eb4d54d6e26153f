"""A full disk: the server runs under RLIMIT_FSIZE (no privileges
needed), sized so the database can grow a little and then cannot. Report
submissions must then answer 503 with a JSON error, never 500 and never
a crash; reads keep working; and after a restart without the limit
everything stored before is intact and new writes work.

lookout serve ignores SIGXFSZ, so a write past the limit fails with EFBIG,
which SQLite reports as SQLITE_IOERR_WRITE or SQLITE_FULL."""

import datetime
import os
import resource
import sqlite3

import lookout_test
from lookout_test import (Instance, WebClient, find_csrf, note, run_cli)

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
# What the database and its WAL may grow by before writes fail.
HEADROOM = 192 * 1024
MAX_FILL = 400
SENT = ("types", "occurred_on", "time_window", "region", "area",
        "offender", "vehicle", "narrative", "consent", "contact", "source",
        "identifiers")


def report(i):
    return {
        "types": ["violence"],
        "occurred_on": (datetime.date.today() -
                        datetime.timedelta(days=1)).isoformat(),
        "time_window": "", "region": "ca-bc-van",
        "area": f"area {i}",
        "offender": {"age_range": "", "gender": "", "height": "",
                     "build": "", "hair": "", "skin": "", "marks": "",
                     "language": ""},
        "vehicle": {"make": "", "model": "", "colour": "", "plate": ""},
        "identifiers": [{"kind": "phone",
                         "value": f"+1 604 555 {1000 + i % 9000:04d}"}],
        "narrative": f"narrative {i} " + "z" * 3000,
        "consent": {"alert": True, "police": "none", "share_orgs": True},
        "contact": f"contact {i}", "source": "web",
    }


def limit_fsize(n):
    """A soft limit only: raising it again needs no privilege."""
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE,
                           (n, resource.RLIM_INFINITY))
    return preexec


def data_bytes(data):
    return sum(os.path.getsize(os.path.join(data, f))
               for f in os.listdir(data) if f.startswith("lookout.db"))


def assert_json_503(r, what):
    assert r.status == 503, f"{what}: status {r.status}, expected 503: {r}"
    j = r.json()
    assert isinstance(j.get("error"), str) and j["error"], f"{what}: {j}"
    return j


def check_offline(inst, when):
    con = sqlite3.connect(inst.db_path)
    try:
        res = [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()
    assert res == ["ok"], f"{when}: integrity_check says {res[:10]}"
    rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
    assert rc == 0, f"{when}: audit verify exited {rc}: {out}{err}"


def audit_reads(db, rid):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM audit WHERE action = "
                           "'report.read' AND object = ?",
                           (f"report:{rid}",)).fetchone()[0]
    finally:
        con.close()


def assert_intact(inst, tok, rid, sent):
    st, got = inst.json_request("GET", f"/api/v1/reports/{rid}", token=tok,
                                expect=200)
    for k in SENT:
        assert got[k] == sent[k], (rid, k, got[k], sent[k])


def test_full_disk():
    if lookout_test.PG:
        # A full disk is the PostgreSQL server's then (SQLSTATE 53100,
        # which the driver answers STORE_FULL: tests/unit/test_store_pg.c),
        # and RLIMIT_FSIZE on lookout serve cannot fill it.
        lookout_test.skip("SQLite's file under RLIMIT_FSIZE; on PostgreSQL "
                          "the disk that fills is the server's")
    with Instance(regions=REGIONS, users=[MEMBER, OUTREACH]) as inst:
        tok = inst.login(MEMBER[0], MEMBER[2])
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        web = WebClient(inst)
        web.login(MEMBER[0], MEMBER[2])
        stored = {}
        st, j = inst.json_request("POST", "/api/v1/reports", report(0),
                                  token=tok, expect=201)
        stored[j["id"]] = report(0)
        first = j["id"]
        st, j = inst.json_request(
            "POST", f"/api/v1/reports/{first}/alert",
            {"summary": "Violent client near the park.", "severity": "high",
             "regions": ["ca-bc-van"],
             "identifiers": report(0)["identifiers"]},
            token=staff, expect=201)
        alert_id = j["alert_id"]
        inst.stop()

        limit = data_bytes(inst.data) + HEADROOM
        note(f"RLIMIT_FSIZE {limit}")
        inst.start(preexec_fn=limit_fsize(limit))
        # Fill: the database grows until a write no longer fits.
        full = None
        for i in range(1, MAX_FILL):
            r = inst.request("POST", "/api/v1/reports", report(i),
                             token=tok)
            if r.status == 201:
                stored[r.json()["id"]] = report(i)
                continue
            full = r
            break
        assert full is not None, (
            f"{MAX_FILL} reports fit under a {limit}-byte file size limit")
        assert len(stored) > 1, "no report fitted under the limit at all"
        j = assert_json_503(full, "the report that did not fit")
        note(f"{len(stored) - 1} reports fitted; then: {j}")
        assert "full" in j["error"].lower(), (
            f"the error does not say the disk is full: {j}")

        # Each later report is either stored or refused the same way.
        # Report ids are random, so a report may land in a b-tree leaf
        # with room and need fewer new pages than the one refused: the
        # space left may still hold it. What must never happen is any
        # other answer, or a 201 for a report that is not kept.
        declined = 0
        for i in range(MAX_FILL, MAX_FILL + 5):
            r = inst.request("POST", "/api/v1/reports", report(i),
                             token=tok)
            if r.status == 201:
                stored[r.json()["id"]] = report(i)
                continue
            assert_json_503(r, f"report {i} on a full disk")
            declined += 1
        note(f"{declined} of 5 further reports refused")

        # Reads keep working.
        assert inst.healthy(), "/healthz fails on a full disk"
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca-bc-van",
                                  token=tok, expect=200)
        assert alert_id in [a["id"] for a in j["alerts"]], j
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone",
                                   "value": "+1 604 555 1000"},
                                  token=tok, expect=200)
        assert j["level"] in ("red", "amber"), j
        # Reading a report unsealed is audited first. Audit rows are
        # small and may still fit for a while; once one does not, the
        # read must be refused (503), never shown unaudited.
        served, refused = 0, None
        for _ in range(MAX_FILL):
            r = inst.request("GET", f"/api/v1/reports/{first}", token=tok)
            if r.status != 200:
                refused = r
                break
            served += 1
            assert r.json()["narrative"] == stored[first]["narrative"]
        note(f"{served} unsealed reads served on the full disk")
        assert refused is not None, f"{MAX_FILL} audited reads fitted"
        assert_json_503(refused, "reading a report on a full disk")
        # A help request is stored nowhere either, and says why.
        r = inst.request("POST", "/api/v1/help-requests",
                         {"contact": {"method": "phone",
                                      "value": "+1 604 555 0100"},
                          "needs": ["safety_planning"],
                          "danger_now": False})
        j = assert_json_503(r, "a help request on a full disk")
        assert "full" in j["error"].lower(), j
        # Logging in writes a session: 503 when it does not fit.
        r = inst.request("POST", "/api/v1/login",
                         {"name": OUTREACH[0], "password": OUTREACH[2]})
        if r.status != 200:
            assert_json_503(r, "logging in on a full disk")

        # The web pages answer 503 too.
        page = web.get("/report")
        assert page.status == 200, f"GET /report on a full disk: {page}"
        r = web.post_form("/report", [
            ("csrf", find_csrf(page.text)), ("types", "violence"),
            ("occurred_on", report(0)["occurred_on"]),
            ("region", "ca-bc-van"), ("narrative", "z" * 3000),
            ("police", "none")])
        assert r.status == 503, f"POST /report on a full disk: {r}"
        assert r.headers.get("content-type", "").startswith("text/html"), r
        # The form comes back as she filled it, and says why.
        assert "disk is full" in r.text, r.text
        assert ">\n" + "z" * 3000 + "</textarea>" in r.text, \
            "the narrative she wrote is not in the form any more"
        r = web.get("/alerts")
        assert r.status == 200, f"GET /alerts on a full disk: {r}"

        assert inst.proc.poll() is None, "the server died"
        log = inst.server_log()
        assert "answered 500" not in log, "a request was answered 500"

        # Room again, without a restart: writes work at once.
        resource.prlimit(inst.proc.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  report(MAX_FILL + 5), token=tok,
                                  expect=201)
        stored[j["id"]] = report(MAX_FILL + 5)
        inst.stop()
        check_offline(inst, "after running out of space")

        # After a restart: everything is there, and writes work.
        inst.start()
        for rid, sent in stored.items():
            assert_intact(inst, tok, rid, sent)
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  report(MAX_FILL + 10), token=tok,
                                  expect=201)
        assert_intact(inst, tok, j["id"], report(MAX_FILL + 10))
        inst.stop()
        # Each report shown on the full disk was audited.
        assert audit_reads(inst.db_path, first) >= served + 1
        check_offline(inst, "after the restart")


if __name__ == "__main__":
    lookout_test.main()

"""`lookout export`: the organisation's data as JSON. Without
--include-sealed nothing sealed is in it; with it the sealed fields are,
and the export is in the audit log. The file is new (never overwritten)
and of mode 0600; a report held until matched is never exported."""

import datetime
import json
import os
import stat

import lookout_test
from lookout_test import Instance, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER_A = ("Amara", "member", "amara's long password", ["ca-bc-van"])
MEMBER_B = ("Bea", "member", "bea's long password", ["ca-bc-van"])

NARRATIVE = "Quetzalcoatl-narrative-8841"
HELD_NARRATIVE = "Held-narrative-5123"
AREA = "Xylophone-Alley-5519"
CONTACT = "call-me-Periwinkle"
PHONE = "+1 604 555 7391"
MARKS = "Snake-tattoo-left-hand"
SUMMARY = "Violent client; screen before booking."
SEALED = [NARRATIVE, AREA, CONTACT, PHONE, MARKS]


def audit_actions(data):
    return lookout_test.db_query(data, "SELECT action, detail FROM audit "
                                 "ORDER BY seq")


def setup_reports(inst):
    """One alerted report with every sealed field, and one held report
    by another member that nobody but her may read."""
    staff = inst.login(OUTREACH[0], OUTREACH[2])
    a = inst.login(MEMBER_A[0], MEMBER_A[2])
    b = inst.login(MEMBER_B[0], MEMBER_B[2])
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    st, j = inst.json_request("POST", "/api/v1/reports", {
        "types": ["violence", "threats"], "occurred_on": day,
        "time_window": "20:00-23:00", "region": "ca-bc-van", "area": AREA,
        "narrative": NARRATIVE, "contact": CONTACT,
        "offender": {"marks": MARKS, "build": "heavy"},
        "vehicle": {"make": "Honda", "colour": "silver"},
        "identifiers": [{"kind": "phone", "value": PHONE}],
        "consent": {"alert": True, "police": "none", "share_orgs": False}},
        token=a, expect=201)
    rid = j["id"]
    st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert", {
        "summary": SUMMARY, "severity": "high", "regions": ["ca-bc-van"],
        "identifiers": [{"kind": "phone", "value": PHONE}]},
        token=staff, expect=201)
    inst.json_request("POST", "/api/v1/reports", {
        "types": ["stalking"], "occurred_on": day, "region": "ca-bc-van",
        "narrative": HELD_NARRATIVE, "consent": {"alert": False},
        "hold_until_matched": True}, token=b, expect=201)
    return rid, j["alert_id"]


def export(inst, path, sealed=False):
    args = ["export", "--data", inst.data, "-o", path]
    if sealed:
        args.append("--include-sealed")
    return run_cli(args)


def load(path):
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600, f"{path} has mode {mode:o}, expected 600"
    with open(path, "rb") as f:
        raw = f.read()
    return raw, json.loads(raw)


def test_export_without_and_with_sealed():
    with Instance(regions=REGIONS,
                  users=[OUTREACH, MEMBER_A, MEMBER_B]) as inst:
        rid, alert_id = setup_reports(inst)
        inst.stop()
        before = len(audit_actions(inst.data))

        plain = os.path.join(inst.tmp, "plain.json")
        rc, out, err = export(inst, plain)
        assert rc == 0, f"export exited {rc}\n{out}\n{err}"
        raw, doc = load(plain)
        for secret in SEALED + [HELD_NARRATIVE, "6045557391"]:
            assert secret.encode() not in raw, f"plain export holds {secret}"
        assert doc["include_sealed"] is False, doc
        assert [r["code"] for r in doc["regions"]] == \
            ["ca", "ca-bc", "ca-bc-van"], doc["regions"]
        assert doc["regions"][2]["parent"] == "ca-bc", doc["regions"]
        assert len(doc["alerts"]) == 1, doc["alerts"]
        al = doc["alerts"][0]
        assert al["id"] == alert_id and al["summary"] == SUMMARY, al
        assert al["regions"] == ["ca-bc-van"], al
        assert sorted(al["types"]) == ["threats", "violence"], al
        assert "identifiers" not in al, al
        # The held report is not there at all.
        assert [r["id"] for r in doc["reports"]] == [rid], doc["reports"]
        rep = doc["reports"][0]
        assert rep["status"] == "alerted" and rep["alert_id"] == alert_id
        assert rep["region"] == "ca-bc-van" and rep["source"] == "web", rep
        assert rep["time_window"] == "20:00-23:00", rep
        assert rep["consent"] == {"alert": True, "police": "none",
                                  "share_orgs": False}, rep
        for k in ("narrative", "area", "contact", "offender", "vehicle",
                  "identifiers"):
            assert k not in rep, f"plain export has {k}: {rep}"
        acts = audit_actions(inst.data)[before:]
        assert ("export", "reports=1") in acts, acts

        sealed = os.path.join(inst.tmp, "sealed.json")
        rc, out, err = export(inst, sealed, sealed=True)
        assert rc == 0, f"export --include-sealed exited {rc}\n{out}\n{err}"
        raw, doc = load(sealed)
        assert doc["include_sealed"] is True
        assert HELD_NARRATIVE.encode() not in raw, "held report exported"
        rep = doc["reports"][0]
        assert rep["narrative"] == NARRATIVE, rep
        assert rep["area"] == AREA and rep["contact"] == CONTACT, rep
        assert rep["offender"]["marks"] == MARKS, rep
        assert rep["vehicle"]["make"] == "Honda", rep
        assert rep["identifiers"] == [{"kind": "phone", "value": PHONE}], rep
        assert doc["alerts"][0]["identifiers"] == \
            [{"kind": "phone", "value": "+16045557391"}], doc["alerts"]
        acts = audit_actions(inst.data)
        assert ("export.sealed", "reports=1") in acts, acts
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, out + err


def test_export_never_overwrites():
    with Instance(regions=REGIONS, start=False) as inst:
        path = os.path.join(inst.tmp, "existing.json")
        with open(path, "w") as f:
            f.write("keep me")
        before = audit_actions(inst.data)
        for sealed in (False, True):
            rc, out, err = export(inst, path, sealed)
            assert rc == 1, f"export over a file exited {rc}\n{out}\n{err}"
            assert "exists" in err, err
            with open(path) as f:
                assert f.read() == "keep me", "export overwrote the file"
        # Nor through a symbolic link to a file that is not there yet.
        link = os.path.join(inst.tmp, "link.json")
        target = os.path.join(inst.tmp, "target.json")
        os.symlink(target, link)
        rc, out, err = export(inst, link, True)
        assert rc == 1, f"export through a symlink exited {rc}\n{out}{err}"
        assert not os.path.exists(target), "export followed a symlink"
        # Refusals export nothing, so they audit nothing.
        assert audit_actions(inst.data) == before


def test_export_usage():
    with Instance(start=False) as inst:
        rc, out, err = run_cli(["export", "--help"])
        assert rc == 0, (rc, out, err)
        for flag in ("--data", "-o", "--include-sealed"):
            assert flag in out, (flag, out)
        path = os.path.join(inst.tmp, "x.json")
        for args in (["export", "--data", inst.data],
                     ["export", "-o", path],
                     ["export", "--data", inst.data, "-o", path, "--bogus"]):
            rc, out, err = run_cli(args)
            assert rc == 2, (args, rc, out, err)
        assert not os.path.exists(path)
        # An empty organisation exports as empty lists.
        rc, out, err = run_cli(["export", "--data", inst.data, "-o", path])
        assert rc == 0, (rc, out, err)
        raw, doc = load(path)
        assert doc["reports"] == [] and doc["alerts"] == [], doc
        assert doc["format"] == "lookout-export", doc


if __name__ == "__main__":
    lookout_test.main()

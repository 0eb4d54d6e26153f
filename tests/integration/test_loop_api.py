"""The core loop over the JSON API: invite and register, report, the
moderation queue, reading a report unsealed, publishing an alert, the
alerts of a region, and screening every way a worker might type an
identifier."""

import datetime
import re

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER_A = ("Amara", "member", "amara's long password", ["ca-bc-van"])
MEMBER_B = ("Bea", "member", "bea's long password", ["ca-bc-van"])

NOTE = "no report is not a guarantee of safety"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def days_ago(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


REPORT = {
    "types": ["violence", "threats"],
    "occurred_on": days_ago(2),
    "time_window": "20:00-23:00",
    "region": "ca-bc-van",
    "area": "near the park on 5th",
    "offender": {"age_range": "40-50", "gender": "man", "height": "tall",
                 "build": "heavy", "hair": "grey", "skin": "",
                 "marks": "scorpion tattoo, left hand",
                 "language": "English"},
    "vehicle": {"make": "Honda", "model": "Civic", "colour": "silver",
                "plate": "abc-123"},
    "identifiers": [{"kind": "phone", "value": "+1 (604) 555-0142"},
                    {"kind": "email", "value": "J.Smith+x@GMail.com"},
                    {"kind": "handle", "value": "@Johnny_B"}],
    "narrative": "He grabbed my arm when I asked for the money.\n"
                 "Second line: \u00e9t\u00e9, \u4f60\u597d.",
    "consent": {"alert": True, "police": "none", "share_orgs": True},
    "hold_until_matched": False,
    "contact": "text me at the drop-in",
    "source": "web",
}

SUMMARY = ("Violent client with a scorpion tattoo on his left hand; "
           "drives a silver Civic.")


def report(inst, tok, body, expect=201):
    st, j = inst.json_request("POST", "/api/v1/reports", body, token=tok,
                              expect=expect)
    if expect == 201:
        assert set(j) == {"id"} and isinstance(j["id"], int), j
        assert 0 < j["id"] < 2 ** 53, j
        return j["id"]
    return j


def publish(inst, tok, rid, summary, severity, regions, idents):
    st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert",
                              {"summary": summary, "severity": severity,
                               "regions": regions, "identifiers": idents},
                              token=tok, expect=201)
    assert isinstance(j.get("alert_id"), int) and j["alert_id"] > 0, j
    return j["alert_id"]


def screen(inst, tok, kind, value, expect=200):
    st, j = inst.json_request("POST", "/api/v1/screen",
                              {"kind": kind, "value": value}, token=tok,
                              expect=expect)
    return j


def queue(inst, tok):
    st, j = inst.json_request("GET", "/api/v1/reports?status=new", token=tok,
                              expect=200)
    return j["reports"]


def test_loop_over_the_api():
    with Instance(regions=REGIONS,
                  users=[OUTREACH, MEMBER_A, MEMBER_B]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        a = inst.login(MEMBER_A[0], MEMBER_A[2])
        b = inst.login(MEMBER_B[0], MEMBER_B[2])

        # -- invite and register -------------------------------------
        st, j = inst.json_request("POST", "/api/v1/invites", token=staff,
                                  expect=201)
        code = j["code"]
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code), j
        st, j = inst.json_request("POST", "/api/v1/invites", token=b)
        assert st == 403, (st, j)
        st, reg = inst.json_request("POST", "/api/v1/register",
                                    {"code": code.lower(), "name": "Cleo",
                                     "password": "cleo's long password"},
                                    expect=201)
        assert reg["role"] == "member" and reg["token"], reg
        st, me = inst.json_request("GET", "/api/v1/me", token=reg["token"],
                                   expect=200)
        assert me["role"] == "member", me
        # A code works once.
        st, j = inst.json_request("POST", "/api/v1/register",
                                  {"code": code, "name": "Cleo2",
                                   "password": "cleo's long password"})
        assert st == 400 and j["field"] == "code", (st, j)
        assert inst.login("Cleo", "cleo's long password")

        # -- report --------------------------------------------------
        bad = dict(REPORT, identifiers=[{"kind": "phone", "value": "abc"}])
        j = report(inst, a, bad, expect=400)
        assert j["field"] == "identifiers[0].value", j
        j = report(inst, a, dict(REPORT, identifiers=[
            {"kind": "fax", "value": "123"}]), expect=400)
        assert j["field"] == "identifiers[0].kind", j
        j = report(inst, a, dict(REPORT, region="nowhere"), expect=400)
        assert j["field"] == "region" and j["error"], j
        j = report(inst, a, {k: v for k, v in REPORT.items()
                             if k != "occurred_on"}, expect=400)
        assert j["field"] == "occurred_on", j
        j = report(inst, a, dict(REPORT, colour="red"), expect=400)
        assert j["field"] == "colour", j

        rid = report(inst, a, REPORT)
        # A later, non-urgent report: it must queue after the urgent one.
        rid2 = report(inst, a, {
            "types": ["non_payment"], "occurred_on": days_ago(1),
            "region": "ca-bc-van",
            "identifiers": [{"kind": "phone", "value": "+1 604 555 0199"}],
            "consent": {"alert": True}})
        rid3 = report(inst, a, {
            "types": ["robbery"], "occurred_on": days_ago(1),
            "region": "ca-bc-vic",
            "identifiers": [{"kind": "phone", "value": "250-555-0177"}],
            "consent": {"alert": True}})

        # -- the queue -----------------------------------------------
        q = queue(inst, staff)
        ids = [r["id"] for r in q]
        assert set(ids) == {rid, rid2, rid3}, q
        assert ids.index(rid) < ids.index(rid2), ("urgent first", q)
        assert ids.index(rid3) < ids.index(rid2), ("urgent first", q)
        line = q[ids.index(rid)]
        assert set(line) >= {"id", "types", "region", "created_at", "status",
                             "matched"}, line
        assert line["types"] == ["violence", "threats"], line
        assert line["region"] == "ca-bc-van", line
        assert ISO_UTC.match(line["created_at"]), line
        assert line["status"] == "new" and line["matched"] is False, line
        st, j = inst.json_request("GET", "/api/v1/reports?status=held",
                                  token=staff)
        assert st == 400 and j["field"] == "status", (st, j)
        st, j = inst.json_request("GET", "/api/v1/reports?colour=red",
                                  token=staff)
        assert st == 400, (st, j)

        st, mine = inst.json_request("GET", "/api/v1/reports/mine", token=a,
                                     expect=200)
        assert {r["id"] for r in mine["reports"]} == {rid, rid2, rid3}, mine
        st, mine = inst.json_request("GET", "/api/v1/reports/mine", token=b,
                                     expect=200)
        assert mine["reports"] == [], mine

        # -- read it, unsealed ---------------------------------------
        for tok in (staff, a):
            st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                        token=tok, expect=200)
            assert got["id"] == rid, got
            for k in ("types", "occurred_on", "time_window", "region",
                      "area", "offender", "vehicle", "narrative", "consent",
                      "contact", "source"):
                assert got[k] == REPORT[k], (k, got[k], REPORT[k])
            # The identifiers as typed; the vehicle's plate joins them.
            assert got["identifiers"][:3] == REPORT["identifiers"], got
            assert {"kind": "plate", "value": "abc-123"} in \
                got["identifiers"], got
            assert got["status"] == "new" and got["matched"] is False, got
            assert ISO_UTC.match(got["created_at"]), got
            assert got["alert_id"] is None, got

        # Someone else's report does not exist, for her.
        st, j = inst.json_request("GET", f"/api/v1/reports/{rid}", token=b)
        assert st == 404, (st, j)
        assert "Civic" not in str(j) and "5th" not in str(j), j
        st, j = inst.json_request("GET", "/api/v1/reports/12345", token=staff)
        assert st == 404, (st, j)
        st, j = inst.json_request("GET", "/api/v1/reports/abc", token=staff)
        assert st == 404, (st, j)

        # Nor can a member moderate.
        body = {"summary": SUMMARY, "severity": "high",
                "regions": ["ca-bc-van"], "identifiers": []}
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert",
                                  body, token=b)
        assert st == 403, (st, j)
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/no-alert",
                                  {"reason": "no"}, token=b)
        assert st == 403, (st, j)
        st, j = inst.json_request("GET", "/api/v1/reports?status=new",
                                  token=b)
        assert st == 403, (st, j)

        # -- publish ---------------------------------------------------
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert",
                                  dict(body, severity="extreme"),
                                  token=staff)
        assert st == 400 and j["field"] == "severity", (st, j)
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert",
                                  dict(body, identifiers=[
                                      {"kind": "phone", "value": "***"}]),
                                  token=staff)
        assert st == 400 and j["field"] == "identifiers[0].value", (st, j)
        alert = publish(inst, staff, rid, SUMMARY, "high", ["ca-bc-van"], [
            {"kind": "phone", "value": "+1 (604) 555-0142"},
            {"kind": "email", "value": "J.Smith+x@GMail.com"},
            {"kind": "plate", "value": "abc-123"},
            {"kind": "handle", "value": "@Johnny_B"}])
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=staff, expect=200)
        assert got["status"] == "alerted" and got["alert_id"] == alert, got
        # Once moderated, it leaves the queue and is not published twice.
        assert rid not in [r["id"] for r in queue(inst, staff)]
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert",
                                  body, token=staff)
        assert st == 409, (st, j)

        amber = publish(inst, staff, rid2, "Refused to pay after the date.",
                        "low", ["ca-bc-van"],
                        [{"kind": "phone", "value": "604-555-0199"}])
        away = publish(inst, staff, rid3, "Robbed a worker at knifepoint.",
                       "high", ["ca-bc-vic"],
                       [{"kind": "phone", "value": "250-555-0177"}])

        # -- screening -------------------------------------------------
        variants = [("phone", "604.555.0142"), ("phone", "1-604-555-0142"),
                    ("phone", "\uff16\uff10\uff14\uff15\uff15\uff15\uff10"
                              "\uff11\uff14\uff12"),
                    ("phone", "***-0142"),
                    ("email", "jsmith@googlemail.com"),
                    ("plate", "ABC 123"), ("plate", "AB?12?"),
                    ("handle", "johnny_b"), ("keyword", "scorpion")]
        for kind, value in variants:
            j = screen(inst, b, kind, value)
            assert j["level"] == "red", (kind, value, j)
            assert j["note"] == NOTE, j
            m = [x for x in j["matches"] if x["alert_id"] == alert]
            assert m, (kind, value, j)
            m = m[0]
            assert m["severity"] == "high" and m["summary"] == SUMMARY, m
            assert m["regions"] == ["ca-bc-van"], m
            assert DATE.match(m["issued_on"]), m
            assert m["elsewhere"] is False, m

        j = screen(inst, b, "phone", "+1 778 555 0100")
        assert j == {"level": "green", "matches": [], "note": NOTE}, j
        j = screen(inst, b, "phone", "(604) 555-0199")
        assert j["level"] == "amber", j
        assert [m["alert_id"] for m in j["matches"]] == [amber], j
        j = screen(inst, b, "phone", "+1 250 555 0177")
        assert j["level"] == "red", j
        assert [m["alert_id"] for m in j["matches"]] == [away], j
        assert j["matches"][0]["elsewhere"] is True, j
        assert j["matches"][0]["regions"] == ["ca-bc-vic"], j

        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "hello"},
                                  token=b)
        assert st == 400 and j["field"] == "value" and j["error"], (st, j)
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "fax", "value": "6045550142"},
                                  token=b)
        assert st == 400 and j["field"] == "kind", (st, j)
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone"}, token=b)
        assert st == 400 and j["field"] == "value", (st, j)
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "6045550142"})
        assert st == 401, (st, j)

        # -- alerts of a region ---------------------------------------
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca-bc",
                                  token=b, expect=200)
        by_id = {x["id"]: x for x in j["alerts"]}
        assert set(by_id) == {alert, amber, away}, j
        x = by_id[alert]
        assert x == {"id": alert, "summary": SUMMARY, "severity": "high",
                     "types": ["violence", "threats"],
                     "regions": ["ca-bc-van"],
                     "issued_on": x["issued_on"]}, x
        assert DATE.match(x["issued_on"]), x
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca-bc-vic",
                                  token=b, expect=200)
        assert [x["id"] for x in j["alerts"]] == [away], j
        st, j = inst.json_request("GET", "/api/v1/alerts?region=nowhere",
                                  token=b)
        assert st == 400 and j["field"] == "region", (st, j)
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca",
                                  token=staff, expect=200)
        assert {x["id"] for x in j["alerts"]} == {alert, amber, away}, j
        # Alerts never name the reporter.
        assert "Amara" not in str(j), j

        # -- attach and no-alert --------------------------------------
        rid4 = report(inst, b, {
            "types": ["stalking"], "occurred_on": days_ago(1),
            "region": "ca-bc-van", "consent": {"alert": True}})
        path = f"/api/v1/reports/{rid4}/attach"
        st, j = inst.json_request("POST", path, {"alert_id": 0}, token=staff)
        assert st == 400 and j["field"] == "alert_id", (st, j)
        st, j = inst.json_request("POST", path, {"alert_id": "x"},
                                  token=staff)
        assert st == 400 and j["field"] == "alert_id", (st, j)
        st, j = inst.json_request("POST", path, {"alert_id": 987654321},
                                  token=staff)
        assert st == 404, (st, j)
        inst.json_request("POST", path, {"alert_id": alert}, token=staff,
                          expect=200)
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid4}",
                                    token=b, expect=200)
        assert got["status"] == "attached" and got["alert_id"] == alert, got
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca-bc-van",
                                  token=b, expect=200)
        x = [x for x in j["alerts"] if x["id"] == alert][0]
        assert x["types"] == ["violence", "threats", "stalking"], x

        rid5 = report(inst, b, {
            "types": ["other"], "occurred_on": days_ago(1),
            "region": "ca-bc-van", "consent": {"alert": True}})
        path = f"/api/v1/reports/{rid5}/no-alert"
        st, j = inst.json_request("POST", path, {}, token=staff)
        assert st == 400 and j["field"] == "reason", (st, j)
        inst.json_request("POST", path, {"reason": "not enough to go on"},
                          token=staff, expect=200)
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid5}",
                                    token=staff, expect=200)
        assert got["status"] == "no_alert" and got["alert_id"] is None, got
        assert rid5 not in [r["id"] for r in queue(inst, staff)]

        # -- a report is moderated once -------------------------------
        # Whatever was decided first stands: a second decision of any
        # kind is refused and changes nothing.
        for rid, status in ((rid4, "attached"), (rid5, "no_alert")):
            for sub, body in (("no-alert", {"reason": "again"}),
                              ("attach", {"alert_id": amber}),
                              ("alert", {"summary": "again",
                                         "severity": "low",
                                         "regions": ["ca-bc-van"]})):
                st, j = inst.json_request(
                    "POST", f"/api/v1/reports/{rid}/{sub}", body,
                    token=staff)
                assert st == 409 and "already been moderated" in \
                    j.get("error", ""), (rid, sub, st, j)
            st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                        token=staff, expect=200)
            assert got["status"] == status, (rid, got)
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid4}",
                                    token=staff, expect=200)
        assert got["alert_id"] == alert, got

        # -- the feed token -------------------------------------------
        st, j = inst.json_request("POST", "/api/v1/me/feed-token", token=b,
                                  expect=201)
        assert j["token"] and j["url"] == f"/feed/{j['token']}.atom", j
        st, j2 = inst.json_request("POST", "/api/v1/me/feed-token", token=b,
                                   expect=201)
        assert j2["token"] != j["token"], (j, j2)
        st, j = inst.json_request("POST", "/api/v1/me/feed-token",
                                  token=staff)
        assert st == 403, (st, j)
        inst.json_request("DELETE", "/api/v1/me/feed-token", token=b,
                          expect=204)


if __name__ == "__main__":
    lookout_test.main()

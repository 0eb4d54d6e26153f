"""Consent governs sharing: no alert without the reporter's yes; she can
lower a choice but never raise it; withdrawing destroys what she wrote;
deleting removes the report."""

import datetime

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc"])
OTHER = ("Bea", "member", "bea's long password", ["ca-bc"])

NARRATIVE = "He followed me to the bus stop (consent test narrative)."
SUMMARY = "Follows workers to the bus stop after the date."


def test_consent_rules():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER, OTHER]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        me = inst.login(MEMBER[0], MEMBER[2])
        other = inst.login(OTHER[0], OTHER[2])
        day = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
        st, j = inst.json_request("POST", "/api/v1/reports", {
            "types": ["stalking"], "occurred_on": day, "region": "ca-bc",
            "area": "the bus stop on Main", "narrative": NARRATIVE,
            "contact": "call the drop-in",
            "identifiers": [{"kind": "phone", "value": "604 555 0123"}],
            "consent": {"alert": False, "police": "full",
                        "share_orgs": True}}, token=me, expect=201)
        rid = j["id"]

        # No alert without consent: 409, and nothing is published.
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert",
                                  {"summary": SUMMARY, "severity": "high",
                                   "regions": ["ca-bc"],
                                   "identifiers": [{"kind": "phone",
                                                    "value": "6045550123"}]},
                                  token=staff)
        assert st == 409 and j["error"], (st, j)
        st, j = inst.json_request("GET", "/api/v1/alerts", token=staff,
                                  expect=200)
        assert j["alerts"] == [], j
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca",
                                  token=other, expect=200)
        assert j["alerts"] == [], j
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "6045550123"},
                                  token=other, expect=200)
        assert j["level"] == "green" and j["matches"] == [], j
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=staff, expect=200)
        assert got["status"] == "new" and got["alert_id"] is None, got

        # Lower police sharing: full -> anonymous.
        path = f"/api/v1/reports/{rid}"
        lower = {"alert": False, "police": "anonymous", "share_orgs": True}
        st, j = inst.json_request("PATCH", path, {"consent": lower},
                                  token=me, expect=200)
        assert j == {"consent": lower}, j
        st, got = inst.json_request("GET", path, token=me, expect=200)
        assert got["consent"] == lower, got

        # Raising any choice is refused, with a message, and changes
        # nothing.
        for raised in ({"alert": False, "police": "full",
                        "share_orgs": True},
                       {"alert": True, "police": "anonymous",
                        "share_orgs": True}):
            st, j = inst.json_request("PATCH", path, {"consent": raised},
                                      token=me)
            assert st == 403, (raised, st, j)
            assert j["error"] and "lower" in j["error"], j
        st, got = inst.json_request("GET", path, token=me, expect=200)
        assert got["consent"] == lower, got

        # Every choice must be spelled out in a change.
        st, j = inst.json_request("PATCH", path,
                                  {"consent": {"alert": False}}, token=me)
        assert st == 400 and j["field"].startswith("consent."), (st, j)
        st, j = inst.json_request("PATCH", path,
                                  {"consent": dict(lower, police="most")},
                                  token=me)
        assert st == 400 and j["field"] == "consent.police", (st, j)
        # Only the owner changes it; staff cannot.
        none = {"alert": False, "police": "none", "share_orgs": False}
        st, j = inst.json_request("PATCH", path, {"consent": none},
                                  token=other)
        assert st == 404, (st, j)
        st, j = inst.json_request("PATCH", path, {"consent": none},
                                  token=staff)
        assert st == 403, (st, j)

        # Withdraw: the status says so and what she wrote is gone.
        st, j = inst.json_request("POST", f"{path}/withdraw", token=other)
        assert st == 404, (st, j)
        st, j = inst.json_request("POST", f"{path}/withdraw", token=me,
                                  expect=200)
        st, got = inst.json_request("GET", path, token=me, expect=200)
        assert got["status"] == "withdrawn", got
        assert not got["narrative"], got
        assert not got["area"] and not got["contact"], got
        assert NARRATIVE not in str(got), got
        assert all(not i["value"] for i in got["identifiers"]), got
        st, q = inst.json_request("GET", "/api/v1/reports?status=new",
                                  token=staff, expect=200)
        assert rid not in [r["id"] for r in q["reports"]], q
        st, j = inst.json_request("POST", f"{path}/no-alert",
                                  {"reason": "withdrawn"}, token=staff)
        assert st == 410, (st, j)

        # Delete: 204, then it does not exist, for anyone.
        st, j = inst.json_request("DELETE", path, token=other)
        assert st == 404, (st, j)
        st, j = inst.json_request("DELETE", path, token=me, expect=204)
        assert j is None, j
        for tok in (me, staff):
            st, j = inst.json_request("GET", path, token=tok)
            assert st == 404, (st, j)
        st, j = inst.json_request("DELETE", path, token=me)
        assert st == 404, (st, j)
        st, mine = inst.json_request("GET", "/api/v1/reports/mine", token=me,
                                     expect=200)
        assert mine["reports"] == [], mine


if __name__ == "__main__":
    lookout_test.main()

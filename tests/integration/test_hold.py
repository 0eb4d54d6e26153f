"""Hold until matched: a held report stays out of the queue, and out of
staff's sight, until a second report names the same identifier; then
both surface, marked matched."""

import datetime

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER_A = ("Amara", "member", "amara's long password", ["ca-bc"])
MEMBER_B = ("Bea", "member", "bea's long password", ["ca-bc"])


def body(phone, hold):
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    return {"types": ["threats"], "occurred_on": day, "region": "ca-bc",
            "identifiers": [{"kind": "phone", "value": phone}],
            "narrative": "He said he knew where I live.",
            "consent": {"alert": True, "police": "none",
                        "share_orgs": False},
            "hold_until_matched": hold}


def queue(inst, tok):
    st, j = inst.json_request("GET", "/api/v1/reports?status=new", token=tok,
                              expect=200)
    return {r["id"]: r for r in j["reports"]}


def test_hold_until_matched():
    with Instance(regions=REGIONS,
                  users=[OUTREACH, MEMBER_A, MEMBER_B]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        a = inst.login(MEMBER_A[0], MEMBER_A[2])
        b = inst.login(MEMBER_B[0], MEMBER_B[2])

        st, j = inst.json_request("POST", "/api/v1/reports",
                                  body("+1 (604) 555-0142", True), token=a,
                                  expect=201)
        held = j["id"]
        # An unrelated report, so the queue is not simply empty.
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  body("+1 604 555 0999", False), token=b,
                                  expect=201)
        unrelated = j["id"]

        q = queue(inst, staff)
        assert held not in q and unrelated in q, q
        assert q[unrelated]["matched"] is False, q
        # Staff cannot read it or act on it either.
        st, j = inst.json_request("GET", f"/api/v1/reports/{held}",
                                  token=staff)
        assert st == 404, (st, j)
        st, j = inst.json_request("POST", f"/api/v1/reports/{held}/alert",
                                  {"summary": "x", "severity": "high",
                                   "regions": ["ca-bc"]}, token=staff)
        assert st == 404, (st, j)
        # Its owner sees it, held.
        st, j = inst.json_request("GET", "/api/v1/reports/mine", token=a,
                                  expect=200)
        assert [(r["id"], r["status"]) for r in j["reports"]] == \
            [(held, "held")], j
        st, j = inst.json_request("GET", f"/api/v1/reports/{held}", token=a,
                                  expect=200)
        assert j["status"] == "held", j

        # Another member names the same phone, typed differently.
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  body("604.555.0142", False), token=b,
                                  expect=201)
        second = j["id"]
        q = queue(inst, staff)
        assert held in q and second in q, q
        assert q[held]["matched"] is True, q[held]
        assert q[second]["matched"] is True, q[second]
        assert q[held]["status"] == "new", q[held]
        assert q[unrelated]["matched"] is False, q[unrelated]
        st, j = inst.json_request("GET", f"/api/v1/reports/{held}",
                                  token=staff, expect=200)
        assert j["matched"] is True and j["status"] == "new", j
        assert j["identifiers"] == [{"kind": "phone",
                                     "value": "+1 (604) 555-0142"}], j


if __name__ == "__main__":
    lookout_test.main()

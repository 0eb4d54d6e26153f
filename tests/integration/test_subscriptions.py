"""A member chooses the regions she follows; her alert list and her
"also reported in" answers follow that choice."""

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-on", "Ontario", "ca")]
MEMBER = ("mina", "member", "mina's long password", [])
OUTREACH = ("owen", "outreach", "owen's long password", ["ca"])
SUBS = "/api/v1/me/subscriptions"


def test_choose_regions():
    with Instance(regions=REGIONS, users=[MEMBER, OUTREACH]) as inst:
        member = inst.login(MEMBER[0], MEMBER[2])
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        st, j = inst.json_request("GET", SUBS, token=member, expect=200)
        assert j == {"regions": [], "email": "", "sms": "",
                     "lang": "en"}, j

        # An alert in Ontario.
        st, rep = inst.json_request("POST", "/api/v1/reports", {
            "types": ["threats"], "occurred_on": "2026-11-20",
            "region": "ca-on", "consent": {"alert": True, "police": "none",
                                           "share_orgs": False}},
            token=staff, expect=201)
        st, al = inst.json_request(
            "POST", f"/api/v1/reports/{rep['id']}/alert",
            {"summary": "threatened a worker", "severity": "high",
             "regions": ["ca-on"], "identifiers": []},
            token=staff, expect=201)

        # Following nothing, she sees no alert by default.
        st, j = inst.json_request("GET", "/api/v1/alerts", token=member,
                                  expect=200)
        assert j["alerts"] == [], j

        st, j = inst.json_request("PUT", SUBS, {"regions": ["ca-bc-van"]},
                                  token=member, expect=200)
        assert j["regions"] == ["ca-bc-van"], j
        st, j = inst.json_request("GET", "/api/v1/alerts", token=member,
                                  expect=200)
        assert j["alerts"] == [], j
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "keyword", "value": "threatened"},
                                  token=member, expect=200)
        assert j["level"] == "red" and j["matches"][0]["elsewhere"], j

        # Following Canada takes in Ontario, the region under it.
        st, j = inst.json_request("PUT", SUBS, {"regions": ["ca"]},
                                  token=member, expect=200)
        st, j = inst.json_request("GET", "/api/v1/alerts", token=member,
                                  expect=200)
        assert [a["id"] for a in j["alerts"]] == [al["alert_id"]], j
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "keyword", "value": "threatened"},
                                  token=member, expect=200)
        assert not j["matches"][0]["elsewhere"], j

        # Unknown regions and undeclared fields change nothing.
        st, j = inst.json_request("PUT", SUBS, {"regions": ["xx-nowhere"]},
                                  token=member)
        assert st == 400 and j.get("field") == "regions", (st, j)
        st, j = inst.json_request("PUT", SUBS, {"regions": [], "fax": "1"},
                                  token=member)
        assert st == 400 and j.get("field") == "fax", (st, j)
        st, j = inst.json_request("GET", SUBS, token=member, expect=200)
        assert j["regions"] == ["ca"], j
        # Staff have no subscriptions of their own here.
        st, j = inst.json_request("GET", SUBS, token=staff)
        assert st == 403, (st, j)


if __name__ == "__main__":
    lookout_test.main()

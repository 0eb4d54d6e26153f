"""A case opened from a report whose reporter left a contact for
follow-up: staff of the organisation open it once; the contact is copied
into the case (a phone in E.164, an email address as given, anything
else kept as text for a drop-in); a report without a contact, a held or
withdrawn report, and roles other than staff are refused; the case joins
the queue with kind "report" and can be worked like any other."""

import datetime
import os

import lookout_test
from lookout_test import Instance

# It reads the PostgreSQL cluster's own files.
lookout_test.own_pg_cluster()

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
LIAISON = ("Lee", "liaison", "lee's long password", [])


def report_body(contact=None, hold=False):
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    b = {"types": ["threats"], "occurred_on": day, "region": "ca-bc-van",
         "narrative": "He followed me to the bus stop.",
         "consent": {"alert": False, "police": "none", "share_orgs": False},
         "hold_until_matched": hold}
    if contact is not None:
        b["contact"] = contact
    return b


def file_report(inst, tok, contact=None, hold=False):
    st, j = inst.json_request("POST", "/api/v1/reports",
                              report_body(contact, hold), token=tok,
                              expect=201)
    return j["id"]


def open_case(inst, tok, rid, expect=201):
    st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/case",
                              token=tok, expect=expect)
    if expect == 201:
        assert set(j) == {"case_id"} and isinstance(j["case_id"], int), j
        return j["case_id"]
    assert j.get("error"), j
    return j


def get_case(inst, tok, cid):
    st, j = inst.json_request("GET", f"/api/v1/cases/{cid}", token=tok,
                              expect=200)
    return j


def test_case_from_report():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER, LIAISON]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        amara = inst.login(MEMBER[0], MEMBER[2])
        lee = inst.login(LIAISON[0], LIAISON[2])

        by_phone = file_report(inst, amara, "604.555.0199")
        by_email = file_report(inst, amara, "Amara.W@Example.org")
        by_text = file_report(inst, amara, "ask for me at the drop-in, Tue")
        silent = file_report(inst, amara)
        held = file_report(inst, amara, "604.555.0123", hold=True)
        gone = file_report(inst, amara, "604.555.0124")
        inst.json_request("POST", f"/api/v1/reports/{gone}/withdraw",
                          token=amara, expect=200)

        # Only staff.
        for tok in (amara, lee):
            st, j = inst.json_request("POST",
                                      f"/api/v1/reports/{by_phone}/case",
                                      token=tok)
            assert st == 403, (st, j)
        st, j = inst.json_request("POST", f"/api/v1/reports/{by_phone}/case")
        assert st == 401, (st, j)

        c_phone = open_case(inst, staff, by_phone)
        c_email = open_case(inst, staff, by_email)
        c_text = open_case(inst, staff, by_text)
        # Once per report.
        open_case(inst, staff, by_phone, expect=409)
        # Nothing to follow up with; not visible; withdrawn; unknown.
        open_case(inst, staff, silent, expect=409)
        open_case(inst, staff, held, expect=404)
        open_case(inst, staff, gone, expect=410)
        open_case(inst, staff, 4242, expect=404)

        c = get_case(inst, staff, c_phone)
        assert c["kind"] == "report" and c["report_id"] == by_phone, c
        assert c["contact"] == {"method": "phone",
                                "value": "+16045550199"}, c
        assert c["status"] == "open" and c["priority"] == 4, c
        assert c["safe_times"] == "" and c["code_word"] == "", c
        assert c["needs"] == [] and c["language"] == "", c
        c = get_case(inst, staff, c_email)
        assert c["contact"] == {"method": "email",
                                "value": "Amara.W@Example.org"}, c
        c = get_case(inst, staff, c_text)
        assert c["contact"] == {"method": "dropin", "value":
                                "ask for me at the drop-in, Tue"}, c

        st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                                  expect=200)
        assert {x["id"] for x in j["cases"]} == {c_phone, c_email, c_text}
        assert all(x["kind"] == "report" for x in j["cases"]), j

        # Worked like any other case.
        inst.json_request("POST", f"/api/v1/cases/{c_phone}/assign", {},
                          token=staff, expect=200)
        inst.json_request("POST", f"/api/v1/cases/{c_phone}/notes",
                          {"text": "Texted; she is safe."}, token=staff,
                          expect=201)
        inst.json_request("POST", f"/api/v1/cases/{c_phone}/close",
                          {"outcome": "contacted"}, token=staff,
                          expect=200)
        c = get_case(inst, staff, c_phone)
        assert c["status"] == "closed" and c["outcome"] == "contacted", c
        # The report itself is untouched.
        st, r = inst.json_request("GET", f"/api/v1/reports/{by_phone}",
                                  token=staff, expect=200)
        assert r["contact"] == "604.555.0199", r

        inst.stop()
        created = lookout_test.db_query(
            inst.data, "SELECT object, detail FROM audit WHERE "
            "action = 'case.create'")
        kinds = lookout_test.db_query(
            inst.data, "SELECT kind, report_id, ref_hash IS NULL "
            "FROM cases ORDER BY report_id")
        assert sorted(d for _, d in created) == sorted(
            f"report:{r}" for r in (by_phone, by_email, by_text)), created
        assert sorted(kinds) == sorted(("report", r, 1) for r in
                                       (by_phone, by_email, by_text)), kinds
        for path in lookout_test.stored_files(inst.data, physical=True):
            name = os.path.basename(path)
            with open(path, "rb") as f:
                data = f.read()
            for secret in (b"+16045550199", b"6045550199",
                           b"Amara.W@Example.org", b"amara.w@example.org",
                           b"ask for me at the drop-in"):
                assert secret not in data, (name, secret)
        lookout_test.cli_ok(["audit", "verify", "--data", inst.data])


if __name__ == "__main__":
    lookout_test.main()

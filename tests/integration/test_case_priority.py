"""Case work over the JSON API: help requests arriving in any order are
triaged highest risk first (in danger now, under 18, coerced or ID/money
held, other) and oldest first within a priority; staff claim a case,
keep notes, and close it with an outcome ("referred" needs to whom);
members and liaisons get 403 on every case route; every read of a case
is audited and the audit chain still verifies."""

import re
import time

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Mia", "member", "mia's long password", ["ca-bc"])
LIAISON = ("Lee", "liaison", "lee's long password", [])

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LINE_KEYS = {"id", "priority", "status", "created_at", "kind", "needs",
             "language", "assigned_to"}


def request(code_word, danger=False, forced=False, held=False, under=False,
            needs=("other",)):
    return {"contact": {"method": "email", "value": "ask@example.org"},
            "safe_times": "evenings", "language": "fr",
            "code_word": code_word, "needs": list(needs),
            "danger_now": danger,
            "screening": {"forced": forced, "id_or_money_held": held,
                          "under_18": under}}


# Shuffled: nothing about the order of arrival may leak into the triage.
ARRIVALS = [
    ("cw-held", request("cw-held", held=True, needs=["money"])),
    ("cw-other-1", request("cw-other-1")),
    ("cw-danger", request("cw-danger", danger=True,
                          needs=["safety_planning", "leaving"])),
    ("cw-under", request("cw-under", under=True)),
    ("cw-coerced", request("cw-coerced", forced=True, needs=["legal"])),
]
LATER = ("cw-other-2", request("cw-other-2"))


def get_case(inst, tok, cid, expect=200):
    st, j = inst.json_request("GET", f"/api/v1/cases/{cid}", token=tok,
                              expect=expect)
    return j


def test_triage_and_work():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER, LIAISON]) as inst:
        for _, body in ARRIVALS:
            inst.json_request("POST", "/api/v1/help-requests", body,
                              expect=201)
        # Times are kept to the second: the later one is a second later.
        time.sleep(1.1)
        inst.json_request("POST", "/api/v1/help-requests", LATER[1],
                          expect=201)

        staff = inst.login(OUTREACH[0], OUTREACH[2])
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        st, me = inst.json_request("GET", "/api/v1/me", token=staff,
                                   expect=200)
        st, ad = inst.json_request("GET", "/api/v1/me", token=admin,
                                   expect=200)
        st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                                  expect=200)
        cases = j["cases"]
        assert [c["priority"] for c in cases] == [1, 2, 3, 3, 4, 4], cases
        for c in cases:
            assert set(c) == LINE_KEYS, c
            assert c["status"] == "open" and c["kind"] == "help", c
            assert c["assigned_to"] is None and c["language"] == "fr", c
            assert ISO_UTC.match(c["created_at"]), c
            assert isinstance(c["id"], int) and 0 < c["id"] < 2 ** 53, c
        assert cases[0]["needs"] == ["safety_planning", "leaving"], cases
        assert cases[4]["created_at"] < cases[5]["created_at"], cases
        # The admin sees the same queue; "all" too while nothing closed.
        st, j2 = inst.json_request("GET", "/api/v1/cases?status=all",
                                   token=admin, expect=200)
        assert [c["id"] for c in j2["cases"]] == [c["id"] for c in cases]

        words = [get_case(inst, staff, c["id"])["code_word"]
                 for c in cases]
        assert words[0] == "cw-danger" and words[1] == "cw-under", words
        assert set(words[2:4]) == {"cw-held", "cw-coerced"}, words
        assert words[4:] == ["cw-other-1", "cw-other-2"], words

        top = cases[0]["id"]
        full = get_case(inst, staff, top)
        assert full["contact"] == {"method": "email",
                                   "value": "ask@example.org"}, full
        assert full["safe_times"] == "evenings", full
        assert full["danger_now"] is True, full
        assert full["screening"] == {"forced": False,
                                     "id_or_money_held": False,
                                     "under_18": False}, full
        assert full["notes"] == [] and full["outcome"] == "", full
        assert full["report_id"] is None, full

        # Members and liaisons: 403 on every case route.
        for who in (MEMBER, LIAISON):
            tok = inst.login(who[0], who[2])
            for method, path, body in [
                    ("GET", "/api/v1/cases", None),
                    ("GET", f"/api/v1/cases/{top}", None),
                    ("POST", f"/api/v1/cases/{top}/assign", {}),
                    ("POST", f"/api/v1/cases/{top}/notes", {"text": "x"}),
                    ("POST", f"/api/v1/cases/{top}/close",
                     {"outcome": "contacted"}),
                    ("POST", "/api/v1/reports/1/case", None)]:
                st, j = inst.json_request(method, path, body, token=tok)
                assert st == 403, (who[1], method, path, st, j)
        st, j = inst.json_request("GET", "/api/v1/cases")
        assert st == 401, (st, j)
        get_case(inst, staff, 4242, expect=404)
        get_case(inst, staff, "nope", expect=404)

        # Claim it, hand it to the admin, note, close.
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/assign", {},
                                  token=staff, expect=200)
        assert j["assigned_to"] == me["id"] and j["status"] == "claimed", j
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/assign",
                                  {"user_id": 999999}, token=staff)
        assert st == 400 and j["field"] == "user_id", (st, j)
        st, lee = inst.json_request("POST", "/api/v1/login",
                                    {"name": LIAISON[0],
                                     "password": LIAISON[2]}, expect=200)
        st, lme = inst.json_request("GET", "/api/v1/me", token=lee["token"],
                                    expect=200)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/assign",
                                  {"user_id": lme["id"]}, token=staff)
        assert st == 400 and j["field"] == "user_id", (st, j)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/assign",
                                  {"user_id": ad["id"]}, token=staff,
                                  expect=200)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/notes",
                                  {"text": "Called; safe.\nCall back Fri."},
                                  token=staff, expect=201)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/notes",
                                  {"text": ""}, token=staff)
        assert st == 400 and j["field"] == "text", (st, j)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/notes",
                                  {"text": "Safety plan done."},
                                  token=admin, expect=201)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/close",
                                  {"outcome": "referred"}, token=staff)
        assert st == 400 and j["field"] == "detail", (st, j)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/close",
                                  {"outcome": "referred", "detail": ""},
                                  token=staff)
        assert st == 400 and j["field"] == "detail", (st, j)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/close",
                                  {"outcome": "solved"}, token=staff)
        assert st == 400 and j["field"] == "outcome", (st, j)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/close",
                                  {"outcome": "referred",
                                   "detail": "Legal clinic, Ms Okafor"},
                                  token=staff, expect=200)
        st, j = inst.json_request("POST", f"/api/v1/cases/{top}/close",
                                  {"outcome": "contacted"}, token=staff)
        assert st == 409, (st, j)

        full = get_case(inst, admin, top)
        assert full["status"] == "closed", full
        assert full["assigned_to"] == ad["id"], full
        assert full["outcome"] == "referred", full
        assert full["outcome_detail"] == "Legal clinic, Ms Okafor", full
        assert [(n["author_id"], n["text"]) for n in full["notes"]] == [
            (me["id"], "Called; safe.\nCall back Fri."),
            (ad["id"], "Safety plan done.")], full
        assert all(ISO_UTC.match(n["created_at"]) for n in full["notes"])

        st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                                  expect=200)
        assert [c["priority"] for c in j["cases"]] == [2, 3, 3, 4, 4], j
        st, j = inst.json_request("GET", "/api/v1/cases?status=closed",
                                  token=staff, expect=200)
        assert [c["id"] for c in j["cases"]] == [top], j
        st, j = inst.json_request("GET", "/api/v1/cases?status=mine",
                                  token=staff)
        assert st == 400 and j["field"] == "status", (st, j)

        inst.stop()
        q = lookout_test.db_query
        reads = q(inst.data, "SELECT actor_id, object, detail FROM audit "
                  "WHERE action = 'case.read'")
        rows = q(inst.data, "SELECT action, object, detail FROM audit")
        counted = q(inst.data, "SELECT k2, n FROM counters WHERE metric "
                    "= 'help_outcome'")
        # Six reads for the code words, the top case again by each of
        # them; a case that does not exist is no read.
        assert len(reads) == 8, reads
        assert (me["id"], f"case:{top}", "") in reads, reads
        assert (ad["id"], f"case:{top}", "") in reads, reads
        assert counted == [("referred", 1)], counted
        text = repr(rows)
        for secret in ("ask@example.org", "evenings", "cw-", "Okafor",
                       "Call back", "Safety plan done"):
            assert secret not in text, (secret, rows)
        out, _ = lookout_test.cli_ok(["audit", "verify", "--data",
                                      inst.data])


if __name__ == "__main__":
    lookout_test.main()

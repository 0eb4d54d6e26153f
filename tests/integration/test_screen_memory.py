"""Screening is answered from memory (sessions, identifiers, alerts and
regions): every change that alters an answer or ends a session shows on
the very next screen, with no wait."""

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc")]
STAFF = ("Olu", "outreach", "olu's long password", ["ca-bc"])
MIA = ("Mia", "member", "mia's long password", ["ca-bc-van"])
NOOR = ("Noor", "member", "noor's long password", ["ca-bc-van"])
CONF = "screen_per_minute = 1000000\n"


def report(inst, tok, types, region="ca-bc-van"):
    st, j = inst.json_request("POST", "/api/v1/reports", {
        "types": types, "occurred_on": "2026-11-20", "region": region,
        "consent": {"alert": True, "police": "none", "share_orgs": False}},
        token=tok, expect=201)
    return j["id"]


def publish(inst, tok, summary, idents, types=("non_payment",),
            regions=("ca-bc-van",)):
    rid = report(inst, tok, list(types), regions[0])
    st, j = inst.json_request(
        "POST", f"/api/v1/reports/{rid}/alert",
        {"summary": summary, "severity": "medium", "regions": list(regions),
         "identifiers": [{"kind": k, "value": v} for k, v in idents]},
        token=tok, expect=201)
    return j["alert_id"]


def screen(inst, tok, kind, value, expect=200):
    st, j = inst.json_request("POST", "/api/v1/screen",
                              {"kind": kind, "value": value}, token=tok,
                              expect=expect)
    return j


def ids(j):
    return [m["alert_id"] for m in j["matches"]]


def test_session_ends_on_the_next_screen():
    with Instance(regions=REGIONS, users=[STAFF, MIA, NOOR],
                  conf=CONF) as inst:
        staff = inst.login(STAFF[0], STAFF[2])
        mia = inst.login(MIA[0], MIA[2])
        noor = inst.login(NOOR[0], NOOR[2])
        st, me = inst.json_request("GET", "/api/v1/me", token=mia,
                                   expect=200)
        # Resolved once, then answered from memory.
        for _ in range(3):
            assert screen(inst, mia, "phone", "604 555 0100")["level"] == \
                "green"
            assert screen(inst, noor, "phone", "604 555 0100")["level"] == \
                "green"

        # Suspended: her very next screen is refused, anyone else's not.
        inst.json_request("POST", f"/api/v1/users/{me['id']}/status",
                          {"status": "suspended"}, token=staff, expect=200)
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "6045550100"},
                                  token=mia)
        assert st == 401 and "error" in j, (st, j)
        assert screen(inst, noor, "phone", "6045550100")["level"] == "green"

        # Signed out: the same.
        inst.json_request("POST", "/api/v1/logout", token=noor, expect=204)
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "6045550100"},
                                  token=noor)
        assert st == 401, (st, j)
        # A token of another kind is no cookie, cached or not.
        st, hdrs, body = inst.request(
            "GET", "/home", headers={"Cookie": f"lk_session={staff}"})
        assert st == 303, st
        assert screen(inst, staff, "phone", "6045550100")["level"] == "green"

        # Reinstated, she signs in again; the old token stays dead.
        inst.json_request("POST", f"/api/v1/users/{me['id']}/status",
                          {"status": "active"}, token=staff, expect=200)
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "6045550100"},
                                  token=mia)
        assert st == 401, (st, j)
        mia = inst.login(MIA[0], MIA[2])
        assert screen(inst, mia, "phone", "6045550100")["level"] == "green"


def test_answers_follow_every_change():
    with Instance(regions=REGIONS, users=[STAFF, MIA], conf=CONF) as inst:
        staff = inst.login(STAFF[0], STAFF[2])
        mia = inst.login(MIA[0], MIA[2])
        # Every kind of whole identifier, before and after publication.
        kinds = [("phone", "+1 (604) 555-0142", "604.555.0142"),
                 ("email", "J.Smith+x@GMail.com", "jsmith@googlemail.com"),
                 ("plate", "abc-123", "ABC 123"),
                 ("handle", "@Johnny_B", "johnny_b")]
        for kind, _, typed in kinds:
            assert screen(inst, mia, kind, typed)["level"] == "green"
        first = publish(inst, staff, "Refused to pay; grey Civic.",
                        [(k, v) for k, v, _ in kinds])
        for kind, _, typed in kinds:
            j = screen(inst, mia, kind, typed)
            assert j["level"] == "amber" and ids(j) == [first], (kind, j)
            m = j["matches"][0]
            assert m["summary"] == "Refused to pay; grey Civic.", m
            assert m["regions"] == ["ca-bc-van"], m
            assert m["types"] == ["non_payment"], m
            assert m["elsewhere"] is False, m

        # A second alert on the same phone, in two regions given out of
        # order: both, by id, codes in order; Victoria is elsewhere for
        # her, not for staff following all of BC.
        second = publish(inst, staff, "Threatened a worker.",
                         [("phone", "778 555 0199"), ("phone", "6045550142")],
                         types=("threats",),
                         regions=("ca-bc-vic", "ca-bc-vic"))
        j = screen(inst, mia, "phone", "604-555-0142")
        assert ids(j) == sorted([first, second]), j
        other = [m for m in j["matches"] if m["alert_id"] == second][0]
        assert other["regions"] == ["ca-bc-vic"], other
        assert other["elsewhere"] is True, other
        j = screen(inst, staff, "phone", "604-555-0142")
        assert all(not m["elsewhere"] for m in j["matches"]), j
        # A partial phone lists them in the order they were published.
        assert ids(screen(inst, mia, "phone", "***-0142")) == \
            [first, second]

        # She follows all of BC now: nothing is elsewhere, at once.
        inst.json_request("PUT", "/api/v1/me/subscriptions",
                          {"regions": ["ca-bc"]}, token=mia, expect=200)
        j = screen(inst, mia, "phone", "6045550142")
        assert [m["elsewhere"] for m in j["matches"]] == [False, False], j

        # A region added while serving, with an alert in it.
        lookout_test.cli_ok(["region", "add", "--data", inst.data, "--code",
                             "ca-bc-kel", "--name", "Kelowna",
                             "--parent", "ca-bc"])
        lookout_test.cli_ok(["region", "add", "--data", inst.data, "--code",
                             "ca-on", "--name", "Ontario", "--parent", "ca"])
        third = publish(inst, staff, "Robbed a worker in Kelowna.",
                        [("handle", "kel_guy")], types=("robbery",),
                        regions=("ca-bc-kel", "ca-on"))
        j = screen(inst, mia, "handle", "@KEL_guy")
        assert j["level"] == "red" and ids(j) == [third], j
        assert j["matches"][0]["regions"] == ["ca-bc-kel", "ca-on"], j
        assert j["matches"][0]["elsewhere"] is False, j
        inst.json_request("PUT", "/api/v1/me/subscriptions",
                          {"regions": ["ca-on"]}, token=mia, expect=200)
        j = screen(inst, mia, "handle", "kel_guy")
        assert j["matches"][0]["elsewhere"] is False, j
        inst.json_request("PUT", "/api/v1/me/subscriptions",
                          {"regions": ["ca-bc-van"]}, token=mia, expect=200)
        j = screen(inst, mia, "handle", "kel_guy")
        assert j["matches"][0]["elsewhere"] is True, j

        # Attaching a violent report turns the first alert red at once.
        assert screen(inst, mia, "email", "jsmith@gmail.com")["level"] == \
            "amber"
        rid = report(inst, staff, ["violence"])
        inst.json_request("POST", f"/api/v1/reports/{rid}/attach",
                          {"alert_id": first}, token=staff, expect=200)
        j = screen(inst, mia, "email", "jsmith@gmail.com")
        assert j["level"] == "red", j
        assert sorted(j["matches"][0]["types"]) == \
            ["non_payment", "violence"], j

        # Keywords: any case, wildcards taken literally.
        j = screen(inst, mia, "keyword", "A WORKER")
        assert sorted(ids(j)) == sorted([third, second]), j
        assert ids(screen(inst, mia, "keyword", "civic")) == [first]
        assert ids(screen(inst, mia, "keyword", "%_x")) == []

        # Withdrawn: gone from the next screen, whole, partial and keyword.
        inst.json_request("POST", f"/api/v1/alerts/{first}/withdraw",
                          token=staff, expect=200)
        assert ids(screen(inst, mia, "phone", "6045550142")) == [second]
        assert ids(screen(inst, mia, "phone", "***-0142")) == [second]
        for kind, _, typed in kinds[1:]:
            assert screen(inst, mia, kind, typed)["level"] == "green", kind
        assert ids(screen(inst, mia, "keyword", "civic")) == []

        # After a restart the answers are the same, read from the data.
        before = [screen(inst, staff, k, v) for k, v in
                  [("phone", "6045550142"), ("handle", "kel_guy"),
                   ("keyword", "worker"), ("plate", "AB?12?")]]
        inst.stop()
        inst.start()
        staff = inst.login(STAFF[0], STAFF[2])
        after = [screen(inst, staff, k, v) for k, v in
                 [("phone", "6045550142"), ("handle", "kel_guy"),
                  ("keyword", "worker"), ("plate", "AB?12?")]]
        assert after == before, (before, after)


if __name__ == "__main__":
    lookout_test.main()

"""Police sharing follows the reporter's consent, tier by tier and as of
now: a liaison sees exactly the reports shared anonymously or in full,
each with exactly the fields its tier allows; a consent lowered takes
effect on the very next request; nobody but a liaison gets the list; and
every view is in the audit log, whose chain still verifies."""

import datetime

import lookout_test
from lookout_test import Instance, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER_A = ("Amara", "member", "amara's long password", ["ca-bc-van"])
MEMBER_B = ("Bea", "member", "bea's long password", ["ca-bc-van"])
LIAISON = ("Lia-Liaison", "liaison", "lia's long password", [])

ANON_KEYS = {"id", "tier", "types", "occurred_on", "region", "alert"}
FULL_KEYS = ANON_KEYS | {"narrative", "contact"}
NEVER = {"area", "identifiers", "offender", "vehicle", "org", "org_id",
         "owner", "owner_tag", "reporter", "time_window", "source",
         "status", "consent", "created_at", "matched", "decision"}

PHONES = {"none": "7391", "anon": "7392", "full": "7393", "held": "7394",
          "gone": "7395"}

SUMMARY = "Client turned violent after the booking; screen first."


def day(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


def body(tag, police, types=("violence",), n=2, hold=False):
    return {
        "types": list(types), "occurred_on": day(n), "time_window":
        "20:00-23:00", "region": "ca-bc-van",
        "area": f"Area-{tag}-Wharf", "narrative": f"Narrative-{tag}-Ocelot",
        "contact": f"Contact-{tag}-Heron",
        "offender": {"marks": f"Marks-{tag}-tattoo"},
        "vehicle": {"make": "Ford", "plate": f"QZX-{PHONES[tag]}"},
        # Each report its own identifiers: a match would lift the hold.
        "identifiers": [{"kind": "phone",
                         "value": f"+1 604 555 {PHONES[tag]}"},
                        {"kind": "handle", "value": f"@handle_{tag}"}],
        "consent": {"alert": True, "police": police, "share_orgs": True},
        "hold_until_matched": hold,
    }


def police(inst, tok):
    st, j = inst.json_request("GET", "/api/v1/police/reports", token=tok,
                              expect=200)
    assert set(j) == {"reports"}, j
    return {r["id"]: r for r in j["reports"]}


def test_police_tiers():
    with Instance(regions=REGIONS,
                  users=[OUTREACH, MEMBER_A, MEMBER_B, LIAISON]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        a = inst.login(MEMBER_A[0], MEMBER_A[2])
        b = inst.login(MEMBER_B[0], MEMBER_B[2])
        lia = inst.login(LIAISON[0], LIAISON[2])

        ids = {}
        for tag, pol in [("none", "none"), ("anon", "anonymous"),
                         ("full", "full")]:
            st, j = inst.json_request("POST", "/api/v1/reports",
                                      body(tag, pol), token=a, expect=201)
            ids[tag] = j["id"]
        # Shared in full, but not to be seen: held, and withdrawn.
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  body("held", "full", hold=True), token=b,
                                  expect=201)
        held = j["id"]
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  body("gone", "full"), token=b,
                                  expect=201)
        gone = j["id"]
        inst.json_request("POST", f"/api/v1/reports/{gone}/withdraw",
                          token=b, expect=200)
        # The anonymous one gets an alert: its summary may go out.
        st, j = inst.json_request(
            "POST", f"/api/v1/reports/{ids['anon']}/alert",
            {"summary": SUMMARY, "severity": "high",
             "regions": ["ca-bc-van"]}, token=staff, expect=201)

        views = 0
        r = inst.request("GET", "/api/v1/police/reports", token=lia)
        views += 1
        assert r.status == 200, r
        got = {x["id"]: x for x in r.json()["reports"]}
        assert set(got) == {ids["anon"], ids["full"]}, (got, ids)
        assert held not in got and gone not in got, got

        anon, full = got[ids["anon"]], got[ids["full"]]
        assert set(anon) == ANON_KEYS, sorted(anon)
        assert set(full) == FULL_KEYS, sorted(full)
        for rep in (anon, full):
            assert not (set(rep) & NEVER), sorted(rep)
            assert rep["types"] == ["violence"], rep
            assert rep["occurred_on"] == day(2), rep
            assert rep["region"] == "ca-bc-van", rep
        assert anon["tier"] == "anonymous", anon
        assert anon["alert"] == {"summary": SUMMARY, "severity": "high"}, \
            anon
        assert full["tier"] == "full", full
        assert full["alert"] is None, full
        assert full["narrative"] == "Narrative-full-Ocelot", full
        assert full["contact"] == "Contact-full-Heron", full

        # Nothing of the anonymous report's sealed data, nor anything the
        # tiers never carry, is anywhere in the answer.
        raw = r.body
        for needle in [b"Narrative-anon", b"Contact-anon", b"Area-",
                       b"Marks-", b"555 739", b"6045557", b"handle_",
                       b"QZX", b"Narrative-none", b"Narrative-held",
                       b"Narrative-gone", b"Amara"]:
            assert needle not in raw, (needle, raw)

        # Lowered to anonymous: the next request shows it so.
        st, j = inst.json_request(
            "PATCH", f"/api/v1/reports/{ids['full']}",
            {"consent": {"alert": True, "police": "anonymous",
                         "share_orgs": True}}, token=a, expect=200)
        r = inst.request("GET", "/api/v1/police/reports", token=lia)
        views += 1
        assert r.status == 200, r
        got = {x["id"]: x for x in r.json()["reports"]}
        assert set(got) == {ids["anon"], ids["full"]}, got
        was_full = got[ids["full"]]
        assert was_full["tier"] == "anonymous", was_full
        assert set(was_full) == ANON_KEYS, sorted(was_full)
        assert b"Narrative-full" not in r.body, r.body
        assert b"Contact-full" not in r.body, r.body

        # Raising it again is refused, and changes nothing.
        st, j = inst.json_request(
            "PATCH", f"/api/v1/reports/{ids['full']}",
            {"consent": {"alert": True, "police": "full",
                         "share_orgs": True}}, token=a)
        assert st == 403, (st, j)

        # Lowered to none: gone from the next request.
        inst.json_request(
            "PATCH", f"/api/v1/reports/{ids['full']}",
            {"consent": {"alert": True, "police": "none",
                         "share_orgs": True}}, token=a, expect=200)
        got = police(inst, lia)
        views += 1
        assert set(got) == {ids["anon"]}, got

        # Nobody else gets the list.
        for tok in (a, b, staff):
            st, j = inst.json_request("GET", "/api/v1/police/reports",
                                      token=tok)
            assert st == 403, (st, j)
            assert j and j.get("error"), j
        st, j = inst.json_request("GET", "/api/v1/police/reports")
        assert st == 401, (st, j)
        admin = inst.login(lookout_test.ADMIN_NAME,
                           lookout_test.ADMIN_PASSWORD)
        st, j = inst.json_request("GET", "/api/v1/police/reports",
                                  token=admin)
        assert st == 403, (st, j)

        # The transparency report counts the views and the shares: the
        # full report was shared in full once and anonymously once.
        st, t = inst.json_request("GET", "/api/v1/transparency",
                                  expect=200)
        assert len(t["quarters"]) == 1, t
        q = t["quarters"][0]
        assert q["liaison_views"] == "<5", t     # 3 views, below k
        assert q["shared_anonymous"] == "<5", t
        assert q["shared_full"] == "<5", t

        inst.stop()
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, (rc, out, err)
        q = lookout_test.db_query
        n_view = q(inst.data, "SELECT count(*) FROM audit "
                   "WHERE action = 'police.view'")[0]
        n_read = q(inst.data,
                   "SELECT count(*) FROM audit WHERE action = 'report.read' "
                   "AND detail = 'police' AND object = ?",
                   (f"report:{ids['full']}",))[0]
        details = [d for (d,) in q(
            inst.data, "SELECT detail FROM audit "
            "WHERE action = 'police.view' ORDER BY seq")]
        shares = q(inst.data, "SELECT report_id, tier FROM police_shares "
                   "ORDER BY report_id, tier")
        assert n_view[0] == views, (n_view, views)
        assert details == ["count=2", "count=2", "count=1"], details
        # Opened in full exactly once: before the consent was lowered.
        assert n_read[0] == 1, n_read
        assert sorted(shares) == sorted([
            (ids["anon"], "anonymous"), (ids["full"], "anonymous"),
            (ids["full"], "full")]), shares


if __name__ == "__main__":
    lookout_test.main()

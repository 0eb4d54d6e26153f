"""A member deletes her account: her token dies at once, she can no longer
log in, her reports are gone, and no file of the data dir holds her
working name, her narratives or any sealed byte that was hers. Another
member's reports stay, and staff accounts cannot delete themselves this
way."""

import datetime
import os

import lookout_test
from lookout_test import Instance, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
NAME = "Zephyrine-Quillfeather"
MEMBER = (NAME, "member", "zephyrine's long password", ["ca-bc-van"])
OTHER = ("Bea", "member", "bea's long password", ["ca-bc-van"])
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
LIAISON = ("Lia-Liaison", "liaison", "lia's long password", [])

NARRATIVES = ["Narrative-Pangolin-Erased-1", "Narrative-Pangolin-Erased-2"]
CONTACT = "Contact-Okapi-Erased"


def body(narrative, phone, police="none"):
    return {
        "types": ["threats"],
        "occurred_on": (datetime.date.today() -
                        datetime.timedelta(days=1)).isoformat(),
        "region": "ca-bc-van", "narrative": narrative, "contact": CONTACT,
        "identifiers": [{"kind": "phone", "value": phone}],
        "consent": {"alert": True, "police": police, "share_orgs": True},
    }


query = lookout_test.db_query


def holding(root, needles):
    """Which needles some file holding data dir root's instance holds
    (on PostgreSQL, its tables' dump: deleted rows linger in the cluster's
    files until vacuum, which no lookout statement can force)."""
    found = []
    for path in lookout_test.stored_files(root):
        with open(path, "rb") as f:
            data = f.read()
        for n in needles:
            if n in data:
                found.append(f"{os.path.basename(path)} holds {n[:24]!r}")
    return found


def test_account_delete():
    with Instance(regions=REGIONS,
                  users=[MEMBER, OTHER, OUTREACH, LIAISON]) as inst:
        z = inst.login(MEMBER[0], MEMBER[2])
        z2 = inst.login(MEMBER[0], MEMBER[2])
        b = inst.login(OTHER[0], OTHER[2])
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        lia = inst.login(LIAISON[0], LIAISON[2])
        st, me = inst.json_request("GET", "/api/v1/me", token=z, expect=200)
        uid = me["id"]

        mine = []
        for i, n in enumerate(NARRATIVES):
            st, j = inst.json_request(
                "POST", "/api/v1/reports",
                body(n, f"+1 604 555 {6200 + i}", police="full"), token=z,
                expect=201)
            mine.append(j["id"])
        st, j = inst.json_request("POST", "/api/v1/reports",
                                  body("Bea's own narrative",
                                       "+1 604 555 6299"),
                                  token=b, expect=201)
        hers_not = j["id"]
        inst.json_request("POST", "/api/v1/me/feed-token", token=z,
                          expect=201)
        inst.json_request("GET", "/api/v1/police/reports", token=lia,
                          expect=200)
        assert query(inst.data, "SELECT count(*) FROM feed_tokens "
                     "WHERE user_id = ?", (uid,)) == [(1,)]

        # Everything sealed or hashed that is hers, as stored now.
        secrets = []
        row = query(inst.data, "SELECT name_hash, name_sealed FROM users "
                    "WHERE id = ?", (uid,))
        assert len(row) == 1, row
        secrets += [bytes(v) for v in row[0]]
        for rid in mine:
            for r in query(inst.data, "SELECT area_sealed, "
                           "details_sealed, narrative_sealed, "
                           "contact_sealed FROM reports WHERE id = ?",
                           (rid,)):
                secrets += [bytes(v) for v in r if v is not None]
            for h, v in query(inst.data, "SELECT hash, value_sealed "
                              "FROM report_idents WHERE report_id = ?",
                              (rid,)):
                secrets += [bytes(h), bytes(v)]
        secrets += [bytes(h) for (h,) in query(
            inst.data, "SELECT token_hash FROM sessions "
            "WHERE user_id = ?", (uid,))]
        secrets += [bytes(h) for (h,) in query(
            inst.data, "SELECT token_hash FROM feed_tokens "
            "WHERE user_id = ?", (uid,))]
        assert len(secrets) >= 2 + 2 * 5 + 2 + 1, len(secrets)
        # The search does find them while they are there.
        assert len(holding(inst.data, secrets)) >= len(secrets), \
            holding(inst.data, secrets)

        # Staff and liaisons are removed by an admin, not this way.
        for tok in (staff, lia):
            st, j = inst.json_request("DELETE", "/api/v1/me", token=tok)
            assert st == 403, (st, j)
        st, j = inst.json_request("DELETE", "/api/v1/me")
        assert st == 401, (st, j)

        st, j = inst.json_request("DELETE", "/api/v1/me", token=z,
                                  expect=204)
        assert j is None, j
        # Both her tokens are dead, and she cannot log in again.
        for tok in (z, z2):
            st, j = inst.json_request("GET", "/api/v1/me", token=tok)
            assert st == 401, (st, j)
        st, j = inst.json_request("POST", "/api/v1/login",
                                  {"name": MEMBER[0],
                                   "password": MEMBER[2]})
        assert st == 401, (st, j)
        # Her reports are gone for everyone; Bea's stays.
        for rid in mine:
            st, j = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                      token=staff)
            assert st == 404, (st, j)
        st, j = inst.json_request("GET", "/api/v1/reports?status=new",
                                  token=staff, expect=200)
        assert [r["id"] for r in j["reports"]] == [hers_not], j
        st, j = inst.json_request("GET", "/api/v1/police/reports",
                                  token=lia, expect=200)
        assert j["reports"] == [], j
        st, j = inst.json_request("GET", f"/api/v1/reports/{hers_not}",
                                  token=b, expect=200)

        inst.stop()
        db = inst.data
        assert query(db, "SELECT count(*) FROM users WHERE id = ?",
                     (uid,)) == [(0,)]
        for table in ("sessions", "feed_tokens", "user_regions"):
            assert query(db, f"SELECT count(*) FROM {table} "
                         f"WHERE user_id = ?", (uid,)) == [(0,)], table
        assert query(db, "SELECT count(*) FROM reports WHERE id IN "
                     "(?, ?)", tuple(mine)) == [(0,)]
        assert query(db, "SELECT count(*) FROM police_shares WHERE "
                     "report_id IN (?, ?)", tuple(mine)) == [(0,)]
        assert query(db, "SELECT detail FROM audit WHERE action = "
                     "'user.delete' AND object = ?",
                     (f"user:{uid}",)) == [("reports=2",)]
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, (rc, out, err)

        needles = set(secrets)
        for v in [NAME] + NARRATIVES + [CONTACT]:
            for s in (v, v.lower(), v.upper()):
                needles.add(s.encode())
                needles.add(s.encode("utf-16-le"))
        found = holding(inst.data, needles)
        assert not found, "\n".join(sorted(found))


if __name__ == "__main__":
    lookout_test.main()

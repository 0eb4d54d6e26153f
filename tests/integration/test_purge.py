"""Retention: `lookout purge` destroys reports older than retention_months
entirely (rows, identifiers, police shares, every sealed byte), keeps the
younger ones, and leaves the aggregate counts that statistics publish;
`lookout serve` runs the same purge at start and still stops promptly."""

import datetime
import os
import re
import time

import lookout_test
from lookout_test import Instance, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
LIAISON = ("Lia-Liaison", "liaison", "lia's long password", [])

DAY = 86400
OLD = 4


def raw(i):
    """The plaintext of report i: what must never be found after."""
    return {
        "narrative": f"Narrative-Quokka-{i}-Purged",
        "contact": f"Contact-Tapir-{i}-Purged",
        "area": f"Area-Narwhal-{i}-Purged",
        "phone": f"+1 604 555 {8100 + i}",
        "handle": f"@axolotl_{i}_purged",
    }


def body(i):
    v = raw(i)
    return {
        "types": ["violence"],
        "occurred_on": (datetime.date.today() -
                        datetime.timedelta(days=1)).isoformat(),
        "region": "ca-bc-van", "area": v["area"],
        "narrative": v["narrative"], "contact": v["contact"],
        "identifiers": [{"kind": "phone", "value": v["phone"]},
                        {"kind": "handle", "value": v["handle"]}],
        "consent": {"alert": True, "police": "full", "share_orgs": True},
    }


def sealed_bytes(data, ids):
    """Every sealed value and identifier hash of the reports ids."""
    out = []
    for rid in ids:
        rows = query(data, "SELECT area_sealed, details_sealed, "
                     "narrative_sealed, contact_sealed FROM reports "
                     "WHERE id = ?", (rid,))
        assert len(rows) == 1, rid
        out += [bytes(b) for b in rows[0] if b is not None]
        for h, v in query(data, "SELECT hash, value_sealed FROM "
                          "report_idents WHERE report_id = ?", (rid,)):
            out += [bytes(h), bytes(v)]
    assert len(out) >= 8 * len(ids), len(out)
    return out


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


def violence(inst):
    st, j = inst.json_request("GET", "/api/v1/stats", expect=200)
    return {c["type"]: c["count"] for c in j["incidents_by_type"]}[
        "violence"]


def test_purge_usage():
    rc, out, err = run_cli(["purge", "--help"])
    assert rc == 0 and "usage: lookout purge --data DIR" in out, (rc, out)
    rc, out, err = run_cli(["purge"])
    assert rc == 2 and "usage" in err, (rc, err)
    rc, out, err = run_cli(["purge", "--data", "/nonexistent/x", "extra"])
    assert rc == 2, (rc, err)
    rc, out, err = run_cli(["purge", "--data", "/nonexistent/lookout-x"])
    assert rc == 1 and "cannot open data dir" in err, (rc, err)
    rc, out, err = run_cli(["--help"])
    assert rc == 0 and "purge" in out, out


def test_purge():
    with Instance(regions=REGIONS, users=[MEMBER, LIAISON],
                  conf="retention_months = 1\n") as inst:
        a = inst.login(MEMBER[0], MEMBER[2])
        lia = inst.login(LIAISON[0], LIAISON[2])
        ids = []
        for i in range(OLD + 1):
            st, j = inst.json_request("POST", "/api/v1/reports", body(i),
                                      token=a, expect=201)
            ids.append(j["id"])
        old, young = ids[:OLD], ids[OLD]
        # Shared with police, so police_shares rows exist for them all.
        st, j = inst.json_request("GET", "/api/v1/police/reports",
                                  token=lia, expect=200)
        assert {r["id"] for r in j["reports"]} == set(ids), j
        assert violence(inst) == OLD + 1

        inst.stop()
        secrets = sealed_bytes(inst.data, old)
        # The search does find them while they are there.
        assert len(holding(inst.data, secrets)) >= len(secrets), \
            holding(inst.data, secrets)
        # Two months ago: older than retention_months = 1.
        for rid in old:
            lookout_test.db_execute(inst.data, "UPDATE reports SET "
                                    "created_at = created_at - ? "
                                    "WHERE id = ?", (62 * DAY, rid))

        rc, out, err = run_cli(["purge", "--data", inst.data])
        assert rc == 0, (rc, out, err)
        m = re.search(r"purged (\d+) ", out)
        assert m and int(m.group(1)) == OLD, out
        rc, out, err = run_cli(["purge", "--data", inst.data])
        assert rc == 0 and "purged 0 " in out, (rc, out, err)

        left = [r for (r,) in query(inst.data,
                                    "SELECT id FROM reports")]
        assert left == [young], left
        idents = query(inst.data, "SELECT DISTINCT report_id FROM "
                       "report_idents")
        assert idents == [(young,)], idents
        shares = query(inst.data, "SELECT DISTINCT report_id FROM "
                       "police_shares")
        assert shares == [(young,)], shares
        audit = query(inst.data, "SELECT actor_id, detail FROM audit "
                      "WHERE action = 'retention.purge'")
        assert audit == [(0, f"reports={OLD} cases=0")], audit
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, (rc, out, err)

        # Not a byte of the purged reports is left in any file.
        needles = set(secrets)
        for i in range(OLD):
            for v in raw(i).values():
                for s in (v, v.lower(), v.upper()):
                    needles.add(s.encode())
                    needles.add(s.encode("utf-16-le"))
        found = holding(inst.data, needles)
        assert not found, "\n".join(sorted(found))

        # The counts stay.
        inst.start()
        assert violence(inst) == OLD + 1
        st, j = inst.json_request("GET", "/api/v1/police/reports",
                                  token=lia, expect=200)
        assert [r["id"] for r in j["reports"]] == [young], j
        inst.stop()

        # serve purges at start, on its own thread, and stops promptly.
        lookout_test.db_execute(inst.data, "UPDATE reports SET created_at = "
                                "created_at - ?", (62 * DAY,))
        inst.start()
        deadline = time.monotonic() + 15
        while query(inst.data, "SELECT id FROM reports"):
            assert time.monotonic() < deadline, "serve did not purge"
            time.sleep(0.1)
        t0 = time.monotonic()
        inst.stop()
        assert time.monotonic() - t0 < 5, "slow stop"
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, (rc, out, err)


if __name__ == "__main__":
    lookout_test.main()

"""A stolen data dir reveals nothing a report or a screen held: after the
whole loop, no raw or normalised identifier, narrative, area or contact
is in any file of the data dir, nor in the server's log."""

import datetime
import os

import lookout_test
from lookout_test import Instance

# It reads the PostgreSQL cluster's own files.
lookout_test.own_pg_cluster()

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER_A = ("Amara", "member", "amara's long password", ["ca-bc-van"])
MEMBER_B = ("Bea", "member", "bea's long password", ["ca-bc-van"])

NARRATIVE = "Quetzalcoatl-narrative-8841"
AREA = "Xylophone-Alley-5519"
PHONE = "+1 604 555 7391"
EMAIL = "zebra.quince@example.org"
HANDLE = "@marmalade_otter"
CONTACT = "call-me-Periwinkle"
PLATE = "QZX-4471"

RAW = [NARRATIVE, AREA, PHONE, EMAIL, HANDLE, CONTACT, PLATE]
NORMALISED = ["+16045557391", "6045557391", "604 555 7391",
              "marmalade_otter", "zebra.quince", "QZX4471"]


def needles():
    out = set()
    for w in RAW + NORMALISED:
        for v in (w, w.lower(), w.upper()):
            out.add(v.encode("utf-8"))
            out.add(v.encode("utf-16-le"))
    return out


def files_under(root):
    # On PostgreSQL, a dump of the tables and the cluster's files and
    # write-ahead log: plaintext must reach none of them.
    return lookout_test.stored_files(root, physical=True)


def test_no_plaintext_after_the_loop():
    with Instance(regions=REGIONS,
                  users=[OUTREACH, MEMBER_A, MEMBER_B]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        a = inst.login(MEMBER_A[0], MEMBER_A[2])
        b = inst.login(MEMBER_B[0], MEMBER_B[2])
        day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        idents = [{"kind": "phone", "value": PHONE},
                  {"kind": "email", "value": EMAIL},
                  {"kind": "handle", "value": HANDLE}]
        st, j = inst.json_request("POST", "/api/v1/reports", {
            "types": ["violence"], "occurred_on": day,
            "region": "ca-bc-van", "area": AREA, "narrative": NARRATIVE,
            "contact": CONTACT, "identifiers": idents,
            "vehicle": {"make": "Ford", "plate": PLATE},
            "consent": {"alert": True, "police": "none",
                        "share_orgs": False}}, token=a, expect=201)
        rid = j["id"]
        # A held report by another member, matched by the first.
        st, j = inst.json_request("POST", "/api/v1/reports", {
            "types": ["threats"], "occurred_on": day,
            "region": "ca-bc-van", "narrative": NARRATIVE + "-held",
            "identifiers": [{"kind": "phone", "value": "604.555.7391"}],
            "consent": {"alert": False}, "hold_until_matched": True},
            token=b, expect=201)
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=staff, expect=200)
        assert got["narrative"] == NARRATIVE and got["area"] == AREA, got
        assert got["contact"] == CONTACT, got
        st, j = inst.json_request("POST", f"/api/v1/reports/{rid}/alert", {
            "summary": "Violent client; screen before booking.",
            "severity": "high", "regions": ["ca-bc-van"],
            "identifiers": idents + [{"kind": "plate", "value": PLATE}]},
            token=staff, expect=201)
        alert = j["alert_id"]
        for kind, value in [("phone", "604-555-7391"), ("phone", "***7391"),
                            ("email", "Zebra.Quince@example.org"),
                            ("handle", "marmalade_otter"),
                            ("plate", "qzx 4471"), ("plate", "QZX?47?")]:
            st, j = inst.json_request("POST", "/api/v1/screen",
                                      {"kind": kind, "value": value},
                                      token=b, expect=200)
            assert j["level"] == "red", (kind, value, j)
            assert alert in [m["alert_id"] for m in j["matches"]], j
        # Failing paths handle the values too.
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "fax", "value": EMAIL}, token=b)
        assert st == 400, (st, j)
        st, j = inst.json_request("POST", "/api/v1/reports", {
            "types": ["violence"], "occurred_on": "not a date",
            "region": "ca-bc-van", "narrative": NARRATIVE,
            "identifiers": idents, "consent": {}}, token=a)
        assert st == 400, (st, j)

        inst.stop()
        paths = list(files_under(inst.data))
        assert any(p.endswith(lookout_test.DB_FILES) for p in paths), paths
        found = []
        for path in paths:
            with open(path, "rb") as f:
                data = f.read()
            for n in needles():
                if n in data:
                    found.append(f"{os.path.basename(path)} contains {n!r}")
        log = inst.server_log().encode("utf-8")
        for n in needles():
            if n in log:
                found.append(f"server log contains {n!r}")
        assert not found, "\n".join(sorted(found))
        lookout_test.note(f"checked {len(paths)} files: "
                          f"{[os.path.basename(p) for p in paths]}")


if __name__ == "__main__":
    lookout_test.main()

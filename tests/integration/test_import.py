"""`lookout import`: a CSV file of paper reports becomes reports, and its
summaries alerts; bad rows are named by line and skipped without costing
a good one; an unknown column refuses the file; nothing imported is left
in plain text in the data dir."""

import datetime
import os
import re

import lookout_test
from lookout_test import Instance, run_cli

# It reads the PostgreSQL cluster's own files.
lookout_test.own_pg_cluster()

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])

DAY = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()

NARR_ALERT = "Quillon-narrative-4417, he took the money back"
NARR_PLAIN = "Brambleford-narrative-9921"
NARR_LAST = "Tessellate-narrative-3310"
NARR_BAD = ["Obsidian-narrative-0001", "Obsidian-narrative-0002",
            "Obsidian-narrative-0003", "Obsidian-narrative-0004"]
OFFENDER = "Gargoyle-offender-7150"
VEHICLE = "Periwinkle-vehicle-6602"
AREA = "Xylophone-Alley-5519"
PHONE_1 = "604-555-7391"
PHONE_2 = "+1 (604) 555-7208"
EMAIL = "zebra.quince@example.org"
HANDLE = "@marmalade_otter"
SUMMARY = "Violent client, takes money back; screen before booking."


def csv_quote(v):
    if any(ch in v for ch in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def write_csv(path, header, rows, newline="\n"):
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join(csv_quote(r.get(h, "")) for h in header))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(newline.join(lines) + newline)


def files_under(root):
    # Plaintext never reaches the database: on PostgreSQL, the cluster's
    # files and its write-ahead log are searched too.
    return lookout_test.stored_files(root, physical=True)


def count_reports(data):
    return lookout_test.db_query(data, "SELECT count(*) FROM reports")[0][0]


# Columns in an order no form would use.
HEADER = ["summary", "narrative", "phone", "types", "region", "handle",
          "occurred_on", "email", "offender", "plate", "time_window", "area",
          "vehicle"]


def test_import_good_and_bad_rows():
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        # A subscriber of the region is sent nothing for an old list.
        member = inst.login(MEMBER[0], MEMBER[2])
        inst.json_request("PUT", "/api/v1/me/subscriptions",
                          {"regions": ["ca-bc-van"],
                           "email": "amara@example.org"},
                          token=member, expect=200)
        inst.stop()
        rows = [
            # line 2, and 3: the narrative spans two lines.
            {"summary": SUMMARY, "narrative": NARR_ALERT + "\nthen left.",
             "phone": f"{PHONE_1}; {PHONE_2}", "types": "violence;robbery",
             "region": "ca-bc-van", "handle": HANDLE, "occurred_on": DAY,
             "email": EMAIL, "offender": OFFENDER, "plate": "QZX-4471",
             "time_window": "20:00-23:00", "area": AREA,
             "vehicle": VEHICLE},
            # line 4: no region of its own: --region's.
            {"narrative": NARR_PLAIN, "types": "non_payment",
             "occurred_on": DAY, "phone": "778 555 0101"},
            # lines 5 to 8: bad.
            {"narrative": NARR_BAD[0], "types": "other",
             "occurred_on": "2025-13-45", "region": "ca-bc"},
            {"narrative": NARR_BAD[1], "types": "violence;punching",
             "occurred_on": DAY, "region": "ca-bc"},
            {"narrative": NARR_BAD[2], "types": "other",
             "occurred_on": DAY, "region": "xx-nowhere"},
            {"narrative": NARR_BAD[3], "types": "threats",
             "occurred_on": DAY, "region": "ca-bc", "phone": "12"},
            # line 9: good again, after the bad ones.
            {"narrative": NARR_LAST, "types": "stalking",
             "occurred_on": DAY, "region": "ca-bc-van",
             "plate": "AB?12?"},
        ]
        path = os.path.join(inst.tmp, "sheet.csv")
        write_csv(path, HEADER, rows)
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv", path,
                                "--region", "ca-bc"])
        assert rc == 0, f"import exited {rc}\nstdout: {out}\nstderr: {err}"
        assert "imported 3 rows, skipped 4" in out, out
        lines = re.findall(r"^line (\d+): (.*)$", err, re.M)
        assert [int(n) for n, _ in lines] == [5, 6, 7, 8], err
        why = {int(n): msg for n, msg in lines}
        assert why[5].startswith("occurred_on:"), why
        assert why[6].startswith("types, value 2: unknown kind"), why
        assert "punching" not in why[6], why
        assert why[7].startswith("region:"), why
        assert why[8].startswith("phone:"), why
        # Messages name columns, never a row's contents.
        for secret in NARR_BAD:
            assert secret not in err + out, err

        inst.start()
        member = inst.login(MEMBER[0], MEMBER[2])
        # The summary was published, high (violence), in ca-bc-van.
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca-bc-van",
                                  token=member, expect=200)
        mine = [a for a in j["alerts"] if a["summary"] == SUMMARY]
        assert len(mine) == 1, j
        alert = mine[0]
        assert alert["severity"] == "high", alert
        assert alert["regions"] == ["ca-bc-van"], alert
        assert sorted(alert["types"]) == ["robbery", "violence"], alert
        # Found by a variant of each phone of the cell, and the others.
        for kind, value in [("phone", "6045557391"),
                            ("phone", "1-604-555-7208"),
                            ("phone", "***7208"),
                            ("email", "Zebra.Quince@Example.org"),
                            ("handle", "MARMALADE_OTTER"),
                            ("plate", "qzx 4471")]:
            st, j = inst.json_request("POST", "/api/v1/screen",
                                      {"kind": kind, "value": value},
                                      token=member, expect=200)
            assert j["level"] == "red", (kind, value, j)
            assert [m["alert_id"] for m in j["matches"]] == [alert["id"]], j
        # A row without a summary made a report, not an alert.
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": "phone", "value": "7785550101"},
                                  token=member, expect=200)
        assert j["level"] == "green", j
        inst.stop()

        assert count_reports(inst.data) == 3
        queued = lookout_test.db_query(inst.data,
                                       "SELECT count(*) FROM outbox")[0][0]
        assert queued == 0, f"the import queued {queued} messages"
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, out + err

        # A stolen data dir reveals nothing the sheet held.
        needles = [NARR_ALERT.split(",")[0], NARR_PLAIN, NARR_LAST, OFFENDER,
                   VEHICLE, AREA, EMAIL, "marmalade_otter",
                   "6045557391"] + NARR_BAD
        found = []
        for p in files_under(inst.data):
            with open(p, "rb") as f:
                data = f.read()
            for n in needles:
                for v in (n, n.lower(), n.upper()):
                    if v.encode() in data:
                        found.append(f"{os.path.basename(p)} holds {v!r}")
        assert not found, "\n".join(found)


def test_malformed_rows_do_not_cost_good_ones():
    with Instance(regions=REGIONS, start=False) as inst:
        path = os.path.join(inst.tmp, "broken.csv")
        with open(path, "wb") as f:
            f.write(b"\xef\xbb\xbfoccurred_on,types,region,narrative\r\n"
                    + f"{DAY},other,ca,fine one\r\n".encode()
                    + f'{DAY},other,ca,he said "no"\r\n'.encode()   # 3
                    + f'{DAY},other,ca,"two\r\nlines"\r\n'.encode()  # 4-5
                    + f"{DAY},other,ca,caf\xe9\r\n".encode("latin-1")  # 6
                    + f"{DAY},other,ca\r\n".encode()                 # 7
                    + b",,,\r\n\r\n"                                 # 8, 9
                    + f"{DAY},other,ca,last one\r\n".encode())       # 10
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                path])
        assert rc == 0, f"import exited {rc}\n{out}\n{err}"
        assert "imported 3 rows, skipped 3" in out, out + err
        lines = re.findall(r"^line (\d+): (.*)$", err, re.M)
        assert [int(n) for n, _ in lines] == [3, 6, 7], err
        assert "narrative:" in lines[0][1] and "quote" in lines[0][1], lines
        assert "UTF-8" in lines[1][1], lines
        assert "fields" in lines[2][1], lines
        assert count_reports(inst.data) == 3
        queued = lookout_test.db_query(inst.data,
                                       "SELECT count(*) FROM outbox")[0][0]
        assert queued == 0, f"the import queued {queued} messages"


def test_unknown_column_refuses_the_file():
    with Instance(regions=REGIONS, start=False) as inst:
        path = os.path.join(inst.tmp, "sheet.csv")
        write_csv(path, ["occurred_on", "types", "region", "colour"],
                  [{"occurred_on": DAY, "types": "other", "region": "ca",
                    "colour": "red"}])
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                path])
        assert rc == 1, f"import exited {rc}, expected 1\n{out}\n{err}"
        assert "unknown column 'colour'" in err, err
        assert "expected:" in err and "occurred_on" in err, err
        assert "imported" not in out, out
        assert count_reports(inst.data) == 0

        # A column named twice, a missing required one, an empty file.
        write_csv(path, ["occurred_on", "types", "phone", "region", "phone"],
                  [{"occurred_on": DAY, "types": "other", "region": "ca"}])
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                path])
        assert rc == 1 and "twice" in err, (rc, err)
        write_csv(path, ["types", "region"], [{"types": "other",
                                               "region": "ca"}])
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                path])
        assert rc == 1 and "occurred_on" in err, (rc, err)
        write_csv(path, ["occurred_on", "types"], [{"occurred_on": DAY,
                                                    "types": "other"}])
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                path])
        assert rc == 1 and "--region" in err, (rc, err)
        open(path, "w").close()
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                path])
        assert rc == 1 and "empty" in err, (rc, err)
        assert count_reports(inst.data) == 0


def test_import_usage_and_missing_file():
    with Instance(regions=REGIONS, start=False) as inst:
        rc, out, err = run_cli(["import", "--help"])
        assert rc == 0 and "--csv" in out and "--region" in out, out
        for args in (["import", "--data", inst.data],
                     ["import", "--csv", "x.csv"],
                     ["import", "--data", inst.data, "--csv", "x", "--bogus"],
                     ["import", "--data", inst.data, "--csv", "x", "extra"]):
            rc, out, err = run_cli(args)
            assert rc == 2, (args, rc, out, err)
            assert err.strip(), args
        missing = os.path.join(inst.tmp, "no-such.csv")
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv",
                                missing])
        assert rc == 1 and "cannot open" in err, (rc, err)
        path = os.path.join(inst.tmp, "ok.csv")
        write_csv(path, ["occurred_on", "types"], [{"occurred_on": DAY,
                                                    "types": "other"}])
        rc, out, err = run_cli(["import", "--data", inst.data, "--csv", path,
                                "--region", "nowhere"])
        assert rc == 1 and "nowhere" in err, (rc, err)
        assert count_reports(inst.data) == 0


if __name__ == "__main__":
    lookout_test.main()

"""Raw SQLite inserting the rows lookout wrote, with lookout's durability.

usage: durable-raw.py LOOKOUT_DB OUT_DB

Reads every report lookout wrote (its reports row, its report_idents rows,
its "report.create" audit row and the counters it bumped) from
LOOKOUT_DB, then writes them again into OUT_DB, a copy of lookout's
database taken before the run (same schema, same accounts and regions),
with the same settings as lookout's store (WAL, synchronous=FULL,
foreign_keys and secure_delete on): one transaction per report, committed
before the next begins, as lookout does for each 201.
Prints "rows N", "reports N", "seconds S" and "rate R" (reports a second).

Python's sqlite3 module calls the same libsqlite3 as lookout; a commit is
an fsync or two, next to which the interpreter's cost per row is small.
"""
import sqlite3
import sys
import time


def main():
    src = sqlite3.connect(sys.argv[1])
    reports = src.execute("SELECT * FROM reports ORDER BY created_at, rowid"
                          ).fetchall()
    rcols = len(reports[0]) if reports else 0
    idents = {}
    for row in src.execute("SELECT * FROM report_idents"):
        idents.setdefault(row[0], []).append(row)
    icols = len(next(iter(idents.values()))[0]) if idents else 0
    audit = {}
    for row in src.execute("SELECT * FROM audit WHERE action = "
                           "'report.create'"):
        audit[row[4]] = row
    counters = [r[:4] for r in src.execute(
        "SELECT metric, k1, k2, k3 FROM counters")]
    src.close()

    out = sqlite3.connect(sys.argv[2], isolation_level=None)
    mode = out.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    assert mode == "wal", mode
    out.execute("PRAGMA synchronous=FULL")
    out.execute("PRAGMA secure_delete=ON")
    out.execute("PRAGMA foreign_keys=ON")

    ins_r = "INSERT INTO reports VALUES (%s)" % ",".join("?" * rcols)
    ins_i = "INSERT INTO report_idents VALUES (%s)" % ",".join("?" * icols)
    ins_a = "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)"
    ins_c = ("INSERT INTO counters (metric, k1, k2, k3, n) "
             "VALUES (?,?,?,?,1) ON CONFLICT (metric, k1, k2, k3) "
             "DO UPDATE SET n = n + 1")
    rows = 0
    t0 = time.monotonic()
    for r in reports:
        out.execute("BEGIN IMMEDIATE")
        out.execute(ins_r, r)
        rows += 1
        for i in idents.get(r[0], ()):
            out.execute(ins_i, i)
            rows += 1
        for c in counters:
            out.execute(ins_c, c)
            rows += 1
        a = audit.get("report:%d" % r[0])
        if a is not None:
            out.execute(ins_a, a)
            rows += 1
        out.execute("COMMIT")
    dt = time.monotonic() - t0
    out.close()
    print("reports", len(reports))
    print("rows", rows)
    print("seconds %.3f" % dt)
    print("rate %.1f" % (len(reports) / dt if dt > 0 else 0))
    return 0 if reports else 1


if __name__ == "__main__":
    sys.exit(main())

"""Backups: `lookout backup` copies the database while the server is
under write load; `lookout restore` puts the copy into a fresh data dir
(the key file copied separately), and a server started on it has every
report acknowledged before the backup started, a sound file and a whole
audit chain. The copy is one consistent moment: of the reports written
during the backup, exactly those acknowledged first are in it. Backing
up onto an existing file, restoring over a database without --force or
under a running server, a damaged backup, and the wrong key are all
refused."""

import datetime
import hashlib
import os
import shutil
import sqlite3
import stat
import tempfile
import threading
import time

import lookout_test
from lookout_test import Instance, note, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
BEFORE = 150            # reports written before the backup
SENT = ("types", "occurred_on", "region", "area", "narrative", "consent",
        "contact", "identifiers")


def report(tag):
    return {
        "types": ["threats"],
        "occurred_on": (datetime.date.today() -
                        datetime.timedelta(days=3)).isoformat(),
        "region": "ca-bc-van",
        "area": f"area {tag}",
        "narrative": f"narrative {tag} " + "n" * 4000,
        "consent": {"alert": False, "police": "none", "share_orgs": False},
        "contact": f"contact {tag}",
        "identifiers": [{"kind": "handle", "value": f"@h_{tag}"}],
    }


def integrity(db):
    con = sqlite3.connect(db)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Writer(threading.Thread):
    """Posts reports one after another until stopped, recording each
    acknowledged one in order."""

    def __init__(self, inst, token):
        super().__init__(daemon=True)
        self.inst, self.token = inst, token
        self.acked = []         # (id, body), in order
        self.bad = []
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            body = report(f"w{n}")
            n += 1
            r = self.inst.request("POST", "/api/v1/reports", body,
                                  token=self.token)
            if r.status == 201:
                self.acked.append((r.json()["id"], body))
            else:
                self.bad.append((r.status, r.body[:200]))


class Restored(Instance):
    """A data dir made by `lookout restore` from a backup, with the key
    file copied in afterwards, as an operator would."""

    def __init__(self, backup, key):
        super().__init__(start=False)
        self.backup, self.key = backup, key
        self.restore_output = ""

    def setup(self):
        rc, out, err = run_cli(["restore", "--data", self.data,
                                "--from", self.backup])
        assert rc == 0, f"restore exited {rc}: {out}{err}"
        self.restore_output = out + err
        shutil.copy2(self.key, self.key_path)


def test_postgres_says_to_use_its_tools():
    """On PostgreSQL, backup and restore refuse and name pg_dump."""
    if not lookout_test.PG:
        lookout_test.skip("PostgreSQL only (LOOKOUT_TEST_PG=1)")
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        out_dir = tempfile.mkdtemp(prefix="lookout-it-backup-")
        try:
            backup = os.path.join(out_dir, "b.db")
            rc, out, err = run_cli(["backup", "--data", inst.data,
                                    "--to", backup])
            assert rc == 1 and "pg_dump" in err, (rc, out, err)
            assert os.listdir(out_dir) == [], os.listdir(out_dir)
            with open(backup, "wb") as f:
                f.write(b"x")
            rc, out, err = run_cli(["restore", "--data", inst.data,
                                    "--from", backup, "--force"])
            assert rc == 1 and "pg_restore" in err, (rc, out, err)
            assert inst.healthy()
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)


def test_backup_under_load_and_restore():
    if lookout_test.PG:
        lookout_test.skip("SQLite's backup API; PostgreSQL's is pg_dump")
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        tok = inst.login(MEMBER[0], MEMBER[2])
        before = []
        for i in range(BEFORE):
            body = report(f"b{i}")
            st, j = inst.json_request("POST", "/api/v1/reports", body,
                                      token=tok, expect=201)
            before.append((j["id"], body))

        out_dir = tempfile.mkdtemp(prefix="lookout-it-backup-")
        try:
            backup = os.path.join(out_dir, "lookout-backup.db")
            w = Writer(inst, tok)
            w.start()
            while len(w.acked) < 5:
                time.sleep(0.01)
            acked_at_start = len(w.acked)
            t0 = time.monotonic()
            rc, out, err = run_cli(["backup", "--data", inst.data,
                                    "--to", backup])
            took = time.monotonic() - t0
            acked_at_end = len(w.acked)
            time.sleep(0.3)
            w.stop.set()
            w.join(30)
            assert rc == 0, f"backup exited {rc}: {out}{err}"
            note(f"backup took {took:.2f}s; {acked_at_end - acked_at_start}"
                 f" reports acknowledged while it ran; {out}")
            assert not w.bad, f"writes failed during the backup: {w.bad[:3]}"
            assert "lookout.key" in out + err, (
                f"backup does not remind to keep the key: {out}{err}")
            mode = stat.S_IMODE(os.stat(backup).st_mode)
            assert mode == 0o600, f"backup has mode {oct(mode)}"
            assert sorted(os.listdir(out_dir)) == ["lookout-backup.db"], (
                f"backup left files behind: {os.listdir(out_dir)}")
            assert integrity(backup) == ["ok"]
            con = sqlite3.connect(backup)
            try:
                jm = con.execute("PRAGMA journal_mode").fetchone()[0]
                assert jm == "delete", f"backup journal mode is {jm}"
            finally:
                con.close()
            # Not a word of the key in it.
            with open(inst.key_path, "rb") as f:
                key = f.read().strip()
            with open(backup, "rb") as f:
                assert key not in f.read(), "the backup holds the key"

            # An existing file is never overwritten.
            d = digest(backup)
            rc, out, err = run_cli(["backup", "--data", inst.data,
                                    "--to", backup])
            assert rc == 1, f"backup over an existing file exited {rc}"
            assert "exists" in err, err
            assert digest(backup) == d, "an existing backup was changed"

            # Nor is a running server's database replaced.
            rc, out, err = run_cli(["restore", "--data", inst.data,
                                    "--from", backup])
            assert rc == 1 and "--force" in err, (rc, out, err)
            rc, out, err = run_cli(["restore", "--data", inst.data,
                                    "--from", backup, "--force"])
            assert rc == 1 and "in use" in err, (rc, out, err)
            assert inst.healthy()

            # A damaged backup is refused before anything is touched.
            bad = os.path.join(out_dir, "damaged.db")
            with open(backup, "rb") as f:
                data = bytearray(f.read())
            for off in range(8192, len(data), 4096):
                data[off + 100:off + 200] = b"\xa5" * 100
            with open(bad, "wb") as f:
                f.write(data)
            fresh = os.path.join(out_dir, "from-damaged")
            rc, out, err = run_cli(["restore", "--data", fresh,
                                    "--from", bad])
            assert rc == 1, f"a damaged backup was restored: {out}{err}"
            assert not os.path.exists(os.path.join(fresh, "lookout.db"))

            # The wrong key does not verify the restored audit chain.
            other = os.path.join(out_dir, "other")
            rc, out, err = run_cli(["init", "--data", other, "--admin",
                                    "admin"], stdin="another long password\n")
            assert rc == 0, err
            rc, out, err = run_cli(["restore", "--data", other,
                                    "--from", backup, "--force"])
            assert rc == 1 and "key" in err, (rc, out, err)

            with Restored(backup, inst.key_path) as r:
                assert "lookout.key" in r.restore_output, r.restore_output
                mode = stat.S_IMODE(os.stat(r.db_path).st_mode)
                assert mode == 0o600, f"restored db has mode {oct(mode)}"
                assert integrity(r.db_path) == ["ok"]
                rc, out, err = run_cli(["audit", "verify", "--data",
                                        r.data])
                assert rc == 0, f"audit verify on the restore: {out}{err}"
                r.start()
                for rid, body in before + w.acked[:acked_at_start]:
                    st, got = r.json_request("GET", f"/api/v1/reports/{rid}",
                                             token=tok)
                    assert st == 200, (f"report {rid}, acknowledged before "
                                       f"the backup, is missing: {st}")
                    for k in SENT:
                        assert got[k] == body[k], (rid, k)
                # One moment: the reports written during the backup that
                # made it are the first ones, in order, and intact.
                present = []
                for rid, body in w.acked[acked_at_start:]:
                    st, got = r.json_request("GET", f"/api/v1/reports/{rid}",
                                             token=tok)
                    assert st in (200, 404), (rid, st, got)
                    present.append(st == 200)
                    if st == 200:
                        for k in SENT:
                            assert got[k] == body[k], (rid, k)
                n = sum(present)
                assert present == [True] * n + [False] * (len(present) - n), (
                    f"the backup is not one moment: {present}")
                assert n <= acked_at_end - acked_at_start + 1, (
                    "reports acknowledged after the backup ended are in it")
                st, j = r.json_request("POST", "/api/v1/reports",
                                       report("after"), token=tok,
                                       expect=201)
                r.stop()
                assert integrity(r.db_path) == ["ok"]
                rc, out, err = run_cli(["audit", "verify", "--data",
                                        r.data])
                assert rc == 0, f"audit verify after serving: {out}{err}"
        finally:
            if not os.environ.get("LOOKOUT_KEEP"):
                shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    lookout_test.main()

"""The audit log's hash chain: `lookout audit verify` passes on a real log
and detects an edited or a deleted row."""

import os
import re
import shutil
import tempfile

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance, run_cli

REGIONS = [("ca", "Canada")]
MEMBER = ("mia", "member", "mia's long password", ["ca"])
COLUMNS = ["seq", "at", "actor_id", "action", "object", "detail", "prev",
           "hash"]


def verify(data):
    rc, out, err = run_cli(["audit", "verify", "--data", data])
    return rc, out + err


def names_seq(output, seq):
    """Does verify's output name row seq ("seq 2", "row 2", "#2")?"""
    return re.search(r"(\b(seq|row|entry|record)\b[^0-9\n]{0,12}|#)%d\b"
                     % seq, output, re.I) is not None


def audit_rows(data):
    cols = lookout_test.db_columns(data, "audit")
    rows = lookout_test.db_query(data, "SELECT seq FROM audit ORDER BY seq")
    return cols, [r[0] for r in rows]


def copy_data(src, dst_root, name):
    # The database too: on PostgreSQL, a copy of the instance's database.
    return lookout_test.copy_data(src, os.path.join(dst_root, name))


def make_history(inst):
    """Logins, failed logins and an account creation: several audit rows."""
    admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
    inst.login("mia", MEMBER[2])
    st, _ = inst.json_request("POST", "/api/v1/login",
                              {"name": "mia", "password": "wrong password"})
    assert st == 401
    inst.json_request("POST", "/api/v1/users",
                      {"role": "member", "name": "nadia",
                       "password": "nadia's long password",
                       "regions": ["ca"]}, token=admin, expect=201)
    inst.login("nadia", "nadia's long password")
    r = inst.request("POST", "/api/v1/logout", token=admin)
    assert r.status == 204, r


def test_audit_chain():
    with Instance(regions=REGIONS, users=[MEMBER], start=False) as inst:
        cols, seqs = audit_rows(inst.data)
        assert cols == COLUMNS, f"audit columns {cols}, expected {COLUMNS}"
        n_init = len(seqs)
        inst.start()
        make_history(inst)
        # Verify while the server runs.
        rc, out = verify(inst.data)
        assert rc == 0, f"audit verify (server running) exited {rc}: {out}"
        inst.stop()
        rc, out = verify(inst.data)
        assert rc == 0, f"audit verify (server stopped) exited {rc}: {out}"

        cols, seqs = audit_rows(inst.data)
        assert seqs == list(range(1, len(seqs) + 1)), (
            f"audit seq is not 1..n: {seqs}")
        # Two logins, a failed login, a creation, a login, a logout.
        assert len(seqs) >= n_init + 5, (
            f"only {len(seqs) - n_init} audit rows for the session's "
            f"logins, failed login and account creation")
        assert len(seqs) >= 5, seqs

        tmp = tempfile.mkdtemp(prefix="lookout-it-audit-")
        try:
            # An edited row.
            edited = copy_data(inst.data, tmp, "edited")
            n = lookout_test.db_execute(edited, "UPDATE audit SET "
                                        "detail = 'x' WHERE seq = 2")
            assert n == 1
            rc, out = verify(edited)
            assert rc != 0, f"verify passed an edited row 2: {out}"
            assert rc == 1, f"verify exited {rc} (expected 1): {out}"
            assert names_seq(out, 2), f"verify does not name row 2: {out}"

            # A deleted row in the middle.
            mid = len(seqs) // 2 + 1
            deleted = copy_data(inst.data, tmp, "deleted")
            n = lookout_test.db_execute(deleted, "DELETE FROM audit "
                                        "WHERE seq = ?", (mid,))
            assert n == 1
            rc, out = verify(deleted)
            assert rc == 1, f"verify exited {rc} after row {mid} was " \
                            f"deleted: {out}"
            assert names_seq(out, mid), f"verify does not name the " \
                                        f"missing row {mid}: {out}"

            # Another column of another row: the action of row 3.
            forged = copy_data(inst.data, tmp, "forged")
            lookout_test.db_execute(forged, "UPDATE audit SET action = "
                                    "action || 'x' WHERE seq = 3")
            rc, out = verify(forged)
            assert rc == 1 and names_seq(out, 3), (
                f"edited action of row 3: verify exited {rc}: {out}")

            # An untouched copy still verifies: the failures above come
            # from the edits, not from the copying.
            clean = copy_data(inst.data, tmp, "clean")
            rc, out = verify(clean)
            assert rc == 0, f"verify of an untouched copy exited {rc}: {out}"
        finally:
            if not os.environ.get("LOOKOUT_KEEP"):
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    lookout_test.main()

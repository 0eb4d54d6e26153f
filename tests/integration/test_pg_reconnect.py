"""PostgreSQL only: when the database drops lookout's connections, or
goes away for a while, requests answer 503 (never 500, never a hang) and
the server reconnects by itself once the database is back, without a
restart and without losing what was committed before."""

import time

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance

# It stops and restarts its PostgreSQL cluster.
lookout_test.own_pg_cluster()

REGIONS = [("ca", "Canada")]
MEMBER = ("mia", "member", "mia's long password", ["ca"])


def recovers(inst, token, what, seconds=30):
    """Poll /api/v1/reports/mine until it answers 200; every other answer
    must be 503. Returns the statuses seen. (It reads the database on
    every request; /api/v1/me can be answered from the sessions a node
    keeps in memory, docs/multinode.md.)"""
    seen = []
    deadline = time.monotonic() + seconds
    while True:
        assert inst.proc.poll() is None, (
            f"lookout serve died ({inst.proc.returncode}) after {what}; "
            f"statuses {seen}")
        st, j = inst.json_request("GET", "/api/v1/reports/mine",
                                  token=token)
        seen.append(st)
        if st == 200:
            return seen
        assert st == 503, f"after {what}: status {st} ({j}); {seen}"
        assert j and j.get("error"), j
        assert time.monotonic() < deadline, f"no recovery after {what}: " \
                                            f"{seen}"
        time.sleep(0.1)


def test_reconnect():
    if not lookout_test.PG:
        lookout_test.skip("PostgreSQL only (LOOKOUT_TEST_PG=1)")
    c = lookout_test.pg_cluster()
    # Served in the sandbox, as in production: reconnecting must be
    # among what its system-call filter allows.
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        tok = inst.login(MEMBER[0], MEMBER[2])
        inst.json_request("GET", "/api/v1/me", token=tok, expect=200)
        db = inst.db_url.rsplit("/", 1)[1]

        # The database ends every session of lookout's (an administrator,
        # a failover, a restarted pooler).
        out = c.psql(db, "SELECT count(pg_terminate_backend(pid)) FROM "
                     "pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid()", super_user=True)
        assert int(out) >= 1, out
        # Every pooled connection is broken now; each request that meets
        # one answers 503 and the next use of it reconnects.
        for _ in range(30):
            recovers(inst, tok, "pg_terminate_backend")
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)

        # The database is down for a while: 503 meanwhile, then back.
        c.pg_ctl("stop", "-m", "fast")
        try:
            for _ in range(3):
                st, j = inst.json_request("GET", "/api/v1/reports/mine",
                                          token=tok)
                assert st == 503, (st, j)
                assert inst.proc.poll() is None, "serve died"
        finally:
            c.pg_ctl("start")
        recovers(inst, tok, "a database restart")
        for _ in range(30):
            recovers(inst, tok, "a database restart")
        # Writes work again, and nothing committed before was lost.
        inst.json_request("POST", "/api/v1/users",
                          {"role": "member", "name": "nadia",
                           "password": "nadia's long password",
                           "regions": ["ca"]}, token=admin, expect=201)
        inst.login("nadia", "nadia's long password")
        inst.login(MEMBER[0], MEMBER[2])
        inst.stop()
        log = inst.server_log()
        assert c.PASSWORD not in log, log
        assert "reconnected" in log, log
        lookout_test.cli_ok(["audit", "verify", "--data", inst.data])


if __name__ == "__main__":
    lookout_test.main()

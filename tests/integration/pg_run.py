"""Run a program against a throwaway PostgreSQL cluster: pg_run.py PROG
[ARGS...] starts the cluster (as lookout_test does for LOOKOUT_TEST_PG=1),
creates two empty databases, runs PROG with LOOKOUT_TEST_PG_URL and
LOOKOUT_TEST_PG_URL2 naming them, stops the cluster and exits with PROG's
status. ctest runs the store's PostgreSQL unit test through it.

pg_run.py --start STATE starts a cluster that outlives it, for the
integration tests to share ($LOOKOUT_PG_SHARED=STATE), and writes where
it is to the file STATE; pg_run.py --stop STATE stops it. ctest runs them
as the pg-cluster fixture. Should the stop never run, the cluster goes
when ctest (the starter's parent) does."""

import os
import shutil
import subprocess
import sys

import lookout_test


def shared(action, state):
    if action == "--start":
        c = lookout_test.PgCluster()
        c.start(owner_pid=os.getppid())
        c.save(state)
        print(f"postgresql cluster on port {c.port}, in {c.tmp}")
        return
    if not os.path.exists(state):
        return
    c = lookout_test.PgCluster.attach(state)
    p = c._pg_ctl("stop", "-m", "fast")
    os.unlink(state)
    if not os.environ.get("LOOKOUT_KEEP"):
        shutil.rmtree(c.tmp, ignore_errors=True)
    if p.returncode != 0:
        sys.exit(f"pg_ctl stop failed: {p.stdout}{p.stderr}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ("--start", "--stop"):
        shared(sys.argv[1], sys.argv[2])
        return
    if len(sys.argv) < 2:
        sys.exit("usage: pg_run.py PROGRAM [ARGS...] | "
                 "--start STATE | --stop STATE")
    c = lookout_test.pg_cluster()
    env = dict(os.environ,
               LOOKOUT_TEST_PG_URL=c.url(c.create_db()),
               LOOKOUT_TEST_PG_URL2=c.url(c.create_db()))
    rc = subprocess.run(sys.argv[1:], env=env).returncode
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    main()

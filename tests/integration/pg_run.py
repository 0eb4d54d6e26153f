"""Run a program against a throwaway PostgreSQL cluster: pg_run.py PROG
[ARGS...] starts the cluster (as lookout_test does for LOOKOUT_TEST_PG=1),
creates two empty databases, runs PROG with LOOKOUT_TEST_PG_URL and
LOOKOUT_TEST_PG_URL2 naming them, stops the cluster and exits with PROG's
status. ctest runs the store's PostgreSQL unit test through it."""

import os
import subprocess
import sys

import lookout_test


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: pg_run.py PROGRAM [ARGS...]")
    c = lookout_test.pg_cluster()
    env = dict(os.environ,
               LOOKOUT_TEST_PG_URL=c.url(c.create_db()),
               LOOKOUT_TEST_PG_URL2=c.url(c.create_db()))
    rc = subprocess.run(sys.argv[1:], env=env).returncode
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    main()

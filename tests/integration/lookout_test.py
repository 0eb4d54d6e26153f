"""lookout_test: the harness for lookout's integration tests.

Each tests/integration/test_*.py is one ctest case. It defines functions
named test_*, each of which drives the real binary ($LOOKOUT_BIN) on
loopback with a temporary data dir, and ends with

    if __name__ == "__main__":
        lookout_test.main()

Standard library only: the tests must run on a bare Python 3.11.

Debugging: LOOKOUT_KEEP=1 keeps the temporary dirs; running a test file
with test names as arguments runs only those.

PostgreSQL: with LOOKOUT_TEST_PG=1 every Instance keeps its data in a
fresh database of a throwaway PostgreSQL cluster, which the first Instance
of the test process starts (initdb and pg_ctl, as the postgres user when
run as root, on a free loopback port) and the end of the process stops.
Under ctest the test files share one cluster instead, started and stopped
by the pg-cluster fixture (pg_run.py --start/--stop, $LOOKOUT_PG_SHARED),
and each process drops its databases at exit; a file that needs a cluster
of its own says so with own_pg_cluster().
LOOKOUT_PG_BIN names the directory of initdb, pg_ctl and psql. Tests look
at stored data through db_query(), db_execute(), copy_data() and
stored_files(), which work on both databases.
"""

import atexit
import http.client
import inspect
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from html.parser import HTMLParser

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "correct horse battery"
START_TIMEOUT = 20
STOP_TIMEOUT = 10
CLI_TIMEOUT = 60
HTTP_TIMEOUT = 30

LISTEN_RE = re.compile(
    r"listening on https?://(\[[^\]]+\]|[^\s/:]+):(\d+)")

# Text printed after a failing test's traceback (server logs and so on).
_notes = []


def note(text):
    """Attach text to the current test's report, shown if it fails."""
    _notes.append(text)


def binary():
    path = os.environ.get("LOOKOUT_BIN")
    if not path:
        raise AssertionError("LOOKOUT_BIN is not set (run the tests through "
                             "ctest, or export it to the built binary)")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"LOOKOUT_BIN '{path}' is not an executable")
    return path


def run_cli(args, stdin=None, env=None, timeout=CLI_TIMEOUT):
    """Run `lookout ARGS`; returns (rc, stdout, stderr) as text.

    stdin is a str (or None for an empty stdin). env entries are added to
    the environment; a value of None removes that variable.
    """
    e = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    try:
        p = subprocess.run([binary()] + list(args),
                           input=stdin if stdin is not None else "",
                           capture_output=True, text=True, env=e,
                           timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired as ex:
        raise AssertionError(f"lookout {' '.join(args)} did not finish in "
                             f"{timeout}s; stdout={ex.stdout!r} "
                             f"stderr={ex.stderr!r}") from None
    return p.returncode, p.stdout, p.stderr


def cli_ok(args, stdin=None, env=None):
    rc, out, err = run_cli(args, stdin, env)
    assert rc == 0, (f"lookout {' '.join(args)} exited {rc}, expected 0\n"
                     f"stdout: {out}\nstderr: {err}")
    return out, err


class Response:
    """An HTTP response. Unpacks as (status, headers, body).

    headers maps lower-cased names to values; repeated headers are joined
    with ", ", except set-cookie, which is always a list.
    """

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        ctype = self.headers.get("content-type", "")
        assert ctype.startswith("application/json"), (
            f"expected a JSON response, got content-type {ctype!r} "
            f"(status {self.status}): {self.body[:500]!r}")
        try:
            return json.loads(self.body)
        except ValueError as ex:
            raise AssertionError(f"response is not valid JSON ({ex}): "
                                 f"{self.body[:500]!r}") from None

    def __repr__(self):
        return f"<Response {self.status} {self.body[:300]!r}>"


def _headers_dict(pairs):
    h = {"set-cookie": []}
    for k, v in pairs:
        k = k.lower()
        if k == "set-cookie":
            h["set-cookie"].append(v)
        elif k in h:
            h[k] = h[k] + ", " + v
        else:
            h[k] = v
    return h


def _parse_raw_response(data):
    """Parse one HTTP/1.x response from bytes read until the peer closed."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError(f"incomplete HTTP response: {data[:500]!r}")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise AssertionError(f"bad status line: {lines[0]!r}")
    pairs = []
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        pairs.append((k.strip().decode("latin-1"),
                      v.strip().decode("latin-1")))
    h = _headers_dict(pairs)
    body = rest
    if "chunked" in h.get("transfer-encoding", "").lower():
        out = b""
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out += rest[:size]
            rest = rest[size + 2:]
        body = out
    elif "content-length" in h:
        body = rest[:int(h["content-length"])]
    return Response(int(m.group(1)), h, body)


# -- the database under an instance -----------------------------------------

PG = os.environ.get("LOOKOUT_TEST_PG") == "1"
# The files a stored_files() list holds the database in.
DB_FILES = ("lookout.db", ".pgdump")


class Skip(Exception):
    """Raised by skip(); main() reports the test as skipped."""


def skip(reason):
    """Skip the running test, saying why (TAP "# SKIP reason")."""
    raise Skip(reason)


def _pg_bin(name):
    for d in (os.environ.get("LOOKOUT_PG_BIN"),
              "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
              "/usr/lib/postgresql/17/bin"):
        if d and os.access(os.path.join(d, name), os.X_OK):
            return os.path.join(d, name)
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"LOOKOUT_TEST_PG=1 but there is no {name} "
                             f"(install postgresql, or set LOOKOUT_PG_BIN)")
    return path


# Stops the cluster and removes its files once the test process is gone,
# however it ended (ctest kills a test that runs past its timeout).
_REAPER = r"""
import os, shutil, subprocess, sys, time
pid, pg_ctl, data, tmp, user = sys.argv[1:6]
while True:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        break
    time.sleep(0.5)
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
                   capture_output=True, user=user or None)
if not os.environ.get("LOOKOUT_KEEP"):
    shutil.rmtree(tmp, ignore_errors=True)
"""


class PgCluster:
    """A throwaway PostgreSQL cluster on loopback, one per test process.

    Its superuser is "lookout"; each instance's database belongs to the
    unprivileged role "lookout_app", as a real deployment's would."""

    SUPER = "lookout"
    APP = "lookout_app"
    PASSWORD = "pg-test-password"

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="lookout-pg-")
        self.data = os.path.join(self.tmp, "data")
        self.run = os.path.join(self.tmp, "run")
        self.user = "postgres" if os.geteuid() == 0 else None
        self.port = None
        self.n = 0
        self.shared = False     # another process started it
        self.dbs = []           # databases this process created

    STATE_KEYS = ("tmp", "data", "run", "user", "port")

    def save(self, path):
        """Write where this cluster is, for attach()."""
        with open(path + ".new", "w") as f:
            json.dump({k: getattr(self, k) for k in self.STATE_KEYS}, f)
        os.replace(path + ".new", path)

    @classmethod
    def attach(cls, path):
        """The running cluster save() described: this process creates
        databases in it (and drops them at exit) but never stops it."""
        with open(path) as f:
            state = json.load(f)
        c = cls.__new__(cls)
        for k in cls.STATE_KEYS:
            setattr(c, k, state[k])
        c.n = 0
        c.shared = True
        c.dbs = []
        return c

    def _own(self, path, mode):
        if self.user:
            shutil.chown(path, self.user, self.user)
        os.chmod(path, mode)

    def start(self, owner_pid=None):
        """initdb and start; the cluster is stopped and removed once
        owner_pid (this process by default) is gone."""
        os.chmod(self.tmp, 0o711)
        os.mkdir(self.data)
        os.mkdir(self.run)
        self._own(self.data, 0o700)
        self._own(self.run, 0o700)
        pw = os.path.join(self.run, "pw")
        with open(pw, "w") as f:
            f.write(self.PASSWORD + "\n")
        self._own(pw, 0o600)
        subprocess.Popen([sys.executable, "-c", _REAPER,
                          str(owner_pid or os.getpid()),
                          _pg_bin("pg_ctl"), self.data, self.tmp,
                          self.user or ""],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
        p = subprocess.run([_pg_bin("initdb"), "-D", self.data, "-U",
                            self.SUPER, "--auth=scram-sha-256",
                            "--pwfile=" + pw, "-E", "UTF8",
                            "--locale=C.UTF-8", "--no-sync"],
                           capture_output=True, text=True, user=self.user,
                           cwd=self.run)
        assert p.returncode == 0, f"initdb failed: {p.stdout}{p.stderr}"
        for _ in range(5):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            p = self._pg_ctl("start")
            if p.returncode == 0:
                break
        else:
            self.port = None
            raise AssertionError(f"pg_ctl start failed: {p.stdout}"
                                 f"{p.stderr}\n{Instance._read(self.log)}")
        self.psql("postgres", f"CREATE ROLE {self.APP} LOGIN PASSWORD "
                  f"'{self.PASSWORD}'", super_user=True)

    @property
    def log(self):
        return os.path.join(self.run, "pg.log")

    def _pg_ctl(self, action, *args):
        cmd = [_pg_bin("pg_ctl"), "-D", self.data, "-w", "-t", "30"]
        if action == "start":
            # Throwaway data: durability is not what the tests are about.
            cmd += ["-l", self.log, "-o",
                    "-c listen_addresses=127.0.0.1 -c max_connections=300 "
                    "-c fsync=off -c synchronous_commit=off "
                    "-c full_page_writes=off -c shared_buffers=32MB "
                    f"-k {self.run} -p {self.port}"]
        return subprocess.run(cmd + list(args) + [action],
                              capture_output=True, text=True,
                              user=self.user, cwd=self.run)

    def pg_ctl(self, action, *args):
        """pg_ctl start or stop (with args) on the running cluster's
        port, for tests of a database that goes away."""
        p = self._pg_ctl(action, *args)
        assert p.returncode == 0, (f"pg_ctl {action} failed: {p.stdout}"
                                   f"{p.stderr}")

    def stop(self):
        if self.port is None:
            return
        if self.shared:
            for db in self.dbs:
                self.psql("postgres", f"DROP DATABASE IF EXISTS {db} "
                          "WITH (FORCE)", super_user=True)
            self.port = None
            return
        self._pg_ctl("stop", "-m", "fast")
        self.port = None
        if not os.environ.get("LOOKOUT_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, db, super_user=False):
        role = self.SUPER if super_user else self.APP
        # "localhost", not 127.0.0.1: tests check that no file of the data
        # dir holds a client's address, and lookout.conf holds this URL.
        return (f"postgresql://{role}:{self.PASSWORD}@localhost:"
                f"{self.port}/{db}")

    def create_db(self, template="template0"):
        """A new, empty database as lookout wants it: UTF8, collation C."""
        self.n += 1
        name = f"lk{os.getpid()}_{self.n}"
        self.dbs.append(name)
        self.psql("postgres", f"CREATE DATABASE {name} OWNER {self.APP} "
                  f"TEMPLATE {template} ENCODING 'UTF8' LC_COLLATE 'C' "
                  f"LC_CTYPE 'C'", super_user=True)
        return name

    def psql(self, db, sql, super_user=False, tuples=True, binary=False,
             extra=()):
        args = [_pg_bin("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-d",
                self.url(db, super_user)]
        if tuples:
            args.append("-At")
        p = subprocess.run(args + ["-c", sql] + list(extra),
                           capture_output=True, timeout=CLI_TIMEOUT)
        assert p.returncode == 0, (f"psql {sql!r} failed: "
                                   f"{p.stderr.decode(errors='replace')}")
        return p.stdout if binary else p.stdout.decode()


_cluster = None
_own_cluster = False


def own_pg_cluster():
    """Called at import by a test file that stops, restarts or
    reconfigures its PostgreSQL cluster, or reads the cluster's own
    files: it gets a cluster of its own instead of the one that ctest's
    pg-cluster fixture shares ($LOOKOUT_PG_SHARED) between test files."""
    global _own_cluster
    _own_cluster = True


def pg_cluster():
    """The test process's PostgreSQL cluster: the shared one when ctest
    started one, else one of its own, started on first use."""
    global _cluster
    if _cluster is None:
        shared = os.environ.get("LOOKOUT_PG_SHARED")
        if shared and not _own_cluster:
            c = PgCluster.attach(shared)
            atexit.register(c.stop)
        else:
            c = PgCluster()
            atexit.register(c.stop)
            c.start()
        _cluster = c
    return _cluster


def _pg_db_of(data):
    """The PostgreSQL database name of data dir data, or None (SQLite)."""
    try:
        with open(os.path.join(data, "lookout.conf")) as f:
            conf = f.read()
    except FileNotFoundError:
        return None
    m = re.search(r"^\s*db\s*=\s*postgres(?:ql)?://[^/\s]+/(\w+)\s*$", conf,
                  re.M)
    return m.group(1) if m else None


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "'\\x" + bytes(v).hex() + "'::bytea"
    return "'" + str(v).replace("'", "''") + "'"


def _pg_sql(sql, args):
    """sql with its ? placeholders replaced by literals: test code only,
    on values the test itself chose."""
    parts = sql.split("?")
    assert len(parts) == len(args) + 1, (sql, args)
    out = parts[0]
    for a, rest in zip(args, parts[1:]):
        out += _pg_literal(a) + rest
    return out


def _pg_value(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\\x(?:[0-9a-f]{2})*", v):
        return bytes.fromhex(v[2:])
    return v


def db_query(data, sql, args=()):
    """The rows of a SELECT on data dir data's database, as SQLite's
    module returns them (tuples; blobs as bytes, booleans as 0 or 1).
    sql uses ? placeholders."""
    db = _pg_db_of(data)
    if db is None:
        con = sqlite3.connect(os.path.join(data, "lookout.db"))
        try:
            return [tuple(bytes(v) if isinstance(v, memoryview) else v
                          for v in r) for r in con.execute(sql, args)]
        finally:
            con.close()
    # json (not jsonb) keeps the columns' order and repeated names.
    out = pg_cluster().psql(db, "SELECT json_agg(q) "
                            f"FROM ({_pg_sql(sql, args)}) q",
                            super_user=True)
    rows = json.loads(out, object_pairs_hook=lambda kv: [v for _, v in kv]) \
        if out.strip() else None
    return [tuple(_pg_value(v) for v in r) for r in rows or []]


def db_execute(data, sql, args=()):
    """Run a write on data dir data's database; returns the row count."""
    db = _pg_db_of(data)
    if db is None:
        con = sqlite3.connect(os.path.join(data, "lookout.db"))
        try:
            with con:
                return con.execute(sql, args).rowcount
        finally:
            con.close()
    out = pg_cluster().psql(db, _pg_sql(sql, args), super_user=True,
                            tuples=False)
    m = re.search(r"^(?:UPDATE|DELETE|INSERT \d+) (\d+)$", out, re.M)
    assert m, f"no row count from {sql!r}: {out!r}"
    return int(m.group(1))


def db_columns(data, table):
    """The columns of table, in order."""
    if _pg_db_of(data) is None:
        return [r[1] for r in db_query(data, f"PRAGMA table_info({table})")]
    return [r[0] for r in db_query(
        data, "SELECT column_name::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? "
        "ORDER BY ordinal_position", (table,))]


def copy_data(src, dst):
    """Copy data dir src to dst, its database included: on PostgreSQL a
    new database made from src's (nothing may be connected to it), which
    dst's lookout.conf then names."""
    shutil.copytree(src, dst)      # copy2 keeps lookout.key's mode
    db = _pg_db_of(src)
    if db is None:
        return dst
    new = pg_cluster().create_db(template=db)
    conf = os.path.join(dst, "lookout.conf")
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(re.sub(rf"/{db}\s*$", f"/{new}", text, flags=re.M))
    return dst


def stored_files(data, physical=False):
    """The files that hold data dir data's instance, for tests that grep
    them: the data dir's files, and on PostgreSQL a dump of every table
    (COPY in binary format, so text and bytea appear as their own bytes),
    named *.pgdump. With physical, also the database's files in the
    cluster and the write-ahead log, after a checkpoint: what a stolen
    disk would hold (PostgreSQL keeps deleted rows there until vacuum,
    so deletion tests use the dump)."""
    paths = []
    for dirpath, _, names in os.walk(data):
        paths += [os.path.join(dirpath, n) for n in names]
    db = _pg_db_of(data)
    if db is None:
        return paths
    c = pg_cluster()
    tables = c.psql(db, "SELECT tablename FROM pg_tables WHERE "
                    "schemaname = current_schema() ORDER BY 1",
                    super_user=True).split()
    dump = c.psql(db, "SELECT 1", super_user=True, binary=True,
                  extra=[a for t in tables for a in
                         ("-c", f"COPY {t} TO STDOUT (FORMAT binary)")])
    path = os.path.join(c.tmp, f"{db}.{len(os.listdir(c.tmp))}.pgdump")
    with open(path, "wb") as f:
        f.write(dump)
    paths.append(path)
    if physical:
        oid = c.psql(db, "CHECKPOINT", super_user=True, extra=[
            "-c", "SELECT oid FROM pg_database "
            "WHERE datname = current_database()"]).split()[-1]
        for sub in (os.path.join("base", oid), "pg_wal"):
            root = os.path.join(c.data, sub)
            for dirpath, _, names in os.walk(root):
                paths += [os.path.join(dirpath, n) for n in names]
    return paths


class Instance:
    """A lookout data dir and, while started, its server.

    with Instance(regions=[("ca", "Canada"), ("ca-bc", "BC", "ca")],
                  users=[("mia", "member", "a long password", ["ca-bc"])])
        as inst:
        st, j = inst.json_request("POST", "/api/v1/login", {...})

    With sqlite=True the data stays in SQLite even when LOOKOUT_TEST_PG=1
    (for tests that move it to PostgreSQL themselves).

    The data dir is inst.data (inside a temporary dir removed at exit).
    The server's stderr goes to inst.log_path; it is shown when a test
    fails inside the with block.
    """

    def __init__(self, regions=(), users=(), admin=ADMIN_NAME,
                 admin_password=ADMIN_PASSWORD, start=True, env=None,
                 conf=None, sqlite=False):
        self.regions = list(regions)
        self.users = list(users)
        self.admin = admin
        self.admin_password = admin_password
        self.autostart = start
        self.env = dict(env or {})
        self.conf = conf
        self.proc = None
        self.port = None
        self.host = "127.0.0.1"
        self.tmp = None
        self.db_url = None      # PostgreSQL: the instance's database
        self.sqlite = sqlite    # SQLite even with LOOKOUT_TEST_PG=1

    # -- lifecycle ------------------------------------------------------

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="lookout-it-")
        self.data = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "server.stderr")
        self.out_path = os.path.join(self.tmp, "server.stdout")
        try:
            self.setup()
            if self.autostart:
                self.start()
        except BaseException:
            self._show_log()
            self._kill()
            self._cleanup()
            raise
        return self

    def setup(self):
        args = ["init", "--data", self.data, "--admin", self.admin]
        if PG and not self.sqlite:
            c = pg_cluster()
            self.db_url = c.url(c.create_db())
            args += ["--db", self.db_url]
        cli_ok(args, stdin=self.admin_password + "\n")
        if self.conf is not None:
            # On PostgreSQL, init wrote the db key there: it goes after
            # the test's lines, which keep their line numbers.
            path = os.path.join(self.data, "lookout.conf")
            ours = self._read(path) if self.db_url else ""
            with open(path, "w") as f:
                f.write(self.conf + ("\n" if ours and
                                     not self.conf.endswith("\n") else "")
                        + ours)
        for r in self.regions:
            code, name = r[0], r[1]
            args = ["region", "add", "--data", self.data, "--code", code,
                    "--name", name]
            if len(r) > 2 and r[2]:
                args += ["--parent", r[2]]
            cli_ok(args)
        for u in self.users:
            self.add_user(*u)

    def add_user(self, name, role, password, regions=()):
        args = ["user", "add", "--data", self.data, "--role", role,
                "--name", name]
        for code in regions:
            args += ["--region", code]
        return cli_ok(args, stdin=password + "\n")

    def start(self, env=None, args=(), preexec_fn=None):
        """Start `lookout serve` and wait for its "listening on" line.
        preexec_fn runs in the child before exec (to set an rlimit)."""
        assert self.proc is None, "server already running"
        e = dict(os.environ)
        for k, v in {**self.env, **(env or {})}.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        out = open(self.out_path, "wb")
        err = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [binary(), "serve", "--data", self.data,
                 "--listen", "127.0.0.1:0"] + list(args),
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=e,
                preexec_fn=preexec_fn)
        finally:
            out.close()
            err.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with open(self.out_path, "rb") as f:
                m = LISTEN_RE.search(f.read().decode("utf-8", "replace"))
            if m:
                self.host = m.group(1).strip("[]")
                self.port = int(m.group(2))
                return
            rc = self.proc.poll()
            if rc is not None:
                self.proc = None
                raise AssertionError(
                    f"lookout serve exited {rc} before listening "
                    f"(its stderr is below)\n"
                    f"stdout: {self._read(self.out_path)}")
            if time.monotonic() > deadline:
                self._kill()
                raise AssertionError(
                    f"lookout serve printed no 'listening on http://...' "
                    f"line within {START_TIMEOUT}s (its stderr is below)\n"
                    f"stdout: {self._read(self.out_path)}")
            time.sleep(0.05)

    def stop(self):
        """SIGTERM the server; it must exit 0 within STOP_TIMEOUT."""
        if self.proc is None:
            return
        p, self.proc = self.proc, None
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError(f"lookout serve did not exit within "
                                 f"{STOP_TIMEOUT}s of SIGTERM") from None
        assert rc == 0, f"lookout serve exited {rc} after SIGTERM, expected 0"

    def _kill(self):
        if self.proc is not None:
            p, self.proc = self.proc, None
            p.kill()
            p.wait()

    def _cleanup(self):
        if self.tmp and not os.environ.get("LOOKOUT_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def server_log(self):
        return self._read(self.log_path)

    def _show_log(self):
        if self.tmp:
            note(f"--- lookout serve stderr ({self.log_path}) ---\n"
                 f"{self.server_log()}--- end ---")

    def __exit__(self, etype, exc, tb):
        try:
            if etype is not None:
                self._show_log()
                try:
                    self.stop()
                except AssertionError as ex:
                    note(f"also, while stopping: {ex}")
                self._kill()
            else:
                try:
                    self.stop()
                except AssertionError:
                    self._show_log()
                    raise
        finally:
            self._cleanup()
        return False

    @property
    def key_path(self):
        return os.path.join(self.data, "lookout.key")

    @property
    def db_path(self):
        return os.path.join(self.data, "lookout.db")

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    # -- HTTP -----------------------------------------------------------

    def request(self, method, path, body=None, headers=None, token=None):
        """One request on a fresh connection. body: bytes as they are, or
        any other value serialised as JSON. A header given as None is not
        sent. Returns a Response (unpacks as status, headers, body)."""
        assert self.port, "server not started"
        hdrs = {}
        if body is not None:
            if not isinstance(body, (bytes, bytearray)):
                body = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        for k, v in (headers or {}).items():
            for existing in [x for x in hdrs if x.lower() == k.lower()]:
                del hdrs[existing]
            hdrs[k] = v
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=HTTP_TIMEOUT)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in hdrs.items():
                if v is not None:
                    conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            try:
                conn.endheaders(body)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413, say) and close before it
                # has read the whole body; its answer is still there.
                pass
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, _headers_dict(r.getheaders()), data)
        finally:
            conn.close()

    def json_request(self, method, path, body=None, token=None,
                     headers=None, expect=None):
        """request() whose answer must be JSON (or empty). Returns
        (status, parsed body or None). With expect, asserts the status."""
        r = self.request(method, path, body, headers=headers, token=token)
        if expect is not None:
            assert r.status == expect, (
                f"{method} {path}: status {r.status}, expected {expect}: "
                f"{r.body[:1000]!r}")
        if not r.body:
            return r.status, None
        return r.status, r.json()

    def raw(self, data, timeout=10, half_close=False):
        """Send raw bytes on a new connection and read until the server
        closes (or is silent for timeout seconds). Returns a Response, or
        None when the server sent nothing."""
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        chunks = []
        try:
            try:
                s.sendall(data)
                if half_close:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass
            while True:
                try:
                    c = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not c:
                    break
                chunks.append(c)
        finally:
            s.close()
        got = b"".join(chunks)
        if not got:
            return None
        return _parse_raw_response(got)

    def login(self, name, password):
        """POST /api/v1/login; asserts 200 and returns the token."""
        st, j = self.json_request("POST", "/api/v1/login",
                                  {"name": name, "password": password})
        assert st == 200, f"login as {name!r}: status {st}: {j}"
        assert isinstance(j.get("token"), str) and j["token"], j
        return j["token"]

    def healthy(self):
        r = self.request("GET", "/healthz")
        return r.status == 200 and r.body.strip() == b"ok"


# -- the web client ------------------------------------------------------

class Node(Instance):
    """Another `lookout serve` on the same database and key as inst (a
    node of a multi-node deployment, PostgreSQL only): a data dir of its
    own holding copies of inst's lookout.conf and lookout.key, as an
    operator would install them (docs/multinode.md).

    with Instance(...) as a, Node(a) as b: ...
    """

    def __init__(self, of, start=True, env=None):
        super().__init__(start=start, env=env)
        self.of = of

    def setup(self):
        assert PG, "a second node needs PostgreSQL (LOOKOUT_TEST_PG=1)"
        os.mkdir(self.data, 0o700)
        for name in ("lookout.conf", "lookout.key"):
            shutil.copy2(os.path.join(self.of.data, name),
                         os.path.join(self.data, name))
        self.db_url = self.of.db_url


class Html(HTMLParser):
    """A parsed page: its start tags in order, with attributes (quoted or
    not, entities decoded), its scripts and its visible text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, {attr: value}) in document order
        self.scripts = []       # ({attr: value}, inline content)
        self._script = None
        self._skip = 0          # inside <style>
        self._text = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        d = {k.lower(): (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, d))
        if tag == "script":
            self._script = (d, [])
        elif tag == "style":
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        d = {k.lower(): (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, d))
        if tag == "script":
            self.scripts.append((d, ""))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        elif tag == "style" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        elif not self._skip:
            self._text.append(data)

    @property
    def text(self):
        """The visible text, whitespace collapsed."""
        return " ".join(" ".join(self._text).split())

    @property
    def lang(self):
        for tag, a in self.tags:
            if tag == "html":
                return a.get("lang")
        return None

    def find_all(self, tag=None, attrs=None):
        """Tags named tag (any when None) whose attributes include attrs;
        for "class", the value must be one of the element's classes."""
        out = []
        for t, a in self.tags:
            if tag is not None and t != tag:
                continue
            ok = True
            for k, v in (attrs or {}).items():
                if k == "class":
                    ok = v in a.get("class", "").split()
                else:
                    ok = a.get(k) == v
                if not ok:
                    break
            if ok:
                out.append(a)
        return out

    def find(self, tag=None, attrs=None):
        found = self.find_all(tag, attrs)
        return found[0] if found else None

    def after(self, tag):
        """Start tags after the first <tag>."""
        for i, (t, _) in enumerate(self.tags):
            if t == tag:
                return self.tags[i + 1:]
        return []

    def input_value(self, name):
        """The value of <input name=NAME>, "" when it has none; asserts
        that there is such an input."""
        a = self.find("input", {"name": name})
        assert a is not None, f"no input named {name!r} in the page"
        return a.get("value", "")


def find_csrf(html):
    """The value of the form's hidden csrf field; asserts there is one."""
    page = html if isinstance(html, Html) else Html(html)
    a = page.find("input", {"name": "csrf"})
    assert a is not None, f"no csrf field in page: {page.text[:1000]}"
    assert a.get("value"), f"csrf field without a value: {a}"
    return a["value"]


def redirect_path(resp):
    """Asserts resp is a redirect; returns the path of its Location."""
    assert resp.status in (301, 302, 303, 307, 308), (
        f"expected a redirect, got {resp.status}: {resp.body[:500]!r}")
    loc = resp.headers.get("location")
    assert loc, f"redirect {resp.status} without a Location header"
    return urllib.parse.urlsplit(loc).path


def parse_set_cookie(value):
    """'n=v; HttpOnly; Path=/' -> (n, v, {'httponly': '', 'path': '/'})"""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name.strip(), val.strip(), attrs


class WebClient:
    """A tiny browser: a cookie jar, form posts, no automatic redirects.

    It sends Origin on POSTs, as browsers do, so that only the CSRF token
    decides whether a form post is accepted."""

    def __init__(self, inst, headers=None):
        self.inst = inst
        self.cookies = {}
        self.headers = dict(headers or {})

    def _absorb(self, resp):
        for sc in resp.headers.get("set-cookie", []):
            name, val, attrs = parse_set_cookie(sc)
            if attrs.get("max-age") == "0" or val == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val

    def _send(self, method, path, body, headers):
        h = dict(self.headers)
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}"
                                    for k, v in self.cookies.items())
        h.update(headers or {})
        r = self.inst.request(method, path, body, headers=h)
        self._absorb(r)
        return r

    def get(self, path, headers=None):
        return self._send("GET", path, None, headers)

    def post_form(self, path, fields, headers=None):
        """fields: a dict or a list of (name, value) pairs."""
        h = {"Content-Type": "application/x-www-form-urlencoded",
             "Origin": self.inst.base_url}
        h.update(headers or {})
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._send("POST", path, body, h)

    def login(self, name, password):
        """Log in through /login; asserts the 303 to /home."""
        page = self.get("/login")
        assert page.status == 200, page
        r = self.post_form("/login", {"csrf": find_csrf(page.text),
                                      "name": name, "password": password})
        assert redirect_path(r) == "/home", r
        assert "lk_session" in self.cookies, r.headers
        return r


class _FormParser(HTMLParser):
    _VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
             "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None   # (attrs, [data])
        self._select = None     # (attrs, [(value, selected, attrs)])
        self._option = None     # (attrs, [data])

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            self._form.inputs.append(("input", a))
        elif tag == "textarea":
            self._textarea = (a, [])
        elif tag == "select":
            self._select = (a, [])
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = (a, [])
        elif tag == "button":
            self._form.inputs.append(("button", a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self._VOID:
            self.handle_endtag(tag)

    def _end_option(self):
        if self._option is not None:
            a, data = self._option
            value = a["value"] if "value" in a else \
                " ".join("".join(data).split())
            self._select[1].append((value, "selected" in a, a))
            self._option = None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            a, data = self._textarea
            text = "".join(data)
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form.inputs.append(("textarea", dict(a, value=text)))
            self._textarea = None
        elif tag == "option" and self._select is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            a, options = self._select
            self._form.inputs.append(("select", dict(a, options=options)))
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[1].append(data)


class Form:
    """One <form> of a page: attrs (action, method...), and inputs as
    (kind, attrs) with kind input, textarea (attrs["value"] is its
    content), select (attrs["options"] is [(value, selected, attrs)]) or
    button."""

    def __init__(self, attrs):
        self.attrs = attrs
        self.inputs = []

    @property
    def action(self):
        return self.attrs.get("action")

    def fields(self):
        """The (name, value) pairs a browser would submit, in order,
        without submit buttons."""
        out = []
        for kind, a in self.inputs:
            name = a.get("name")
            if not name or "disabled" in a or kind == "button":
                continue
            if kind == "textarea":
                out.append((name, a["value"]))
            elif kind == "select":
                opts = a["options"]
                chosen = [v for v, sel, _ in opts if sel]
                if not chosen and opts and "multiple" not in a:
                    chosen = [opts[0][0]]
                out.extend((name, v) for v in chosen)
            else:
                t = a.get("type", "text").lower()
                if t in ("submit", "button", "image", "reset", "file"):
                    continue
                if t in ("checkbox", "radio"):
                    if "checked" in a:
                        out.append((name, a.get("value", "on")))
                    continue
                out.append((name, a.get("value", "")))
        return out

    def values(self, name):
        """Every submitted value of field name, in order."""
        return [v for k, v in self.fields() if k == name]

    def value(self, name):
        """The one submitted value of name; asserts there is exactly
        one."""
        v = self.values(name)
        assert len(v) == 1, f"field {name!r} of form {self.attrs}: {v}"
        return v[0]

    def has_field(self, name):
        return any(a.get("name") == name for _, a in self.inputs)


def forms(text):
    """Every <form> of the page, in order."""
    p = _FormParser()
    p.feed(text)
    p.close()
    return p.forms


def find_form(text, action, page_path=None):
    """The form posting to action (a form without an action posts to
    page_path); asserts there is one."""
    found = forms(text)
    for f in found:
        act = f.action
        if act is None or act == "":
            act = page_path
        if act is not None and urllib.parse.urlsplit(act).path == action:
            return f
    raise AssertionError(f"no form posting to {action!r}; forms: "
                         f"{[f.attrs for f in found]}\n"
                         f"page: {Html(text).text[:1000]}")


class _ElementParser(HTMLParser):
    def __init__(self, match):
        super().__init__(convert_charrefs=True)
        self.match = match
        self.found = []     # [tag, attrs, [data]]
        self._open = []     # [entry, depth]

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        for o in self._open:
            if o[0][0] == tag:
                o[1] += 1
        if self.match(tag, a):
            entry = [tag, a, []]
            self.found.append(entry)
            if tag not in _FormParser._VOID:
                self._open.append([entry, 1])

    def handle_startendtag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if self.match(tag, a):
            self.found.append([tag, a, []])

    def handle_endtag(self, tag):
        for o in list(self._open):
            if o[0][0] == tag:
                o[1] -= 1
                if o[1] == 0:
                    self._open.remove(o)

    def handle_data(self, data):
        for o in self._open:
            o[0][2].append(data)


def elements(text, match):
    """Elements for which match(tag, attrs) is true, in document order,
    as (tag, attrs, visible text with whitespace collapsed)."""
    p = _ElementParser(match)
    p.feed(text)
    p.close()
    return [(t, a, " ".join(" ".join(d).split())) for t, a, d in p.found]


def element_by_id(text, ident):
    """(tag, attrs, text) of the element with id=ident; asserts it is
    there."""
    found = elements(text, lambda t, a: a.get("id") == ident)
    assert found, (f"no element with id={ident!r} in the page: "
                   f"{Html(text).text[:1000]}")
    return found[0]


def shows_error(text):
    """Whether the page shows a form error (role=alert or class error)."""
    page = Html(text)
    return bool(page.find(attrs={"role": "alert"}) or
                page.find(attrs={"class": "error"}))


# -- a real SMTP server: Postfix's smtp-sink -------------------------------

SINK_TIMEOUT = 10


def free_port():
    """A loopback TCP port nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_sink_binary():
    """Postfix's smtp-sink: $LOOKOUT_SMTP_SINK, an installed one, or the
    one scripts/deps.sh extracts into build/postfix."""
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.environ.get("LOOKOUT_SMTP_SINK"),
                 shutil.which("smtp-sink"), "/usr/sbin/smtp-sink",
                 os.path.join(here, "..", "..", "build", "postfix", "usr",
                              "sbin", "smtp-sink")):
        if path and os.access(path, os.X_OK):
            return os.path.abspath(path)
    raise AssertionError("no smtp-sink: run scripts/deps.sh (it extracts "
                         "postfix into build/postfix) or set "
                         "LOOKOUT_SMTP_SINK")


class SmtpSink:
    """smtp-sink listening on 127.0.0.1:port, writing every message it
    receives, envelope lines (X-Mail-Args, X-Rcpt-Args) and headers
    included, to a file of its own in self.dir.

    with SmtpSink() as sink: ... sink.port, sink.wait(n), sink.messages()
    start() may be called later than construction (a relay that comes
    up late), and again after stop()."""

    def __init__(self, port=None):
        self.port = port or free_port()
        # smtp-sink drops to nobody, who must reach the dir: not inside
        # a test's 0700 temporary dir.
        self.dir = tempfile.mkdtemp(prefix="lookout-sink-")
        os.chmod(self.dir, 0o777)
        self.proc = None
        self.log_path = os.path.join(self.dir, "sink.log")

    def start(self):
        assert self.proc is None, "smtp-sink already running"
        exe = smtp_sink_binary()
        env = dict(os.environ)
        lib = os.path.join(os.path.dirname(os.path.dirname(exe)), "lib",
                           "postfix")
        if os.path.isdir(lib):
            env["LD_LIBRARY_PATH"] = lib
        args = [exe]
        if os.geteuid() == 0:
            args += ["-u", "nobody"]
        args += ["-d", os.path.join(self.dir, "msg-%Y%m%d%H%M%S."),
                 f"127.0.0.1:{self.port}", "100"]
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env)
        finally:
            log.close()
        deadline = time.monotonic() + SINK_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"smtp-sink did not start on port "
                                     f"{self.port}: "
                                     f"{Instance._read(self.log_path)}")
            time.sleep(0.05)

    def stop(self):
        if self.proc is not None:
            p, self.proc = self.proc, None
            p.terminate()
            try:
                p.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def files(self):
        return sorted(os.path.join(self.dir, n) for n in os.listdir(self.dir)
                      if n.startswith("msg-"))

    def messages(self):
        """Every message received so far, as bytes, oldest first."""
        out = []
        for path in self.files():
            with open(path, "rb") as f:
                out.append(f.read())
        return out

    def wait(self, n, timeout=30):
        """Wait until at least n messages arrived; returns messages()."""
        deadline = time.monotonic() + timeout
        while len(self.files()) < n:
            assert time.monotonic() < deadline, (
                f"smtp-sink got {len(self.files())} messages in "
                f"{timeout}s, expected {n}")
            time.sleep(0.1)
        time.sleep(0.3)     # let the last file be written out
        return self.messages()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if not os.environ.get("LOOKOUT_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


def start_smtp_sink(port=None):
    """Start smtp-sink on loopback (on port, or a free one); returns the
    running SmtpSink (its .port and .dir; stop it, or use it in a with
    block)."""
    return SmtpSink(port).start()


# -- the runner ------------------------------------------------------------

def main():
    """Run every test_* function of the __main__ module in source order,
    TAP-style; the last line is "N passed, M failed" (and, when some
    were, ", K skipped")."""
    mod = sys.modules["__main__"]
    tests = sorted((fn.__code__.co_firstlineno, name, fn)
                   for name, fn in vars(mod).items()
                   if name.startswith("test_") and inspect.isfunction(fn)
                   and fn.__module__ == "__main__")
    only = set(sys.argv[1:])
    if only:
        tests = [t for t in tests if t[1] in only]
    print(f"1..{len(tests)}", flush=True)
    if PG:
        # SIGTERM (ctest, a user) still runs atexit: the cluster stops.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    passed = failed = skipped = 0
    for i, (_, name, fn) in enumerate(tests, 1):
        _notes.clear()
        try:
            fn()
        except Skip as ex:
            skipped += 1
            print(f"ok {i} - {name} # SKIP {ex}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {i} - {name}", flush=True)
            tb = traceback.format_exc()
            for line in tb.rstrip().splitlines():
                print("# " + line)
            for n in _notes:
                for line in n.rstrip().splitlines():
                    print("# " + line)
            sys.stdout.flush()
        else:
            passed += 1
            print(f"ok {i} - {name}", flush=True)
    print(f"{passed} passed, {failed} failed"
          + (f", {skipped} skipped" if skipped else ""), flush=True)
    sys.exit(1 if failed or not tests else 0)

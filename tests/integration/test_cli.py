"""The command-line interface: help, usage errors, init, serve's start-up
checks, user add, region add and audit verify."""

import os
import re
import shutil
import socket
import stat
import tempfile

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance, cli_ok, run_cli

# Each command and the flags its help must mention.
COMMANDS = [
    (["init"], ["--data", "--admin"]),
    (["serve"], ["--data", "--listen"]),
    (["user", "add"], ["--data", "--role", "--name", "--region"]),
    (["region", "add"], ["--data", "--code", "--name", "--parent"]),
    (["audit", "verify"], ["--data"]),
]

MEMBER_PASSWORD = "a perfectly long password"


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="lookout-it-")
        return self.path

    def __exit__(self, *exc):
        if not os.environ.get("LOOKOUT_KEEP"):
            shutil.rmtree(self.path, ignore_errors=True)
        return False


def serve_must_fail(data, env=None, listen="127.0.0.1:0", timeout=15):
    """Run `lookout serve` that is expected to refuse to start. Returns
    (rc, output) with stdout and stderr together."""
    rc, out, err = run_cli(["serve", "--data", data, "--listen", listen],
                           env=env, timeout=timeout)
    return rc, out + err


def test_help_for_every_command():
    rc, out, err = run_cli(["--help"])
    assert rc == 0, f"lookout --help exited {rc}: {out} {err}"
    assert "usage" in (out + err).lower(), f"no usage in: {out} {err}"
    for cmd in ["init", "serve", "user", "region", "audit"]:
        assert cmd in out + err, f"lookout --help does not list {cmd}"
    for cmd, flags in COMMANDS:
        rc, out, err = run_cli(cmd + ["--help"])
        what = "lookout " + " ".join(cmd) + " --help"
        assert rc == 0, f"{what} exited {rc}: {out} {err}"
        text = out + err
        assert "usage" in text.lower(), f"{what} printed no usage: {text}"
        for f in flags:
            assert f in text, f"{what} does not mention {f}: {text}"


def test_usage_errors_exit_2():
    with TempDir() as d:
        data = os.path.join(d, "data")
        cases = [
            [],
            ["frobnicate"],
            ["--frobnicate"],
            ["init", "--data", data, "--admin", "admin", "--bogus"],
            ["init", "--admin", "admin"],          # --data is required
            ["serve", "--data", data, "--bogus"],
            ["user", "frobnicate", "--data", data],
            ["user", "add", "--data", data, "--role", "member", "--name",
             "x", "--bogus"],
            ["user", "add", "--data", data, "--role", "superuser",
             "--name", "x"],                        # no such role
            ["region", "add", "--data", data, "--code", "ca", "--name",
             "Canada", "--bogus"],
            ["audit", "frobnicate", "--data", data],
            ["audit", "verify", "--data", data, "--bogus"],
        ]
        for args in cases:
            rc, out, err = run_cli(args, stdin=ADMIN_PASSWORD + "\n")
            assert rc == 2, (f"lookout {' '.join(args)} exited {rc}, "
                             f"expected 2 (usage)\nstdout: {out}\n"
                             f"stderr: {err}")
            assert err.strip(), (f"lookout {' '.join(args)}: a usage error "
                                 f"must say what is wrong on stderr")
        # None of those may have created anything.
        assert not os.path.exists(data), os.listdir(data)


def test_password_never_from_argv():
    with Instance(start=False) as inst:
        rc, out, err = run_cli(["user", "add", "--data", inst.data, "--role",
                                "member", "--name", "mia", "--password", "x"],
                               stdin=MEMBER_PASSWORD + "\n")
        assert rc == 2, (f"user add --password exited {rc}, expected 2 "
                         f"(there is no such flag)\n{out}\n{err}")
        # ...and the attempt did not create the account.
        inst.add_user("mia", "member", MEMBER_PASSWORD)


def test_init_creates_key_and_db():
    with TempDir() as d:
        data = os.path.join(d, "data")
        cli_ok(["init", "--data", data, "--admin", ADMIN_NAME],
               stdin=ADMIN_PASSWORD + "\n")
        key = os.path.join(data, "lookout.key")
        db = os.path.join(data, "lookout.db")
        assert os.path.isfile(key), os.listdir(data)
        assert os.path.isfile(db), os.listdir(data)
        mode = stat.S_IMODE(os.stat(key).st_mode)
        assert mode == 0o600, f"lookout.key has mode {mode:o}, expected 600"
        with open(key, "rb") as f:
            content = f.read()
        assert re.fullmatch(rb"[0-9a-fA-F]{64}\n?", content), (
            f"lookout.key does not hold 64 hex digits: {content!r}")
        with open(db, "rb") as f:
            assert f.read(16) == b"SQLite format 3\x00"


def test_init_refuses_existing_dir():
    with TempDir() as d:
        data = os.path.join(d, "data")
        cli_ok(["init", "--data", data, "--admin", ADMIN_NAME],
               stdin=ADMIN_PASSWORD + "\n")
        key = os.path.join(data, "lookout.key")
        db = os.path.join(data, "lookout.db")
        with open(key, "rb") as f:
            key_before = f.read()
        with open(db, "rb") as f:
            db_before = f.read()
        files_before = sorted(os.listdir(data))
        rc, out, err = run_cli(["init", "--data", data, "--admin", "other"],
                               stdin="another long password\n")
        assert rc == 1, f"second init exited {rc}, expected 1\n{out}\n{err}"
        assert err.strip(), "second init must say why it refused"
        with open(key, "rb") as f:
            assert f.read() == key_before, "init overwrote lookout.key"
        with open(db, "rb") as f:
            assert f.read() == db_before, "refused init changed lookout.db"
        assert sorted(os.listdir(data)) == files_before, os.listdir(data)


def test_init_refuses_existing_dir_keeps_login():
    with Instance() as inst:
        inst.stop()
        rc, out, err = run_cli(["init", "--data", inst.data, "--admin",
                                "other"], stdin="another long password\n")
        assert rc == 1, f"second init exited {rc}, expected 1\n{out}\n{err}"
        inst.start()
        inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        st, j = inst.json_request("POST", "/api/v1/login",
                                  {"name": "other",
                                   "password": "another long password"})
        assert st == 401, f"refused init still created 'other': {st} {j}"


def test_init_and_serve_on_postgresql():
    if not lookout_test.PG:
        lookout_test.skip("PostgreSQL only (LOOKOUT_TEST_PG=1)")
    c = lookout_test.pg_cluster()
    url = c.url(c.create_db())
    with TempDir() as d:
        data = os.path.join(d, "data")
        out, err = cli_ok(["init", "--data", data, "--admin", ADMIN_NAME,
                           "--db", url], stdin=ADMIN_PASSWORD + "\n")
        assert c.PASSWORD not in out + err, (out, err)
        assert sorted(os.listdir(data)) == ["lookout.conf", "lookout.key"], \
            os.listdir(data)
        conf = os.path.join(data, "lookout.conf")
        mode = stat.S_IMODE(os.stat(conf).st_mode)
        assert mode == 0o600, f"lookout.conf has mode {mode:o}, expected 600"
        with open(conf) as f:
            assert re.search(rf"^db = {re.escape(url)}$", f.read(), re.M)
        assert lookout_test.db_query(data, "SELECT count(*) FROM users") \
            == [(1,)]

        # The database holds an instance: a second init refuses it and
        # leaves nothing behind.
        other = os.path.join(d, "other")
        rc, out, err = run_cli(["init", "--data", other, "--admin", "eve",
                                "--db", url],
                               stdin="another long password\n")
        assert rc == 1, (rc, out, err)
        assert "already holds" in err, err
        assert c.PASSWORD not in out + err, (out, err)
        assert os.listdir(other) == [], os.listdir(other)
        assert lookout_test.db_query(data, "SELECT count(*) FROM users") \
            == [(1,)]

        # Not a database URL; a database that is not there.
        rc, out, err = run_cli(["init", "--data", other, "--admin", "eve",
                                "--db", "mysql://x/y"],
                               stdin="another long password\n")
        assert rc == 2, (rc, out, err)
        missing = url.rsplit("/", 1)[0] + "/no_such_db"
        rc, out, err = run_cli(["init", "--data", other, "--admin", "eve",
                                "--db", missing],
                               stdin="another long password\n")
        assert rc == 1 and "no_such_db" in err, (rc, out, err)
        assert c.PASSWORD not in out + err, (out, err)
        assert os.listdir(other) == [], os.listdir(other)

    # serve --db wins over lookout.conf; a wrong password in either stops
    # serve without printing it.
    with Instance(start=False) as inst:
        conf = os.path.join(inst.data, "lookout.conf")
        wrong = inst.db_url.replace(c.PASSWORD, "Wrong-Secret-4711")
        with open(conf, "w") as f:
            f.write(f"db = {wrong}\n")
        rc, out = serve_must_fail(inst.data)
        assert rc == 1 and "password" in out, (rc, out)
        assert "Wrong-Secret-4711" not in out, out
        inst.start(args=["--db", inst.db_url])
        inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        inst.stop()
        assert "Wrong-Secret-4711" not in inst.server_log()
        assert c.PASSWORD not in inst.server_log()


def test_serve_missing_data_dir():
    with TempDir() as d:
        data = os.path.join(d, "nonexistent")
        rc, out = serve_must_fail(data)
        assert rc == 1, f"serve on a missing dir exited {rc}: {out}"
        assert data in out, f"message does not name the dir {data}: {out}"
        assert "lookout init" in out, f"message does not suggest " \
                                      f"'lookout init': {out}"
        assert not os.path.exists(data), "serve created the data dir"


def test_serve_key_file_permissions():
    with Instance(start=False) as inst:
        os.chmod(inst.key_path, 0o644)
        rc, out = serve_must_fail(inst.data)
        assert rc == 1, f"serve with a 0644 key exited {rc}: {out}"
        assert re.search(r"permission|chmod|readable|mode", out, re.I), (
            f"message does not explain the key file's permissions: {out}")
        assert "lookout.key" in out, f"message does not name the key: {out}"
        os.chmod(inst.key_path, 0o600)
        inst.start()
        assert inst.healthy()


def test_serve_key_file_missing():
    with Instance(start=False) as inst:
        os.unlink(inst.key_path)
        rc, out = serve_must_fail(inst.data)
        assert rc == 1, f"serve without a key exited {rc}: {out}"
        assert "key" in out.lower(), f"message does not mention the key: " \
                                     f"{out}"


def test_serve_with_key_in_environment():
    with Instance(start=False) as inst:
        with open(inst.key_path) as f:
            hexkey = f.read().strip()
        os.unlink(inst.key_path)
        inst.start(env={"LOOKOUT_KEY": hexkey})
        assert inst.healthy()
        # Logging in needs the key (names are looked up by keyed hash),
        # so this proves the key came from the environment.
        inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        inst.stop()
        rc, out = serve_must_fail(inst.data, env={"LOOKOUT_KEY": "abc123"})
        assert rc == 1, f"serve with a malformed LOOKOUT_KEY exited {rc}: " \
                        f"{out}"
        assert "LOOKOUT_KEY" in out, out


def test_serve_port_in_use():
    with Instance(start=False) as inst:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            rc, out = serve_must_fail(inst.data,
                                      listen=f"127.0.0.1:{port}")
        finally:
            s.close()
        assert rc == 1, f"serve on a busy port exited {rc}: {out}"
        assert re.search(r"in use", out, re.I), (
            f"message does not say the address is in use: {out}")


def test_serve_bad_config():
    with Instance(start=False,
                  conf="# a comment\nbogus_key = 1\n") as inst:
        rc, out = serve_must_fail(inst.data)
        assert rc == 1, f"serve with an unknown config key exited {rc}: " \
                        f"{out}"
        assert re.search(r"line 2\b", out), f"message does not name line 2:" \
                                           f" {out}"


def test_user_add_password_length():
    with Instance(start=False) as inst:
        for pw in ["", "short", "123456789"]:     # under 10 characters
            rc, out, err = run_cli(["user", "add", "--data", inst.data,
                                    "--role", "member", "--name", "mia"],
                                   stdin=pw + "\n")
            assert rc == 1, (f"user add with the {len(pw)}-character "
                             f"password {pw!r} exited {rc}, expected 1\n"
                             f"{out}\n{err}")
            assert err.strip(), "a refused user add must say why"
        # Ten characters is enough.
        inst.add_user("mia", "member", "0123456789")
        inst.start()
        inst.login("mia", "0123456789")


def test_user_add_refusals():
    with Instance(start=False, regions=[("ca", "Canada")]) as inst:
        inst.add_user("mia", "member", MEMBER_PASSWORD, ["ca"])
        for args, why in [
            (["--role", "member", "--name", "mia"], "a duplicate name"),
            (["--role", "member", "--name", "MIA"], "a duplicate name "
             "(names are case-insensitive)"),
            (["--role", "member", "--name", "zoe", "--region", "nowhere"],
             "an unknown region"),
        ]:
            rc, out, err = run_cli(["user", "add", "--data", inst.data]
                                   + args, stdin=MEMBER_PASSWORD + "\n")
            assert rc == 1, f"user add with {why} exited {rc}: {out} {err}"


def test_region_add():
    with Instance(start=False) as inst:
        cli_ok(["region", "add", "--data", inst.data, "--code", "ca",
                "--name", "Canada"])
        cli_ok(["region", "add", "--data", inst.data, "--code", "ca-bc",
                "--name", "British Columbia", "--parent", "ca"])
        rc, out, err = run_cli(["region", "add", "--data", inst.data,
                                "--code", "ca-on", "--name", "Ontario",
                                "--parent", "nowhere"])
        assert rc == 1, f"region add with an unknown parent exited {rc}: " \
                        f"{out} {err}"
        assert "nowhere" in out + err, f"message does not name the parent:" \
                                       f" {out} {err}"
        rc, out, err = run_cli(["region", "add", "--data", inst.data,
                                "--code", "ca", "--name", "Canada again"])
        assert rc == 1, f"region add with a duplicate code exited {rc}: " \
                        f"{out} {err}"
        # The region refused for its parent does not exist: a user
        # cannot be put in it.
        rc, out, err = run_cli(["user", "add", "--data", inst.data, "--role",
                                "member", "--name", "mia", "--region",
                                "ca-on"], stdin=MEMBER_PASSWORD + "\n")
        assert rc == 1, f"user add in region ca-on (never created) exited " \
                        f"{rc}: {out} {err}"
        inst.add_user("mia", "member", MEMBER_PASSWORD, ["ca-bc"])


def test_audit_verify_fresh():
    with Instance(start=False) as inst:
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, f"audit verify on a fresh instance exited {rc}:" \
                        f" {out} {err}"


def test_commands_on_missing_data_dir():
    with TempDir() as d:
        data = os.path.join(d, "nonexistent")
        for args in (["audit", "verify", "--data", data],
                     ["region", "add", "--data", data, "--code", "ca",
                      "--name", "Canada"],
                     ["user", "add", "--data", data, "--role", "member",
                      "--name", "mia"]):
            rc, out, err = run_cli(args, stdin=MEMBER_PASSWORD + "\n")
            assert rc == 1, (f"lookout {' '.join(args)} exited {rc}, "
                             f"expected 1: {out} {err}")
            assert data in out + err, f"message does not name {data}: " \
                                      f"{out} {err}"
        assert not os.path.exists(data), "a command created the data dir"


if __name__ == "__main__":
    lookout_test.main()

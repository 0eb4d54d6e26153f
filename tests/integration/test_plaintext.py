"""A stolen data dir and the server's log reveal no working name, no
password and no client address."""

import os

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance, WebClient

# It reads the PostgreSQL cluster's own files.
lookout_test.own_pg_cluster()

REGIONS = [("ca", "Canada")]
# Distinctive names that can only be in a file if lookout wrote them.
CLI_USER = ("Zephyrine-Quokka-7731", "member", "Umbral-Passphrase-90210",
            ["ca"])
CLI_STAFF = ("Marigold-Thistlewick-4402", "outreach",
             "Cobalt-Passphrase-31337", ["ca"])
API_USER = ("Ottoline-Brackenfurze-5826", "Saffron-Passphrase-77125")
UNKNOWN = "Obadiah-Fennimore-5519"     # only ever tried, never created
WEB_WRONG_PW = "Vermilion-Wrong-Guess-4040"


def needles():
    words = [CLI_USER[0], CLI_STAFF[0], API_USER[0], UNKNOWN,
             CLI_USER[2], CLI_STAFF[2], API_USER[1], WEB_WRONG_PW,
             ADMIN_PASSWORD]
    out = set()
    for w in words:
        for v in (w, w.lower(), w.upper()):
            out.add(v.encode("utf-8"))
            out.add(v.encode("utf-16-le"))
    return out


def files_under(root):
    # On PostgreSQL, a dump of the tables and the cluster's files and
    # write-ahead log: plaintext must reach none of them.
    return lookout_test.stored_files(root, physical=True)


def test_no_plaintext_names_or_addresses():
    with Instance(regions=REGIONS, users=[CLI_USER, CLI_STAFF]) as inst:
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        inst.json_request("POST", "/api/v1/users",
                          {"role": "member", "name": API_USER[0],
                           "password": API_USER[1], "regions": ["ca"]},
                          token=admin, expect=201)
        # A duplicate creation (409) is another path that handles the name.
        inst.json_request("POST", "/api/v1/users",
                          {"role": "member", "name": API_USER[0].lower(),
                           "password": API_USER[1], "regions": ["ca"]},
                          token=admin, expect=409)
        for name, pw in [(CLI_USER[0], CLI_USER[2]),
                         (CLI_STAFF[0], CLI_STAFF[2]),
                         (API_USER[0], API_USER[1])]:
            tok = inst.login(name, pw)
            st, me = inst.json_request("GET", "/api/v1/me", token=tok,
                                       expect=200)
        # Failed logins: a wrong password and an unknown name.
        st, _ = inst.json_request("POST", "/api/v1/login",
                                  {"name": CLI_USER[0],
                                   "password": "not-" + CLI_USER[2]})
        assert st == 401
        st, _ = inst.json_request("POST", "/api/v1/login",
                                  {"name": UNKNOWN, "password": CLI_USER[2]})
        assert st == 401
        # Through the web form too, right and wrong.
        web = WebClient(inst)
        web.login(CLI_STAFF[0], CLI_STAFF[2])
        assert web.get("/home").status == 200
        other = WebClient(inst)
        page = other.get("/login")
        r = other.post_form("/login", {
            "csrf": lookout_test.find_csrf(page.text),
            "name": UNKNOWN, "password": WEB_WRONG_PW})
        assert r.status == 200, r
        # A malformed request carrying a name must not get it logged.
        r = inst.request("POST", "/api/v1/login",
                         b'{"name": "' + CLI_USER[0].encode() + b'", ')
        assert r.status == 400, r

        inst.stop()
        found = []
        paths = list(files_under(inst.data))
        assert any(p.endswith(lookout_test.DB_FILES) for p in paths), paths
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
        if b"127.0.0.1" in log:
            found.append("server log contains the client address 127.0.0.1")
        for path in paths:
            with open(path, "rb") as f:
                if b"127.0.0.1" in f.read():
                    found.append(f"{os.path.basename(path)} contains "
                                 f"127.0.0.1")
        assert not found, "\n".join(found)
        lookout_test.note(f"checked {len(paths)} files: "
                          f"{[os.path.basename(p) for p in paths]}")


if __name__ == "__main__":
    lookout_test.main()

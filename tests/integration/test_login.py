"""POST /api/v1/login, tokens, logout, password change and the login rate
limit."""

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance

LOGIN = "/api/v1/login"
MEMBER = ("mia", "member", "mia's long password", [])


def test_login_ok():
    with Instance() as inst:
        st, j = inst.json_request("POST", LOGIN, {"name": ADMIN_NAME,
                                                  "password": ADMIN_PASSWORD})
        assert st == 200, (st, j)
        assert isinstance(j["token"], str) and len(j["token"]) >= 20, j
        assert j["role"] == "admin", j
        # Each login is a new token.
        st, j2 = inst.json_request("POST", LOGIN, {"name": ADMIN_NAME,
                                                   "password": ADMIN_PASSWORD})
        assert st == 200 and j2["token"] != j["token"], (st, j, j2)


def test_login_member_role():
    with Instance(users=[MEMBER]) as inst:
        st, j = inst.json_request("POST", LOGIN, {"name": "mia",
                                                  "password": MEMBER[2]},
                                  expect=200)
        assert j["role"] == "member", j
        # Names are case-insensitive.
        st, j = inst.json_request("POST", LOGIN, {"name": "MIA",
                                                  "password": MEMBER[2]},
                                  expect=200)


def test_login_denied_same_message():
    with Instance() as inst:
        st, wrong = inst.json_request("POST", LOGIN,
                                      {"name": ADMIN_NAME,
                                       "password": "not the password"})
        assert st == 401, (st, wrong)
        assert isinstance(wrong.get("error"), str) and wrong["error"], wrong
        assert "token" not in wrong, wrong
        st, unknown = inst.json_request("POST", LOGIN,
                                        {"name": "nobody-here",
                                         "password": "not the password"})
        assert st == 401, (st, unknown)
        assert "token" not in unknown, unknown
        # The answer must not tell which part was wrong.
        assert unknown["error"] == wrong["error"], (wrong, unknown)
        # Wrong case in the password is a wrong password.
        st, j = inst.json_request("POST", LOGIN,
                                  {"name": ADMIN_NAME,
                                   "password": ADMIN_PASSWORD.upper()})
        assert st == 401, (st, j)


def test_login_bad_requests():
    with Instance() as inst:
        st, j = inst.json_request("POST", LOGIN, {"name": ADMIN_NAME},
                                  expect=400)
        assert j.get("field") == "password", j
        assert j.get("error"), j
        st, j = inst.json_request("POST", LOGIN, {"password": ADMIN_PASSWORD},
                                  expect=400)
        assert j.get("field") == "name", j

        st, j = inst.json_request("POST", LOGIN,
                                  {"name": ADMIN_NAME,
                                   "password": ADMIN_PASSWORD,
                                   "remember_me_forever": True}, expect=400)
        assert (j.get("field") == "remember_me_forever"
                or "remember_me_forever" in j.get("error", "")), (
            f"the 400 does not name the unknown member: {j}")
        assert "token" not in j

        for body in [b'{"name": "admin", "password": ',     # truncated
                     b'{"name": "admin", "password": "correct horse',
                     b"{name: admin}",
                     b"not json at all",
                     b"",
                     b"[]",
                     b'"admin"',
                     b'{"name": "admin", "password": "correct horse '
                     b'battery"} trailing']:
            st, j = inst.json_request("POST", LOGIN, body)
            assert st == 400, f"body {body!r}: status {st}, expected 400: {j}"
            assert j and j.get("error"), f"body {body!r}: no error: {j}"

        # Invalid UTF-8 in the name.
        body = (b'{"name": "adm\xffin\xc3", '
                b'"password": "correct horse battery"}')
        st, j = inst.json_request("POST", LOGIN, body, expect=400)
        assert j.get("error"), j


def test_login_oversized_body():
    with Instance() as inst:
        pad = "x" * (256 * 1024)
        body = ('{"name": "admin", "password": "%s"}' % pad).encode()
        assert len(body) > 256 * 1024
        r = inst.request("POST", LOGIN, body)
        assert r.status == 413, r
        assert r.json().get("error"), r
        assert inst.healthy()


def test_login_wrong_content_type():
    with Instance() as inst:
        body = b'{"name": "admin", "password": "correct horse battery"}'
        for ctype in ["text/plain", "application/x-www-form-urlencoded",
                      None]:
            r = inst.request("POST", LOGIN, body,
                             headers={"Content-Type": ctype})
            assert r.status == 415, f"Content-Type {ctype}: {r}"
            j = r.json()
            assert j.get("error") and "token" not in j, j
        # The charset parameter is fine.
        r = inst.request("POST", LOGIN, body, headers={
            "Content-Type": "application/json; charset=utf-8"})
        assert r.status == 200, r


def test_login_method_not_allowed():
    with Instance() as inst:
        for method in ["GET", "PUT", "DELETE"]:
            r = inst.request(method, LOGIN)
            assert r.status == 405, f"{method} {LOGIN}: {r}"
            assert r.json().get("error"), r
            assert "POST" in r.headers.get("allow", ""), (
                f"405 without an Allow header naming POST: {r.headers}")


def test_token_me_logout():
    with Instance(users=[MEMBER]) as inst:
        # Unauthenticated and bad tokens.
        for tok in [None, "", "garbage", "A" * 43]:
            st, j = inst.json_request("GET", "/api/v1/me", token=tok)
            assert st == 401, f"token {tok!r}: {st} {j}"
            assert j.get("error"), j
        st, j = inst.json_request("GET", "/api/v1/me",
                                  headers={"Authorization": "Basic YTpi"})
        assert st == 401, (st, j)

        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        member = inst.login("mia", MEMBER[2])
        st, me_a = inst.json_request("GET", "/api/v1/me", token=admin,
                                     expect=200)
        assert me_a["role"] == "admin" and "id" in me_a, me_a
        st, me_m = inst.json_request("GET", "/api/v1/me", token=member,
                                     expect=200)
        assert me_m["role"] == "member", me_m
        assert me_m["id"] != me_a["id"], (me_a, me_m)

        r = inst.request("POST", "/api/v1/logout", token=member)
        assert r.status == 204, r
        assert r.body == b"", r
        st, j = inst.json_request("GET", "/api/v1/me", token=member)
        assert st == 401, f"token still works after logout: {st} {j}"
        # Logging one session out leaves the others alone.
        inst.json_request("GET", "/api/v1/me", token=admin, expect=200)
        # Logout needs a valid token.
        r = inst.request("POST", "/api/v1/logout", token=member)
        assert r.status == 401, r


def test_password_change():
    new_pw = "an entirely new password"
    with Instance(users=[MEMBER]) as inst:
        tok = inst.login("mia", MEMBER[2])
        # Signed in elsewhere too: the phone she lost, say.
        other = inst.login("mia", MEMBER[2])
        inst.json_request("GET", "/api/v1/me", token=other, expect=200)
        path = "/api/v1/me/password"
        # The old password must be right.
        st, j = inst.json_request("POST", path, {"old": "not my password",
                                                 "new": new_pw}, token=tok)
        assert st in (400, 401, 403), (st, j)
        assert j.get("error"), j
        # The new one must be long enough.
        st, j = inst.json_request("POST", path, {"old": MEMBER[2],
                                                 "new": "short"}, token=tok)
        assert st == 400 and j.get("field") == "new", (st, j)
        # Needs authentication.
        st, j = inst.json_request("POST", path, {"old": MEMBER[2],
                                                 "new": new_pw})
        assert st == 401, (st, j)

        r = inst.request("POST", path, {"old": MEMBER[2], "new": new_pw},
                         token=tok)
        assert r.status == 204, r
        # Every other session ended with the old password; hers goes on.
        st, j = inst.json_request("GET", "/api/v1/me", token=other)
        assert st == 401, f"another session outlived the change: {st} {j}"
        inst.json_request("GET", "/api/v1/me", token=tok, expect=200)
        st, j = inst.json_request("POST", LOGIN, {"name": "mia",
                                                  "password": MEMBER[2]})
        assert st == 401, f"old password still works: {st} {j}"
        inst.login("mia", new_pw)
        # The admin's password did not change.
        inst.login(ADMIN_NAME, ADMIN_PASSWORD)


def test_login_rate_limit():
    with Instance(users=[MEMBER]) as inst:
        statuses = []
        limited = None
        for i in range(25):
            r = inst.request("POST", LOGIN, {"name": ADMIN_NAME,
                                             "password": f"wrong guess {i}"})
            statuses.append(r.status)
            if r.status == 429:
                limited = r
                break
            assert r.status == 401, f"attempt {i + 1}: {r}"
        assert statuses[:10] == [401] * 10, statuses
        assert limited is not None, (
            f"no 429 after {len(statuses)} wrong passwords: {statuses}")
        # A fixed one-minute window may roll over once during the loop,
        # hence up to 21; normally the 11th attempt is refused.
        assert len(statuses) <= 21, statuses
        lookout_test.note(f"statuses before the 429: {statuses}")

        def check_429(r):
            assert r.status == 429, r
            ra = r.headers.get("retry-after", "")
            assert ra.isdigit() and 1 <= int(ra) <= 3600, (
                f"Retry-After {ra!r} is not a number of seconds")
            j = r.json()
            assert j.get("error") and "token" not in j, j
        check_429(limited)
        # While limited, even the right password is refused.
        r = inst.request("POST", LOGIN, {"name": ADMIN_NAME,
                                         "password": ADMIN_PASSWORD})
        check_429(r)
        # The server keeps working otherwise.
        assert inst.healthy()


if __name__ == "__main__":
    lookout_test.main()

"""Roles: only an admin may create accounts through POST /api/v1/users."""

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance

USERS = "/api/v1/users"
REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca")]
MEMBER = ("mia", "member", "mia's long password", ["ca-bc"])
OUTREACH = ("olu", "outreach", "olu's long password", ["ca"])
LIAISON = ("lee", "liaison", "lee's long password", [])


def new_user(name, role="member", regions=("ca-bc",)):
    return {"role": role, "name": name, "password": name + " long password",
            "regions": list(regions)}


def test_only_admin_creates_users():
    with Instance(regions=REGIONS, users=[MEMBER, OUTREACH, LIAISON]) as inst:
        body = new_user("nadia")
        st, j = inst.json_request("POST", USERS, body)
        assert st == 401, f"anonymous POST {USERS}: {st} {j}"
        for name, role, pw, _ in (MEMBER, OUTREACH, LIAISON):
            tok = inst.login(name, pw)
            st, j = inst.json_request("POST", USERS, body, token=tok)
            assert st == 403, f"{role} POST {USERS}: {st} {j}, expected 403"
            assert j.get("error"), j
            # Nor may a member make herself an admin.
            st, j = inst.json_request("POST", USERS,
                                      new_user("sneaky", "admin", []),
                                      token=tok)
            assert st == 403, f"{role} creating an admin: {st} {j}"
        # The refused requests created nothing: the name is still free and
        # cannot log in.
        st, j = inst.json_request("POST", "/api/v1/login",
                                  {"name": "nadia",
                                   "password": body["password"]})
        assert st == 401, (st, j)

        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        st, j = inst.json_request("POST", USERS, body, token=admin,
                                  expect=201)
        assert isinstance(j.get("id"), (int, str)) and j["id"] != "", j
        st, login = inst.json_request("POST", "/api/v1/login",
                                      {"name": "nadia",
                                       "password": body["password"]},
                                      expect=200)
        assert login["role"] == "member", login
        st, me = inst.json_request("GET", "/api/v1/me", token=login["token"],
                                   expect=200)
        assert str(me["id"]) == str(j["id"]), (me, j)
        assert me["role"] == "member", me
        assert inst.json_request("POST", "/api/v1/login",
                                 {"name": "sneaky",
                                  "password": "sneaky long password"}
                                 )[0] == 401


def test_admin_creates_each_role():
    with Instance(regions=REGIONS) as inst:
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        ids = set()
        for role in ["member", "outreach", "admin", "liaison"]:
            body = new_user(f"new-{role}", role,
                            ["ca"] if role in ("member", "outreach") else [])
            st, j = inst.json_request("POST", USERS, body, token=admin,
                                      expect=201)
            ids.add(str(j["id"]))
            st, login = inst.json_request("POST", "/api/v1/login",
                                          {"name": body["name"],
                                           "password": body["password"]},
                                          expect=200)
            assert login["role"] == role, (role, login)
        assert len(ids) == 4, ids


def test_create_user_conflicts_and_validation():
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        inst.json_request("POST", USERS, new_user("nadia"), token=admin,
                          expect=201)
        for name in ["nadia", "NADIA", "mia", ADMIN_NAME]:
            body = new_user(name)
            body["password"] = "a different long password"
            st, j = inst.json_request("POST", USERS, body, token=admin)
            assert st == 409, f"duplicate name {name!r}: {st} {j}"
            assert j.get("error"), j
        # The duplicate did not replace the original's password.
        inst.login("nadia", "nadia long password")
        inst.login("mia", MEMBER[2])

        for body, field in [
            ({**new_user("ok1"), "role": "god"}, "role"),
            ({**new_user("ok2"), "password": "short"}, "password"),
            ({**new_user("ok3"), "regions": ["nowhere"]}, "regions"),
            ({**new_user(""), "password": "a long enough password"}, "name"),
            ({**new_user("x" * 65)}, "name"),
        ]:
            st, j = inst.json_request("POST", USERS, body, token=admin)
            assert st == 400, f"{body}: {st} {j}, expected 400"
            assert j.get("field") == field, f"{body}: {j}, expected field " \
                                            f"{field}"
        for name in ["ok1", "ok2", "ok3"]:
            st, j = inst.json_request("POST", "/api/v1/login",
                                      {"name": name,
                                       "password": name + " long password"})
            assert st == 401, f"refused account {name} was created: {st} {j}"


if __name__ == "__main__":
    lookout_test.main()

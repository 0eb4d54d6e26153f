"""Suspension: staff suspend an account of their organisation, which ends
its sessions and stops it signing in, until it is reinstated."""

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Instance

REGIONS = [("ca", "Canada")]
MEMBER = ("mara", "member", "mara's long password", ["ca"])
OUTREACH = ("oona", "outreach", "oona's long password", ["ca"])


def status(inst, token, uid, value):
    return inst.json_request("POST", f"/api/v1/users/{uid}/status",
                             {"status": value}, token=token)


def test_suspend_and_reinstate():
    with Instance(regions=REGIONS, users=[MEMBER, OUTREACH]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        member = inst.login(MEMBER[0], MEMBER[2])
        st, me = inst.json_request("GET", "/api/v1/me", token=member,
                                   expect=200)
        uid = me["id"]

        # A member cannot suspend anyone, herself included.
        st, j = status(inst, member, uid, "suspended")
        assert st == 403, (st, j)

        st, j = status(inst, staff, uid, "frozen")
        assert st == 400 and j.get("field") == "status", (st, j)

        st, j = status(inst, staff, uid, "suspended")
        assert st == 200 and j["status"] == "suspended", (st, j)
        # The session ended, and signing in again is refused.
        st, j = inst.json_request("GET", "/api/v1/me", token=member)
        assert st == 401, (st, j)
        st, j = inst.json_request("POST", "/api/v1/login",
                                  {"name": MEMBER[0], "password": MEMBER[2]})
        assert st == 401 and "token" not in j, (st, j)

        st, j = status(inst, staff, uid, "active")
        assert st == 200, (st, j)
        inst.login(MEMBER[0], MEMBER[2])


def test_outreach_cannot_suspend_staff():
    with Instance(regions=REGIONS, users=[OUTREACH]) as inst:
        staff = inst.login(OUTREACH[0], OUTREACH[2])
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        st, me = inst.json_request("GET", "/api/v1/me", token=admin,
                                   expect=200)
        st, j = status(inst, staff, me["id"], "suspended")
        assert st == 404, (st, j)
        # Nobody suspends an account that does not exist, or themselves.
        st, j = status(inst, admin, 12345, "suspended")
        assert st == 404, (st, j)
        st, j = status(inst, admin, me["id"], "suspended")
        assert st == 404, (st, j)
        inst.json_request("GET", "/api/v1/me", token=admin, expect=200)


if __name__ == "__main__":
    lookout_test.main()

"""Screening is limited per account: past 30 in a minute an account gets
429 with Retry-After, and other accounts are not affected."""

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada")]
MEMBER_A = ("Amara", "member", "amara's long password", ["ca"])
MEMBER_B = ("Bea", "member", "bea's long password", ["ca"])
LIMIT = 30


def screen(inst, tok, value):
    return inst.request("POST", "/api/v1/screen",
                        {"kind": "phone", "value": value}, token=tok)


def test_screen_rate_limit_per_account():
    with Instance(regions=REGIONS, users=[MEMBER_A, MEMBER_B]) as inst:
        a = inst.login(MEMBER_A[0], MEMBER_A[2])
        b = inst.login(MEMBER_B[0], MEMBER_B[2])
        for i in range(LIMIT):
            r = screen(inst, a, f"+1 604 555 {i:04d}")
            assert r.status == 200, (i, r)
            assert r.json()["level"] == "green", (i, r)
        r = screen(inst, a, "+1 604 555 9999")
        assert r.status == 429, r
        retry = r.headers.get("retry-after")
        assert retry is not None and retry.isdigit(), r.headers
        assert 1 <= int(retry) <= 60, retry
        assert r.json()["error"], r
        # A second token of the same account shares the budget.
        a2 = inst.login(MEMBER_A[0], MEMBER_A[2])
        assert screen(inst, a2, "+1 604 555 9998").status == 429
        # Another account is unaffected, and so are a's other routes.
        for i in range(3):
            r = screen(inst, b, f"+1 604 555 {i:04d}")
            assert r.status == 200, r
        st, j = inst.json_request("GET", "/api/v1/alerts", token=a,
                                  expect=200)
        # The refused screens never reach the log.
        assert "5559999" not in inst.server_log()


if __name__ == "__main__":
    lookout_test.main()

#!/usr/bin/env python3
"""make security: sqlmap against every input of a running demo instance.

A throwaway instance (tests/integration/lookout_test.py's Instance, on a
loopback port the harness picks) gets a region, one account of each role
and some data (reports, an alert, a help request, a case, an invite), so
that every route has something real to work on. Then sqlmap runs, once per
target, against:

- every JSON API route that takes a body, a query or a path parameter, as
  each role the route admits (the bearer token of that role); path ids are
  marked with sqlmap's '*' so the id itself is tested too;
- every HTML form of every page reachable from each role's home page (and
  the public ones), posted with that role's session cookie and the form's
  csrf token (bound to the session, so it stays good; sqlmap does not
  test it).

It exits 1 when sqlmap reports any injection point, or when any of its
requests was answered 500 (a malformed request must never cause one), and
2 when a scan could not run; the log of each run is in the work dir (printed at the
end when SECURITY_KEEP=1).

Environment: LOOKOUT_BIN (the binary), SQLMAP (sqlmap), SECURITY_LEVEL
and SECURITY_RISK (sqlmap's --level and --risk, 1 and 1),
SECURITY_ONLY (a substring: scan only targets whose description has it),
SECURITY_KEEP=1.

Not covered, on purpose: logging out and deleting one's own account
(they would end the scan's session), and the rate-limited routes answer
429 once sqlmap's wrong guesses pile up (sign-in, help requests), which
sqlmap then sees as "not injectable" for the remaining payloads.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import lookout_test as lt  # noqa: E402

PW = "scan password 1234"
USERS = [("scan-member", "member", PW, ["ca-bc-van"]),
         ("scan-outreach", "outreach", PW, ["ca-bc-van"]),
         ("scan-liaison", "liaison", PW, ["ca-bc-van"])]
REPORT = {
    "types": ["violence", "threats"], "occurred_on": "2026-11-20",
    "time_window": "20:00-23:00", "region": "ca-bc-van",
    "area": "near the park", "offender": {"age_range": "40-50",
                                         "gender": "man", "marks": "tattoo"},
    "vehicle": {"make": "Honda", "colour": "silver", "plate": "AB?12?"},
    "identifiers": [{"kind": "phone", "value": "+1 604 555 0142"},
                    {"kind": "email", "value": "j.smith@example.net"}],
    "narrative": "he refused to pay",
    "consent": {"alert": True, "police": "anonymous", "share_orgs": True},
    "contact": "text me", "source": "web",
}
ALERT = {"summary": "tall man, silver sedan", "severity": "high",
         "regions": ["ca-bc-van"],
         "identifiers": [{"kind": "phone", "value": "+1 604 555 0142"}]}
HELP = {"contact": {"method": "phone", "value": "+1 604 555 0199"},
        "safe_times": "after 2pm", "language": "en", "code_word": "blue",
        "needs": ["safety_planning"], "danger_now": False,
        "screening": {"forced": False, "id_or_money_held": False,
                      "under_18": False}}
# A malformed request must never make the server fail: a 500 during a scan
# is a finding too (a statement that broke on the input, at least).
SERVER_ERROR = re.compile(r"500 \(Internal Server Error\) - \d+ times")
FOUND = re.compile(r"identified the following injection point|"
                   r"parameter '[^']*' is vulnerable|"
                   r"might be injectable", re.I)


def seed(inst, tokens):
    """Data for every route; returns the ids the paths use."""
    ids = {}
    m, o = tokens["member"], tokens["outreach"]
    st, j = inst.json_request("POST", "/api/v1/reports", REPORT, token=m)
    assert st == 201, (st, j)
    ids["report"] = j["id"]
    st, j = inst.json_request("POST", "/api/v1/reports", REPORT, token=m)
    assert st == 201, (st, j)
    ids["report2"] = j["id"]
    st, j = inst.json_request("POST", f"/api/v1/reports/{ids['report2']}"
                              "/alert", ALERT, token=o)
    assert st == 201, (st, j)
    ids["alert"] = j["alert_id"]
    st, j = inst.json_request("POST", "/api/v1/help-requests", HELP)
    assert st == 201, (st, j)
    ids["help"] = j["reference"]
    st, j = inst.json_request("GET", "/api/v1/cases", token=o)
    assert st == 200 and j["cases"], (st, j)
    ids["case"] = j["cases"][0]["id"]
    st, j = inst.json_request("POST", "/api/v1/invites", token=o)
    assert st == 201, (st, j)
    ids["invite"] = j["code"]
    st, j = inst.json_request("POST", "/api/v1/users",
                              {"role": "member", "name": "scan-other",
                               "password": PW, "regions": ["ca-bc-van"]},
                              token=tokens["admin"])
    assert st == 201, (st, j)
    ids["user"] = j["id"]
    st, j = inst.json_request("PUT", "/api/v1/me/subscriptions",
                              {"regions": ["ca-bc-van"],
                               "email": "scan@example.net"}, token=m)
    assert st == 200, (st, j)
    return ids


def api_targets(ids):
    """(roles, method, path, body): path ids marked '*' for sqlmap."""
    r, c, h = ids["report"], ids["case"], ids["help"]
    staff = ("outreach", "admin")
    rep = ("member", "outreach")
    return [
        ((None,), "POST", "/api/v1/login", {"name": "scan-member",
                                            "password": PW}),
        ((None,), "POST", "/api/v1/register", {"code": ids["invite"],
                                               "name": "newbie",
                                               "password": PW}),
        ((None,), "POST", "/api/v1/help-requests", HELP),
        ((None,), "GET", f"/api/v1/help-requests/{h}*", None),
        (("member",), "PUT", "/api/v1/me/subscriptions",
         {"regions": ["ca-bc-van"], "email": "scan@example.net",
          "sms": "+1 604 555 0111", "lang": "fr"}),
        (("admin",), "POST", "/api/v1/users",
         {"role": "member", "name": "made-by-scan", "password": PW,
          "regions": ["ca-bc-van"]}),
        (staff, "POST", f"/api/v1/users/{ids['user']}*/status",
         {"status": "active"}),
        (rep, "POST", "/api/v1/reports", REPORT),
        (staff, "GET", "/api/v1/reports?status=new", None),
        (rep, "GET", f"/api/v1/reports/{r}*", None),
        (("member",), "PATCH", f"/api/v1/reports/{r}*",
         {"consent": {"alert": True, "police": "anonymous",
                      "share_orgs": True}}),
        (staff, "POST", f"/api/v1/reports/{r}*/alert", ALERT),
        (staff, "POST", f"/api/v1/reports/{r}*/no-alert",
         {"reason": "not enough to go on"}),
        (staff, "POST", f"/api/v1/reports/{r}*/attach",
         {"alert_id": ids["alert"]}),
        (rep, "GET", "/api/v1/alerts?region=ca-bc-van", None),
        (rep, "POST", "/api/v1/screen", {"kind": "phone",
                                         "value": "+1 604 555 0142"}),
        (rep, "POST", "/api/v1/screen", {"kind": "keyword",
                                         "value": "silver"}),
        (staff, "GET", "/api/v1/cases?status=open", None),
        (staff, "GET", f"/api/v1/cases/{c}*", None),
        (staff, "POST", f"/api/v1/cases/{c}*/notes", {"text": "called"}),
        (staff, "POST", f"/api/v1/cases/{c}*/assign", {}),
        (("liaison",), "GET", "/api/v1/police/reports", None),
        ((None,), "GET", "/api/v1/stats", None),
        (("member", "outreach", "liaison", "admin"), "POST",
         "/api/v1/me/password", {"old": PW, "new": PW}),
    ]


LINK = re.compile(r'href="?(/[^"\s>#?]*)')


def web_targets(inst, clients):
    """(role, page, action, fields) for every POST form of every page a
    role reaches from its home page in two clicks (and of the public
    pages)."""
    out, seen = [], set()
    for role, wc in clients.items():
        todo = ["/login", "/register", "/help"] if role is None else \
            ["/home"]
        visited = set()
        for depth in range(3):
            nxt = []
            for page in todo:
                if page in visited or page.startswith("/static/") or \
                        len(visited) >= 80:
                    continue
                visited.add(page)
                resp = wc.get(page)
                if resp.status != 200:
                    continue
                if role is not None and depth < 2:
                    nxt += LINK.findall(resp.text)
                for f in lt.forms(resp.text):
                    action = f.action or page
                    if (f.attrs.get("method", "get").lower() != "post" or
                            action in ("/logout", "/me/delete") or
                            not action.startswith("/")):
                        continue
                    key = (role, action, tuple(n for n, _ in f.fields()))
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append((role, page, action, f.fields()))
            todo = nxt
    return out


def sqlmap(work, name, args):
    """Run one scan; True when it reported an injection point."""
    log = os.path.join(work, re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".log")
    cmd = [os.environ.get("SQLMAP", "sqlmap"), "--batch", "--flush-session",
           "--output-dir", os.path.join(work, "out"), "--disable-coloring",
           "--level", os.environ.get("SECURITY_LEVEL", "1"),
           "--risk", os.environ.get("SECURITY_RISK", "1"),
           "--dbms", "SQLite" if not lt.PG else "PostgreSQL",
           "--time-sec", "2", "--timeout", "10",
           "--retries", "1", "--skip-waf", "-v", "1",
           # Refusals are answers too: keep testing through them.
           "--ignore-code", "400,401,403,404,409,413,415,422,429"] + args
    with open(log, "wb") as f:
        p = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=1800)
    text = open(log, errors="replace").read()
    hit = FOUND.search(text) or SERVER_ERROR.search(text)
    if hit:
        print(f"FOUND  {name}: {hit.group(0)} (see {log})", flush=True)
        return True, p.returncode
    if p.returncode != 0 or "all tested parameters do not appear" not in \
            text and "no parameter(s) found" not in text:
        tail = "\n".join(text.splitlines()[-5:])
        print(f"?      {name}: sqlmap exited {p.returncode}\n{tail}",
              flush=True)
        return False, p.returncode or 99
    print(f"clean  {name}", flush=True)
    return False, 0


def main():
    # SIGTERM (make, a user) still leaves through the with block below,
    # which stops the instance.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    only = os.environ.get("SECURITY_ONLY", "")
    work = tempfile.mkdtemp(prefix="lookout-sqlmap-")
    found = broken = runs = 0
    regions = [("ca", "Canada"), ("ca-bc-van", "Vancouver", "ca")]
    # One account screens thousands of payloads: the per-account
    # screening limit would answer most of them 429 unseen.
    conf = "screen_per_minute = 1000000000\n"
    with lt.Instance(regions=regions, users=USERS, conf=conf) as inst:
        tokens = {"member": inst.login("scan-member", PW),
                  "outreach": inst.login("scan-outreach", PW),
                  "liaison": inst.login("scan-liaison", PW),
                  "admin": inst.login(lt.ADMIN_NAME, lt.ADMIN_PASSWORD)}
        ids = seed(inst, tokens)
        base = inst.base_url
        jobs = []
        for roles, method, path, body in api_targets(ids):
            for role in roles:
                args = ["-u", base + path, "--method", method,
                        "-H", "Content-Type: application/json",
                        "--threads", "4"]
                if body is not None:
                    args += ["--data", lt.json.dumps(body)]
                if role is not None:
                    args += ["-H", f"Authorization: Bearer {tokens[role]}"]
                jobs.append((f"api {role or 'public'} {method} {path}",
                             args))
        clients = {None: lt.WebClient(inst)}
        for role, name, pw in (("member", "scan-member", PW),
                               ("outreach", "scan-outreach", PW),
                               ("liaison", "scan-liaison", PW),
                               ("admin", lt.ADMIN_NAME,
                                lt.ADMIN_PASSWORD)):
            wc = lt.WebClient(inst)
            wc.login(name, pw)
            clients[role] = wc
        for role, page, action, fields in web_targets(inst, clients):
            wc = clients[role]
            cookie = "; ".join(f"{k}={v}" for k, v in wc.cookies.items())
            args = ["-u", base + action, "--method", "POST",
                    "--data", urllib.parse.urlencode(fields),
                    "-H", f"Origin: {base}"]
            if cookie:
                args += ["--cookie", cookie]
            # The csrf token is bound to the session cookie, not to the
            # request, so the one in the form stays good for the scan;
            # sqlmap leaves it alone.
            if any(n == "csrf" for n, _ in fields):
                args += ["--skip", "csrf"]
            args += ["--threads", "4"]
            jobs.append((f"web {role or 'public'} POST {action} "
                         f"(form of {page})", args))
        # What destroys what other targets use goes last: changing one's
        # password (the sessions), deleting, withdrawing, closing.
        jobs.sort(key=lambda j: any(w in j[0] for w in (
            "password", "/delete", "/withdraw", "/close")))
        for name, args in jobs:
            if only and only not in name:
                continue
            runs += 1
            hit, rc = sqlmap(work, name, args)
            found += hit
            broken += (rc != 0 and not hit)
        if not inst.healthy():
            print("the server stopped answering during the scan")
            broken += 1
    print(f"{runs} targets scanned: {found} with an injection point, "
          f"{broken} scans that did not complete")
    if os.environ.get("SECURITY_KEEP") == "1":
        print(f"logs in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if found:
        return 1
    return 2 if broken or runs == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

"""Page weight: every HTML page, fetched with Accept-Encoding: gzip as a
browser does, comes compressed and fits in 14 KB on the wire (what the
first round trips of a new connection carry, on a cheap phone with a
slow link). The pages are those of every role, the forms also as they
come back with an error, on a working day's data: a queue of reports,
alerts, help requests. Each one decompresses to a page with its lang
attribute and the quick exit first in the body.

Also the rules of compression itself: Vary: Accept-Encoding on what
could be compressed, nothing compressed for a client that did not ask
(or said q=0), small bodies and PDFs left alone, static assets
compressed and cacheable."""

import datetime
import gzip
import re

import lookout_test
from lookout_test import Html, Instance, WebClient, find_csrf, redirect_path

BUDGET = 14 * 1024
QUICK_EXIT = "https://www.google.com/search?q=weather"

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc"),
           ("ca-on", "Ontario", "ca"), ("ca-on-tor", "Toronto", "ca-on")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
LIAISON = ("Lia-Liaison", "liaison", "lia's long password", [])
ADMIN = (lookout_test.ADMIN_NAME, lookout_test.ADMIN_PASSWORD)

# A working day: this many reports waiting, alerts out, help requests.
QUEUED = 8
ALERTS = 8
HELP_REQUESTS = 4

TYPES = [["violence", "threats"], ["robbery"], ["non_payment"],
         ["stalking", "threats"], ["condom_refusal"], ["sexual_assault"],
         ["coercion"], ["other"]]


def day(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


def report(i, police="none"):
    return {
        "types": TYPES[i % len(TYPES)],
        "occurred_on": day(1 + i % 20),
        "time_window": "20:00-23:00",
        "region": "ca-bc-van" if i % 2 == 0 else "ca-bc-vic",
        "area": f"near the park on {i + 1}th avenue",
        "offender": {"age_range": "40-50", "gender": "man",
                     "height": "tall", "build": "heavy", "hair": "grey",
                     "skin": "", "marks": "scorpion tattoo, left hand",
                     "language": "English"},
        "vehicle": {"make": "Honda", "model": "Civic",
                    "colour": "silver", "plate": f"AB{i}12?"},
        "identifiers": [{"kind": "phone",
                         "value": f"+1 (604) 555-01{i:02d}"},
                        {"kind": "email", "value": f"client{i}@example.org"}],
        "narrative": ("He grabbed my arm when I asked for the money, and "
                      "followed me to the car park. " * 4).strip(),
        "consent": {"alert": True, "police": police, "share_orgs": True},
        "contact": "text me at the drop-in",
        "source": "web",
    }


def summary(i):
    return (f"Alert {i}: violent client with a scorpion tattoo on his left "
            f"hand; drives a silver Honda Civic, plate starting AB{i}. "
            f"Asks for outcalls near the park, then refuses to pay and "
            f"turns aggressive. Screen first, and tell someone where you "
            f"are going.")


class Client(WebClient):
    """A WebClient that asks for gzip as a browser does, and hands back
    the decompressed page with its size on the wire in .wire."""

    def __init__(self, inst):
        super().__init__(inst, headers={"Accept-Encoding":
                                        "gzip, deflate, br"})

    def _send(self, method, path, body, headers):
        r = super()._send(method, path, body, headers)
        r.wire = len(r.body)
        if r.headers.get("content-encoding") == "gzip":
            assert r.headers.get("content-length") == str(len(r.body)), (
                f"{method} {path}: Content-Length "
                f"{r.headers.get('content-length')} for a body of "
                f"{len(r.body)} bytes")
            try:
                r.body = gzip.decompress(r.body)
            except (OSError, EOFError) as ex:
                raise AssertionError(f"{method} {path}: the gzip body "
                                     f"does not decompress: {ex}") from None
        return r


# (what, compressed bytes, page bytes) of every page checked.
weights = []


def page(r, what, status=200):
    """Assert r is a compressed HTML page within the budget, with the
    frame every page has; returns its text."""
    assert r.status == status, f"{what}: status {r.status}, expected " \
        f"{status}: {r.body[:300]!r}"
    ctype = r.headers.get("content-type", "")
    assert ctype.startswith("text/html"), f"{what}: content-type {ctype!r}"
    assert r.headers.get("content-encoding") == "gzip", (
        f"{what}: not compressed ({len(r.body)} bytes); headers "
        f"{r.headers}")
    assert "accept-encoding" in r.headers.get("vary", "").lower(), (
        f"{what}: no Vary: Accept-Encoding: {r.headers}")
    weights.append((what, r.wire, len(r.body)))
    assert r.wire <= BUDGET, (f"{what}: {r.wire} bytes compressed, over "
                              f"the {BUDGET}-byte budget "
                              f"({len(r.body)} bytes uncompressed)")
    text = r.body.decode("utf-8")
    doc = Html(text)
    assert doc.lang, f"{what}: no lang attribute on <html>"
    first = doc.after("body")
    assert first and first[0][0] == "a" and \
        first[0][1].get("id") == "quick-exit" and \
        first[0][1].get("href") == QUICK_EXIT, (
            f"{what}: the quick exit is not first in the body: "
            f"{first[:1]}")
    return text


def get(c, path, what=None, status=200):
    return page(c.get(path), what or f"GET {path}", status)


def post(c, path, fields, what, status=200):
    return page(c.post_form(path, fields), what, status)


def seed(inst):
    """Reports (some alerted, the rest queued), help requests; returns
    (a queued report's id, an alerted report's id, a case id)."""
    mtok = inst.login(MEMBER[0], MEMBER[2])
    stok = inst.login(OUTREACH[0], OUTREACH[2])
    ids = []
    for i in range(QUEUED + ALERTS):
        police = ("none", "anonymous", "full")[i % 3]
        _, j = inst.json_request("POST", "/api/v1/reports",
                                 report(i, police), token=mtok, expect=201)
        ids.append(j["id"])
    for i, rid in enumerate(ids[QUEUED:]):
        inst.json_request("POST", f"/api/v1/reports/{rid}/alert", {
            "summary": summary(i), "severity": "high",
            "regions": ["ca-bc-van", "ca-bc-vic"],
            "identifiers": [{"kind": "phone",
                             "value": f"+1 (604) 555-01{i:02d}"}]},
            token=stok, expect=201)
    for i in range(HELP_REQUESTS):
        inst.json_request("POST", "/api/v1/help-requests", {
            "contact": {"method": "sms", "value": f"+1 604 555 02{i:02d}"},
            "safe_times": "after 2pm", "language": "zh-Hans",
            "code_word": "blue", "needs": ["safety_planning", "housing"],
            "danger_now": i == 0,
            "screening": {"forced": i == 1, "id_or_money_held": False,
                          "under_18": False}}, expect=201)
    _, j = inst.json_request("GET", "/api/v1/cases", token=stok,
                             expect=200)
    return ids[0], ids[QUEUED], j["cases"][0]["id"]


def test_every_page_fits_the_budget():
    with Instance(regions=REGIONS,
                  users=[OUTREACH, MEMBER, LIAISON]) as inst:
        queued, alerted, case = seed(inst)

        # -- anyone --------------------------------------------------------
        anon = Client(inst)
        for path in ("/", "/login", "/register", "/help", "/help/status",
                     "/stats", "/transparency"):
            text = get(anon, path)
        get(anon, "/no/such/page", status=404)
        for lang in ("fr", "zh-Hans"):
            get(anon, f"/help?lang={lang}")
            get(anon, f"/register?lang={lang}")
        get(anon, "/?lang=en")
        text = get(anon, "/login")
        r = anon.post_form("/login", {"csrf": find_csrf(text),
                                      "name": "nobody",
                                      "password": "not the password"})
        page(r, "POST /login (wrong password)")
        text = get(anon, "/register")
        post(anon, "/register", {"csrf": find_csrf(text),
                                 "code": "ZZZZ-ZZZZ", "name": "Bea",
                                 "password": "bea's long password",
                                 "password2": "bea's long password"},
             "POST /register (wrong code)")
        text = get(anon, "/help")
        text = post(anon, "/help", {"csrf": find_csrf(text),
                                    "method": "email",
                                    "contact": "not an address",
                                    "needs": "housing"},
                    "POST /help (bad email)")
        text = post(anon, "/help", {"csrf": find_csrf(text),
                                    "method": "sms",
                                    "contact": "+1 604 555 0299",
                                    "safe_times": "after 2pm",
                                    "language": "fr", "danger_now": "yes"},
                    "POST /help (the reference)")
        ref = re.search(r"H-[A-Z0-9]{4}-[A-Z0-9]{2}", text).group(0)
        text = get(anon, "/help/status")
        post(anon, "/help/status", {"csrf": find_csrf(text),
                                    "reference": ref},
             "POST /help/status")

        # -- a member ------------------------------------------------------
        m = Client(inst)
        m.login(MEMBER[0], MEMBER[2])
        for path in ("/home", "/report", "/reports/mine", "/alerts",
                     "/alerts?region=ca-bc-vic", "/screen", "/me/regions",
                     "/me/delete", "/me/subscriptions", "/password",
                     f"/reports/{queued}", f"/reports/{alerted}"):
            text = get(m, path)
        text = get(m, "/me/subscriptions")
        post(m, "/me/subscriptions", [("csrf", find_csrf(text)),
                                      ("regions", "ca-bc-van"),
                                      ("channels", "email"),
                                      ("email", "not an address")],
             "POST /me/subscriptions (bad email)")
        text = get(m, "/report")
        post(m, "/report", [("csrf", find_csrf(text)),
                            ("types", "violence"), ("region", "ca-bc-van"),
                            ("narrative", "He hit me."),
                            ("ident_kind", "phone"),
                            ("ident_value", "+1 604 555 0142")],
             "POST /report (no date)")
        text = get(m, "/screen")
        text = post(m, "/screen", {"csrf": find_csrf(text), "kind": "phone",
                                   "value": "604.555.0100"},
                    "POST /screen (red)")
        assert "result-red" in text, "the screen did not come back red"
        post(m, "/screen", {"csrf": find_csrf(text), "kind": "keyword",
                            "value": "scorpion"},
             "POST /screen (keyword, every alert)")
        post(m, "/screen", {"csrf": find_csrf(text), "kind": "phone",
                            "value": "12"},
             "POST /screen (refused)")
        text = get(m, "/password")
        post(m, "/password", {"csrf": find_csrf(text), "old": "",
                              "new": "short", "new2": "other"},
             "POST /password (errors)")

        # -- outreach ------------------------------------------------------
        s = Client(inst)
        s.login(OUTREACH[0], OUTREACH[2])
        for path in ("/home", "/queue", "/report", "/alerts", "/invites",
                     "/cases", "/cases?status=closed", f"/cases/{case}",
                     f"/reports/{alerted}", "/screen"):
            get(s, path)
        text = get(s, f"/reports/{queued}", "GET a queued report (staff)")
        post(s, f"/reports/{queued}/alert", [
            ("csrf", find_csrf(text)), ("summary", ""),
            ("severity", "high"), ("regions", "ca-bc-van"),
            ("ident_kind", "phone"), ("ident_value", "+1 604 555 0100")],
            "POST an alert without a summary")
        post(s, "/invites", {"csrf": find_csrf(text)}, "POST /invites")
        text = get(s, "/report")
        post(s, "/report", [("csrf", find_csrf(text)),
                            ("types", "robbery"), ("region", "ca-bc-van"),
                            ("source", "phone")],
             "POST /report (staff, no date)")

        # -- the liaison and the administrator ------------------------------
        li = Client(inst)
        li.login(LIAISON[0], LIAISON[2])
        get(li, "/home")
        get(li, "/police")
        ad = Client(inst)
        ad.login(*ADMIN)
        get(ad, "/home")

        heaviest = sorted(weights, key=lambda w: -w[1])[:5]
        print("# heaviest pages (compressed/uncompressed bytes): " +
              "; ".join(f"{w} {c}/{p}" for w, c, p in heaviest))
        assert len(weights) >= 45, f"only {len(weights)} pages checked"


def test_compression_rules():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER]) as inst:
        seed(inst)

        # Not asked, or refused with q=0: as it is, with Vary all the same.
        for ae in (None, "identity", "gzip;q=0", "br"):
            r = inst.request("GET", "/help", headers={"Accept-Encoding": ae})
            assert r.status == 200, r
            assert "content-encoding" not in r.headers, (ae, r.headers)
            assert r.body.startswith(b"<!doctype html>"), (ae, r.body[:50])
            assert "accept-encoding" in r.headers.get("vary", "").lower(), (
                ae, r.headers)
        r = inst.request("GET", "/help", headers={"Accept-Encoding": "*"})
        assert r.headers.get("content-encoding") == "gzip", r.headers

        # Static assets: compressed, and cacheable (they hold no data).
        for path, ctype in (("/static/lookout.css", "text/css"),
                            ("/static/lookout.js", "javascript")):
            plain = inst.request("GET", path)
            r = inst.request("GET", path,
                             headers={"Accept-Encoding": "gzip"})
            assert r.status == 200 and ctype in r.headers["content-type"], r
            cc = r.headers.get("cache-control", "")
            assert "max-age=" in cc and "no-store" not in cc, (path, cc)
            assert int(re.search(r"max-age=(\d+)", cc).group(1)) >= 3600, cc
            if len(plain.body) > 512:
                assert r.headers.get("content-encoding") == "gzip", (
                    path, r.headers)
                assert gzip.decompress(r.body) == plain.body, path
                assert len(r.body) < len(plain.body), path

        # JSON and Atom: the API's lists are compressed too.
        tok = inst.login(MEMBER[0], MEMBER[2])
        plain = inst.request("GET", "/api/v1/alerts?region=ca-bc-van",
                             token=tok)
        r = inst.request("GET", "/api/v1/alerts?region=ca-bc-van",
                         token=tok, headers={"Accept-Encoding": "gzip"})
        assert r.status == 200 and len(plain.body) > 512, plain
        assert r.headers.get("content-encoding") == "gzip", r.headers
        assert gzip.decompress(r.body) == plain.body

        # Small bodies, PDFs and the metrics text: never compressed.
        r = inst.request("GET", "/healthz",
                         headers={"Accept-Encoding": "gzip"})
        assert r.status == 200 and "content-encoding" not in r.headers, r
        r = inst.request("POST", "/api/v1/login",
                         {"name": "nobody", "password": "x" * 12},
                         headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in r.headers, r.headers
        assert r.json()["error"], r

        s = Client(inst)
        s.login(OUTREACH[0], OUTREACH[2])
        r = s.get("/alerts/sheet.pdf")
        if r.status == 200:
            assert r.headers["content-type"].startswith("application/pdf")
            assert "content-encoding" not in r.headers, r.headers
            assert r.body.startswith(b"%PDF"), r.body[:20]

        # A redirect's empty body is left alone.
        r = s.get("/")
        assert r.status == 303 and redirect_path(r) == "/home", r
        assert "content-encoding" not in r.headers, r.headers


if __name__ == "__main__":
    lookout_test.main()

"""Markup typed into any field comes back as text, never as markup: every
text field of the report form, the alert summary, the screen value and
the working name hold a distinct script or image payload, and every page
that shows them (the report as owner and as staff, the queue, the
alerts, the Atom feed, the screen result, forms re-rendered with an
error) must show it escaped. The JSON API returns the strings exactly as
typed."""

import datetime
import html
import re
import urllib.parse
import xml.etree.ElementTree as ET

import lookout_test
from lookout_test import (Html, Instance, WebClient, element_by_id,
                          find_csrf, find_form, redirect_path, shows_error)

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
ATOM = "{http://www.w3.org/2005/Atom}"


def script(n):
    return f"<script>x{n:02d}</script>\"'&"


def img(n):
    return f"<img src=x onerror=x{n:02d}>\"'&"


def attr_break(n):
    """Closes an attribute and its tag first."""
    return f"\"><img src=x onerror=x{n:02d}>'"


def escaped_marker(payload):
    """The opening tag of the payload as an escaping page writes it."""
    m = re.search(r"<(script|img)[^>]*>", payload)
    return html.escape(m.group(0), quote=False)


# Every text field of the report form, each with its own payload. The
# offender's age range and the vehicle's colour may be lists in the
# form; the server takes any text for them, as the API does.
OFFENDER = {"age_range": img(2), "gender": script(3), "height": img(4),
            "build": script(5), "hair": attr_break(6), "skin": script(7),
            "marks": img(8), "language": script(9)}
VEHICLE = {"make": img(10), "model": script(11), "colour": attr_break(12)}
AREA = script(1)
NARRATIVE = "</textarea><script>x13</script>\"'& and then"
CONTACT = img(14)
IDENT_NAME = img(15)
IDENT_HANDLE = "<script>x16</script>\"'&"      # a handle has no spaces
TIME_WINDOW = script(17)                       # not HH:MM-HH:MM: refused
PLATE = img(18)                                # not a plate: refused
SUMMARY = "<script>x19</script>\"'& drives <img src=x onerror=x20>"
SCREEN_KEYWORD = script(21)
REG_NAME = img(22)
LOGIN_NAME = script(23)

STORED = [AREA, NARRATIVE, CONTACT, IDENT_NAME, IDENT_HANDLE] + \
    list(OFFENDER.values()) + list(VEHICLE.values())
ALL_FORM = STORED + [TIME_WINDOW, PLATE]


def days_ago(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


def report_fields(csrf, time_window, plate):
    f = [("csrf", csrf), ("types", "violence"),
         ("occurred_on", days_ago(1)), ("time_window", time_window),
         ("region", "ca-bc-van"), ("area", AREA)]
    f += list(OFFENDER.items()) + list(VEHICLE.items())
    f += [("plate", plate),
          ("ident_kind", "name"), ("ident_value", IDENT_NAME),
          ("ident_kind", "handle"), ("ident_value", IDENT_HANDLE),
          ("ident_kind", "phone"), ("ident_value", "604 555 0188"),
          ("narrative", NARRATIVE), ("consent_alert", "yes"),
          ("police", "none"), ("share_orgs", "yes"), ("contact", CONTACT)]
    return f


RAW = re.compile(r"<\s*script\s*>\s*x\d|<\s*img\s+src=x", re.I)


def assert_inert(text, where):
    """No payload is markup in text: neither raw in the source nor, once
    parsed, a script element or an event handler attribute."""
    m = RAW.search(text)
    if m is not None:
        around = text[max(0, m.start() - 200):m.end() + 200]
        raise AssertionError(f"{where}: an unescaped payload: {around!r}")
    page = Html(text)
    for attrs, content in page.scripts:
        assert attrs.get("src") and not content.strip(), (
            f"{where}: an inline script: {attrs} {content[:200]!r}")
    for tag, attrs in page.tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), (
                f"{where}: an event handler <{tag} {k}={v!r}>")
        if tag == "img":
            assert attrs.get("src") != "x", f"{where}: <img {attrs}>"
    return page


def shown(page, payload):
    """Whether the parsed page holds payload as text or as a value."""
    if payload in page.text:
        return True
    return any(payload in v for _, a in page.tags for v in a.values())


def assert_shown_escaped(text, payloads, where):
    page = assert_inert(text, where)
    for p in payloads:
        assert escaped_marker(p) in text, (
            f"{where}: {escaped_marker(p)!r} (for {p!r}) not in the page: "
            f"{page.text[:2000]}")
        assert shown(page, p), (f"{where}: {p!r} is not shown as typed: "
                                f"{page.text[:2000]}")


def html_ok(r, what):
    assert r.status == 200, f"{what}: {r}"
    assert r.headers.get("content-type", "").startswith("text/html"), (
        f"{what}: content-type {r.headers.get('content-type')!r}")
    return r.text


def test_payloads_are_escaped_everywhere():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER]) as inst:
        staff = WebClient(inst)
        staff.login(OUTREACH[0], OUTREACH[2])
        a = WebClient(inst)
        a.login(MEMBER[0], MEMBER[2])

        # -- the report form, re-rendered with errors --------------------
        page = html_ok(a.get("/report"), "GET /report")
        r = a.post_form("/report", report_fields(find_csrf(page),
                                                 TIME_WINDOW, PLATE))
        text = html_ok(r, "POST /report with a bad time window")
        assert shows_error(text), f"no error: {Html(text).text[:1000]}"
        assert_shown_escaped(text, ALL_FORM, "/report, time window error")
        form = find_form(text, "/report", "/report")
        assert form.value("time_window") == TIME_WINDOW
        assert form.value("narrative") == NARRATIVE
        for k, v in list(OFFENDER.items()) + list(VEHICLE.items()):
            assert form.value(k) == v, (k, form.values(k), v)

        r = a.post_form("/report", report_fields(find_csrf(text),
                                                 "20:00-23:00", PLATE))
        text = html_ok(r, "POST /report with a bad plate")
        assert shows_error(text), f"no error: {Html(text).text[:1000]}"
        assert_shown_escaped(text, STORED + [PLATE], "/report, plate error")
        assert find_form(text, "/report", "/report").value("plate") == PLATE

        r = a.post_form("/report", report_fields(find_csrf(text),
                                                 "20:00-23:00", "abc-123"))
        assert r.status == 303, r
        m = re.fullmatch(r"/reports/(\d+)", redirect_path(r))
        assert m, redirect_path(r)
        rid = int(m.group(1))
        path = f"/reports/{rid}"

        # -- the pages that show the report -----------------------------
        text = html_ok(a.get(path), f"GET {path} (owner)")
        assert_shown_escaped(text, STORED, f"{path} (owner)")
        text = html_ok(staff.get(path), f"GET {path} (outreach)")
        assert_shown_escaped(text, STORED, f"{path} (outreach)")
        assert_inert(html_ok(a.get("/reports/mine"), "/reports/mine"),
                     "/reports/mine")
        assert_inert(html_ok(staff.get("/queue"), "/queue"), "/queue")

        # -- the JSON API gives the strings back exactly -----------------
        tok = inst.login(MEMBER[0], MEMBER[2])
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=tok, expect=200)
        assert got["area"] == AREA, got["area"]
        assert got["narrative"] == NARRATIVE, got["narrative"]
        assert got["contact"] == CONTACT, got["contact"]
        for k, v in OFFENDER.items():
            assert got["offender"][k] == v, (k, got["offender"])
        for k, v in VEHICLE.items():
            assert got["vehicle"][k] == v, (k, got["vehicle"])
        assert got["vehicle"]["plate"] == "abc-123", got["vehicle"]
        assert got["identifiers"][:3] == [
            {"kind": "name", "value": IDENT_NAME},
            {"kind": "handle", "value": IDENT_HANDLE},
            {"kind": "phone", "value": "604 555 0188"}], got["identifiers"]
        assert "&lt;" not in str(got) and "&amp;" not in str(got), (
            "the API escaped HTML")

        # -- an alert with a payload in its summary -------------------------
        page = html_ok(staff.get(path), f"GET {path} (outreach)")
        r = staff.post_form(f"{path}/alert", [
            ("csrf", find_csrf(page)), ("summary", SUMMARY),
            ("severity", "high"), ("regions", "ca-bc-van"),
            ("ident_kind", "handle"), ("ident_value", IDENT_HANDLE),
            ("ident_kind", "phone"), ("ident_value", "604 555 0188")])
        assert r.status == 303 and redirect_path(r) == "/alerts", r
        st, j = inst.json_request("GET", "/api/v1/alerts?region=ca-bc-van",
                                  token=tok, expect=200)
        assert [x["summary"] for x in j["alerts"]] == [SUMMARY], j
        alert_id = j["alerts"][0]["id"]
        for who, c in (("member", a), ("outreach", staff)):
            text = html_ok(c.get("/alerts?region=ca-bc-van"),
                           f"/alerts ({who})")
            assert_shown_escaped(text, [SUMMARY], f"/alerts ({who})")
            _, _, inner = element_by_id(text, f"alert-{alert_id}")
            assert SUMMARY in inner, inner
        assert_inert(html_ok(staff.get("/queue"), "/queue"), "/queue")
        text = html_ok(staff.get(path), f"GET {path} (outreach, alerted)")
        assert_shown_escaped(text, STORED, f"{path} (outreach, alerted)")

        # -- screening ------------------------------------------------------
        page = html_ok(a.get("/screen"), "GET /screen")
        r = a.post_form("/screen", {"csrf": find_csrf(page),
                                    "kind": "handle",
                                    "value": IDENT_HANDLE})
        text = html_ok(r, "POST /screen (the handle)")
        assert_inert(text, "/screen result (handle)")
        tag, attrs, inner = element_by_id(text, "result")
        assert "result-red" in attrs.get("class", "").split(), attrs
        assert SUMMARY in inner, inner
        assert_shown_escaped(text, [SUMMARY], "/screen result (handle)")
        r = a.post_form("/screen", {"csrf": find_csrf(text),
                                    "kind": "keyword",
                                    "value": SCREEN_KEYWORD})
        text = html_ok(r, "POST /screen (a keyword)")
        assert_inert(text, "/screen result (keyword)")
        element_by_id(text, "result")
        r = a.post_form("/screen", {"csrf": find_csrf(text),
                                    "kind": "phone",
                                    "value": SCREEN_KEYWORD})
        assert r.status in (200, 400), f"POST /screen (a bad phone): {r}"
        assert_inert(r.text, "/screen with a bad phone")

        # -- the Atom feed --------------------------------------------------
        r = a.post_form("/feed/new", {"csrf": find_csrf(
            a.get("/screen").text)})
        text = html_ok(r, "POST /feed/new")
        assert_inert(text, "POST /feed/new")
        _, attrs, inner = element_by_id(text, "feed-url")
        m = re.search(r"/feed/[A-Za-z0-9_-]+\.atom",
                      inner + " " + attrs.get("href", "") + " " +
                      attrs.get("value", ""))
        assert m, (attrs, inner)
        r = WebClient(inst).get(m.group(0))
        assert r.status == 200, r
        assert r.headers.get("content-type", "").startswith(
            "application/atom+xml"), r.headers
        assert RAW.search(r.text) is None, f"raw payload in the feed: " \
                                            f"{r.text[:2000]}"
        try:
            root = ET.fromstring(r.body)
        except ET.ParseError as ex:
            raise AssertionError(f"the feed is not XML ({ex}): "
                                 f"{r.text[:2000]}") from None
        assert root.tag == ATOM + "feed", root.tag
        found = False
        for e in root.iter():
            assert not e.tag.lower().endswith(("}script", "}img")), e.tag
            t = e.text or ""
            kind = e.get("type", "text")
            if kind == "html":
                # Escaped once for XML, once more for the HTML inside.
                assert RAW.search(t) is None, (e.tag, t)
                found = found or SUMMARY in html.unescape(t)
            elif kind == "xhtml":
                raise AssertionError("xhtml content: check it by hand")
            else:
                found = found or SUMMARY in t
        assert found, f"the summary is not in the feed: {r.text[:2000]}"

        # -- names: register and login forms ----------------------------------
        page = html_ok(staff.get("/invites"), "GET /invites")
        r = staff.post_form("/invites", {"csrf": find_csrf(page)})
        text = html_ok(r, "POST /invites")
        code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}",
                         element_by_id(text, "invite-code")[2]).group(0)
        c = WebClient(inst)
        page = html_ok(c.get("/register"), "GET /register")
        pw = "cleo's long password"
        r = c.post_form("/register", {"csrf": find_csrf(page),
                                      "code": "ZZZZ-ZZZZ" if code !=
                                      "ZZZZ-ZZZZ" else "YYYY-YYYY",
                                      "name": REG_NAME, "password": pw,
                                      "password2": pw})
        text = html_ok(r, "POST /register with a wrong code")
        assert shows_error(text), Html(text).text
        assert_shown_escaped(text, [REG_NAME], "/register, code error")
        assert find_form(text, "/register", "/register").value("name") == \
            REG_NAME
        r = c.post_form("/register", {"csrf": find_csrf(text),
                                      "code": code, "name": REG_NAME,
                                      "password": pw, "password2": pw})
        assert r.status == 303 and redirect_path(r) == "/home", r
        for p in ("/home", "/alerts", "/screen", "/reports/mine", "/report"):
            r = c.get(p)
            assert r.status == 200, (p, r)
            assert_inert(r.text, f"{p} (the new member)")
        assert inst.login(REG_NAME, pw)

        c = WebClient(inst)
        page = html_ok(c.get("/login"), "GET /login")
        r = c.post_form("/login", {"csrf": find_csrf(page),
                                   "name": LOGIN_NAME,
                                   "password": "not the password"})
        text = html_ok(r, "POST /login, wrong password")
        assert_shown_escaped(text, [LOGIN_NAME], "/login, wrong password")

        # -- what an attacker puts in a URL -----------------------------------
        for who, client in (("member", a), ("outreach", staff)):
            for p in ["/reports/" +
                      urllib.parse.quote("<script>x24</script>"),
                      "/alerts?region=" +
                      urllib.parse.quote("<script>x25</script>"),
                      "/alerts?region=" +
                      urllib.parse.quote("\"><img src=x onerror=x26>"),
                      "/nowhere/" +
                      urllib.parse.quote("<img src=x onerror=x27>")]:
                r = client.get(p)
                assert r.status < 500, (p, r)
                assert_inert(r.text, f"GET {p} ({who})")


if __name__ == "__main__":
    lookout_test.main()

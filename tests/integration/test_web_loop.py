"""The core loop through the HTML pages, with plain form posts (no
JavaScript): an invite and a registration, a report (first with an
error, which keeps what was typed), the moderation queue, publishing an
alert, screening, the reporter lowering her consent, someone else's
report hidden, CSRF, and the Atom feed."""

import datetime
import re
import xml.etree.ElementTree as ET

import lookout_test
from lookout_test import (Html, Instance, WebClient, element_by_id,
                          elements, find_csrf, find_form, redirect_path,
                          shows_error)

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER_A = ("Amara", "member", "amara's long password", ["ca-bc-van"])
B_NAME = "Bea"
B_PASSWORD = "bea's long password"

SAFETY = "No report is not a guarantee of safety."
NARRATIVE = ("He grabbed my arm when I asked for the money.\n"
             "Second line: \u00e9t\u00e9, \u4f60\u597d.")
SUMMARY = ("Violent client with a scorpion tattoo on his left hand; "
           "drives a silver Civic.")
ATOM = "{http://www.w3.org/2005/Atom}"
FEED_PATH = re.compile(r"/feed/[A-Za-z0-9_-]+\.atom")


def days_ago(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


def html_ok(r, what):
    assert r.status == 200, f"{what}: {r}"
    ctype = r.headers.get("content-type", "")
    assert ctype.startswith("text/html"), f"{what}: content-type {ctype!r}"
    return r.text


def links(text):
    return {a.get("href") for a in Html(text).find_all("a")}


def report_fields(csrf, occurred_on):
    """The report as the form posts it. The second identifier row is
    left empty, as most of a form's rows will be: it must be skipped."""
    f = [("csrf", csrf), ("types", "violence"), ("types", "threats")]
    if occurred_on is not None:
        f.append(("occurred_on", occurred_on))
    f += [("time_window", "20:00-23:00"), ("region", "ca-bc-van"),
          ("area", "near the park on 5th"), ("age_range", "40-50"),
          ("gender", "man"), ("height", "tall"), ("build", "heavy"),
          ("hair", "grey"), ("skin", ""),
          ("marks", "scorpion tattoo, left hand"), ("language", "English"),
          ("make", "Honda"), ("model", "Civic"), ("colour", "silver"),
          ("plate", "abc-123"),
          ("ident_kind", "phone"), ("ident_value", "+1 (604) 555-0142"),
          ("ident_kind", "email"), ("ident_value", ""),
          ("narrative", NARRATIVE), ("consent_alert", "yes"),
          ("police", "anonymous"), ("share_orgs", "yes"),
          ("contact", "text me at the drop-in")]
    return f


def ident_pairs(form):
    """The (kind, value) rows of a report or alert form that hold a
    value."""
    kinds = form.values("ident_kind")
    values = form.values("ident_value")
    assert len(kinds) == len(values), (kinds, values)
    return [(k, v) for k, v in zip(kinds, values) if v != ""]


def feed_path(text):
    """The path of the feed URL shown in the element id=feed-url."""
    tag, attrs, inner = element_by_id(text, "feed-url")
    for candidate in (inner, attrs.get("href", ""), attrs.get("value", "")):
        m = FEED_PATH.search(candidate)
        if m:
            return m.group(0)
    raise AssertionError(f"no /feed/TOKEN.atom in #feed-url: "
                         f"<{tag} {attrs}> {inner!r}")


def csrf_of(c, *paths):
    """The csrf token from the first of paths whose page has a form."""
    for p in paths:
        r = c.get(p)
        if r.status == 200 and Html(r.text).find("input", {"name": "csrf"}):
            return find_csrf(r.text)
    raise AssertionError(f"no csrf field on any of {paths}")


def atom_texts(body):
    """Every text in an Atom document; asserts it is an Atom feed."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as ex:
        raise AssertionError(f"the feed is not well-formed XML ({ex}): "
                             f"{body[:500]!r}") from None
    assert root.tag == ATOM + "feed", f"root element {root.tag}"
    return root, [t for e in root.iter() for t in (e.text,) if t]


def test_loop_over_the_web():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER_A]) as inst:
        staff = WebClient(inst)
        staff.login(OUTREACH[0], OUTREACH[2])
        a = WebClient(inst)
        a.login(MEMBER_A[0], MEMBER_A[2])

        # -- an invite, from /invites ---------------------------------
        page = html_ok(staff.get("/invites"), "GET /invites (outreach)")
        find_form(page, "/invites", "/invites")
        r = staff.post_form("/invites", {"csrf": find_csrf(page)})
        text = html_ok(r, "POST /invites")
        _, _, shown = element_by_id(text, "invite-code")
        m = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", shown)
        assert m, f"no code in #invite-code: {shown!r}"
        code = m.group(0)
        r = a.get("/invites")
        assert r.status in (403, 404), f"a member at /invites: {r}"

        # -- register with it -----------------------------------------
        b = WebClient(inst)
        page = html_ok(b.get("/register"), "GET /register")
        form = find_form(page, "/register", "/register")
        for name in ("code", "name", "password", "password2"):
            assert form.has_field(name), f"/register has no {name!r}"
        for kind, attrs in form.inputs:
            if attrs.get("name") in ("password", "password2"):
                assert attrs.get("type") == "password", attrs
        wrong = "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"
        r = b.post_form("/register", {"csrf": find_csrf(page),
                                      "code": wrong, "name": B_NAME,
                                      "password": B_PASSWORD,
                                      "password2": B_PASSWORD})
        text = html_ok(r, "POST /register with a wrong code")
        assert shows_error(text), f"no error shown: {Html(text).text}"
        assert "lk_session" not in b.cookies, r.headers["set-cookie"]
        form = find_form(text, "/register", "/register")
        assert form.value("name") == B_NAME, "the name was not kept"
        assert form.value("password") == "" and \
            form.value("password2") == "", "a password was echoed back"
        assert B_PASSWORD not in text, "the password is in the page"
        r = b.post_form("/register", {"csrf": find_csrf(text),
                                      "code": code, "name": B_NAME,
                                      "password": B_PASSWORD,
                                      "password2": B_PASSWORD})
        assert r.status == 303 and redirect_path(r) == "/home", r
        assert b.cookies.get("lk_session"), r.headers["set-cookie"]
        html_ok(b.get("/home"), "B's /home after registering")
        assert inst.login(B_NAME, B_PASSWORD)

        # -- a report, first without its date --------------------------
        page = html_ok(a.get("/report"), "GET /report")
        find_form(page, "/report", "/report")
        r = a.post_form("/report", report_fields(find_csrf(page), None))
        text = html_ok(r, "POST /report without occurred_on")
        assert shows_error(text), f"no error shown: {Html(text).text}"
        form = find_form(text, "/report", "/report")
        assert form.value("narrative") == NARRATIVE, (
            f"the narrative was not kept: {form.values('narrative')}")
        assert sorted(form.values("types")) == ["threats", "violence"], (
            f"the checked types were not kept: {form.values('types')}")
        assert form.values("consent_alert") == ["yes"], (
            "the alert consent checkbox was not kept checked")
        assert form.value("area") == "near the park on 5th"
        assert form.value("marks") == "scorpion tattoo, left hand"
        assert form.value("plate") == "abc-123"
        assert form.value("region") == "ca-bc-van"
        assert form.value("time_window") == "20:00-23:00"
        assert form.value("police") == "anonymous"
        assert form.value("contact") == "text me at the drop-in"
        assert ident_pairs(form) == [("phone", "+1 (604) 555-0142")], (
            ident_pairs(form))

        r = a.post_form("/report", report_fields(find_csrf(text),
                                                 days_ago(2)))
        assert r.status == 303, r
        m = re.fullmatch(r"/reports/(\d+)", redirect_path(r))
        assert m, f"POST /report went to {redirect_path(r)}"
        rid = int(m.group(1))
        path = f"/reports/{rid}"

        # What the form filed, through the API.
        atok = inst.login(MEMBER_A[0], MEMBER_A[2])
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=atok, expect=200)
        assert got["types"] == ["violence", "threats"], got
        assert got["occurred_on"] == days_ago(2), got
        assert got["region"] == "ca-bc-van", got
        assert got["narrative"] == NARRATIVE, got
        assert got["identifiers"] == [
            {"kind": "phone", "value": "+1 (604) 555-0142"},
            {"kind": "plate", "value": "abc-123"}], got
        assert got["vehicle"]["plate"] == "abc-123", got
        assert got["offender"]["marks"] == "scorpion tattoo, left hand", got
        assert got["consent"] == {"alert": True, "police": "anonymous",
                                  "share_orgs": True}, got
        assert got["contact"] == "text me at the drop-in", got
        assert got["source"] == "web", got

        text = html_ok(a.get("/reports/mine"), "GET /reports/mine")
        assert path in links(text), f"{path} not linked from /reports/mine"

        # -- moderation: the queue, the report, an alert ---------------
        text = html_ok(staff.get("/queue"), "GET /queue")
        assert path in links(text), f"{path} not linked from /queue"
        page = html_ok(staff.get(path), f"GET {path} (outreach)")
        assert "scorpion tattoo" in Html(page).text, "the report not shown"
        find_form(page, f"{path}/alert", path)
        r = staff.post_form(f"{path}/alert", [
            ("csrf", find_csrf(page)), ("summary", SUMMARY),
            ("severity", "high"), ("regions", "ca-bc-van"),
            ("ident_kind", "phone"), ("ident_value", "+1 (604) 555-0142"),
            ("ident_kind", "plate"), ("ident_value", "abc-123")])
        assert r.status == 303 and redirect_path(r) == "/alerts", r
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=atok, expect=200)
        assert got["status"] == "alerted" and got["alert_id"], got
        alert_id = got["alert_id"]
        text = html_ok(staff.get("/queue"), "GET /queue after the alert")
        assert path not in links(text), "an alerted report stays queued"

        for who, c in (("outreach", staff), ("B", b)):
            text = html_ok(c.get("/alerts?region=ca-bc-van"),
                           f"GET /alerts?region=ca-bc-van ({who})")
            arts = elements(text, lambda t, at: t == "article" and
                            "alert" in at.get("class", "").split())
            by_id = {at.get("id"): inner for _, at, inner in arts}
            assert f"alert-{alert_id}" in by_id, (who, list(by_id))
            assert SUMMARY in by_id[f"alert-{alert_id}"], by_id
            assert "Amara" not in text, "an alert names its reporter"
        text = html_ok(b.get("/alerts?region=ca-bc-vic"),
                       "GET /alerts?region=ca-bc-vic")
        assert not elements(text, lambda t, at: at.get("id") ==
                            f"alert-{alert_id}") and SUMMARY not in text, (
            "a Vancouver alert shown for Victoria")

        # -- screening -------------------------------------------------
        page = html_ok(b.get("/screen"), "GET /screen")
        find_form(page, "/screen", "/screen")
        r = b.post_form("/screen", {"csrf": find_csrf(page),
                                    "kind": "phone",
                                    "value": "604.555.0142"})
        text = html_ok(r, "POST /screen (a reported number)")
        tag, attrs, shown = element_by_id(text, "result")
        assert tag == "section", tag
        cls = attrs.get("class", "").split()
        assert "result" in cls and "result-red" in cls, attrs
        assert SUMMARY in shown, f"the alert is not in the result: {shown}"
        r = b.post_form("/screen", {"csrf": find_csrf(text),
                                    "kind": "phone",
                                    "value": "+1 778 555 0100"})
        text = html_ok(r, "POST /screen (an unknown number)")
        tag, attrs, shown = element_by_id(text, "result")
        cls = attrs.get("class", "").split()
        assert "result" in cls and "result-green" in cls, attrs
        assert SAFETY in shown, f"green without the safety note: {shown}"
        assert SUMMARY not in shown, shown

        # -- the reporter lowers her consent -------------------------------
        page = html_ok(a.get(path), f"GET {path} (owner)")
        assert "scorpion tattoo" in Html(page).text, "the report not shown"
        form = find_form(page, f"{path}/consent", path)
        assert form.values("police") == ["anonymous"], form.fields()
        assert form.values("consent_alert") == ["yes"], form.fields()
        assert form.values("share_orgs") == ["yes"], form.fields()
        assert "unsent" in Html(page).text.lower() or \
            "cannot be undone" in Html(page).text.lower() or \
            "already sent" in Html(page).text.lower(), (
                "the consent form does not say a sent alert stays sent")
        r = a.post_form(f"{path}/consent", {"csrf": find_csrf(page),
                                            "consent_alert": "yes",
                                            "police": "none",
                                            "share_orgs": "yes"})
        assert r.status in (200, 303), f"POST {path}/consent: {r}"
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=atok, expect=200)
        assert got["consent"] == {"alert": True, "police": "none",
                                  "share_orgs": True}, got
        page = html_ok(a.get(path), f"GET {path} after lowering consent")
        form = find_form(page, f"{path}/consent", path)
        assert form.values("police") == ["none"], form.fields()

        # -- someone else's report does not exist, for her -------------
        r = b.get(path)
        assert r.status == 404, f"B reads A's report: {r}"
        assert "scorpion tattoo" not in r.text and \
            "drop-in" not in r.text, "A's report leaks into the 404"
        r = b.post_form(f"{path}/withdraw", {"csrf": csrf_of(b, "/screen")})
        assert r.status in (403, 404), f"B withdraws A's report: {r}"

        # -- CSRF ------------------------------------------------------
        r = b.post_form("/screen", {"kind": "phone",
                                    "value": "604.555.0142"})
        assert r.status == 403, f"POST /screen without csrf: {r}"
        assert SUMMARY not in r.text, "screened without csrf"
        r = a.post_form(f"{path}/withdraw", {})
        assert r.status == 403, f"POST {path}/withdraw without csrf: {r}"
        r = a.post_form(f"{path}/delete", {"csrf": ""})
        assert r.status == 403, f"POST {path}/delete with empty csrf: {r}"
        r = staff.post_form("/invites", {})
        assert r.status == 403, f"POST /invites without csrf: {r}"
        st, got = inst.json_request("GET", f"/api/v1/reports/{rid}",
                                    token=atok, expect=200)
        assert got["narrative"] == NARRATIVE, got

        # -- the Atom feed ---------------------------------------------
        # A member registered with an invite follows no region yet (and
        # there is no page to choose one), so the feed that must carry
        # the alert is that of A, who follows ca-bc-van; B's feed must
        # still be a working, empty-or-not, Atom feed.
        feeds = {}
        for who, c in (("A", a), ("B", b)):
            r = c.post_form("/feed/new", {"csrf": csrf_of(
                c, "/alerts", "/alerts?region=ca-bc-van", "/home")})
            text = html_ok(r, f"POST /feed/new ({who})")
            feeds[who] = (feed_path(text), text)
        assert feeds["A"][0] != feeds["B"][0], feeds
        for who, (fpath, _) in feeds.items():
            r = WebClient(inst).get(fpath)
            assert r.status == 200, f"{who}'s feed {fpath}: {r}"
            ctype = r.headers.get("content-type", "")
            assert ctype.startswith("application/atom+xml"), ctype
            root, texts = atom_texts(r.body)
            if who == "A":
                assert any(SUMMARY in t for t in texts), (
                    f"the alert summary is not in A's feed: {texts}")
                assert root.findall(ATOM + "entry"), "no <entry>"
            assert "Amara" not in r.text, "the feed names the reporter"
        r = staff.post_form("/feed/new", {"csrf": csrf_of(staff,
                                                           "/invites")})
        assert r.status in (403, 404), f"outreach makes a feed: {r}"

        for who, c in (("A", a), ("B", b)):
            fpath = feeds[who][0]
            r = c.post_form("/feed/revoke", {"csrf": csrf_of(
                c, "/alerts", "/alerts?region=ca-bc-van", "/home")})
            assert r.status in (200, 303), f"POST /feed/revoke ({who}): {r}"
            r = WebClient(inst).get(fpath)
            assert r.status == 404, f"{who}'s revoked feed: {r}"
            assert SUMMARY not in r.text, r


if __name__ == "__main__":
    lookout_test.main()

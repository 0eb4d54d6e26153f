"""The help loop through the HTML pages, with plain form posts (no
JavaScript): a public help request without an account (first refused,
with everything typed kept), its reference, its status and withdrawal;
staff see the cases most urgent first, claim one, keep a note and close
it; a case opened from a report; the liaison's shared reports, without a
narrative at the anonymous tier; the public statistics with "<5" cells,
their SVG charts and CSV downloads; the transparency page; a member's
regions and the deletion of her account; the quick exit and the lang
attribute on every page; no POST without the CSRF token; and the help
form's rate limit, shared with the API."""

import csv
import datetime
import io
import re

import lookout_test
from lookout_test import (Html, Instance, WebClient, element_by_id,
                          elements, find_csrf, find_form, redirect_path,
                          shows_error)

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
LIAISON = ("Lia-Liaison", "liaison", "lia's long password", [])

REF_RE = re.compile(r"\bH-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{2}\b")
QUICK_EXIT = "https://www.google.com/search?q=weather"
CODE_WORD = "Tangerine <Lighthouse> & 4417"
SAFE_TIMES = "Weekdays after 2pm,\nnever in the evening"
NARRATIVE_ANON = "Narrative-Anon-Ocelot"
NARRATIVE_FULL = "Narrative-Full-Heron"
SUMMARY = "Violent client, silver Civic; screen first."
TODAY = datetime.date.today().isoformat()


def html_ok(r, what):
    assert r.status == 200, f"{what}: {r}"
    ctype = r.headers.get("content-type", "")
    assert ctype.startswith("text/html"), f"{what}: content-type {ctype!r}"
    return r.text


def check_frame(text, lang="en"):
    """The lang attribute, and the quick exit first in the body."""
    page = Html(text)
    assert page.lang == lang, f"lang={page.lang!r}, expected {lang!r}"
    first = page.after("body")
    assert first and first[0][0] == "a", f"first in body: {first[:1]}"
    assert first[0][1].get("id") == "quick-exit", first[0]
    assert first[0][1].get("href") == QUICK_EXIT, first[0]
    assert not page.scripts or all(s[1].strip() == "" for s in
                                   page.scripts), "inline script"
    assert " style=" not in text and "<style" not in text, "inline style"
    return page


def help_fields(csrf, method="phone", contact="+1 (604) 555-0177",
                danger=False, under_18=False, needs=("safety_planning",
                                                     "housing")):
    f = [("csrf", csrf), ("method", method), ("contact", contact),
         ("safe_times", SAFE_TIMES), ("language", "zh-Hans"),
         ("code_word", CODE_WORD)]
    f += [("needs", n) for n in needs]
    if danger:
        f.append(("danger_now", "yes"))
    if under_18:
        f.append(("under_18", "yes"))
    return f


def ask_for_help(c, **kw):
    """POST /help from a fresh form; returns (reference, page text)."""
    page = html_ok(c.get("/help"), "GET /help")
    r = c.post_form("/help", help_fields(find_csrf(page), **kw))
    text = html_ok(r, "POST /help")
    _, _, shown = element_by_id(text, "help-reference")
    m = REF_RE.search(shown)
    assert m, f"no reference in #help-reference: {shown!r}"
    return m.group(0), text


def help_status(c, ref):
    page = html_ok(c.get("/help/status"), "GET /help/status")
    r = c.post_form("/help/status", {"csrf": find_csrf(page),
                                     "reference": ref})
    return html_ok(r, "POST /help/status")


def case_rows(text):
    """The links of the case queue, in order, with their text."""
    rows = []
    for tag, a, inner in elements(text, lambda t, a: t == "a" and
                                  re.fullmatch(r"/cases/\d+",
                                               a.get("href", ""))):
        rows.append((a["href"], inner))
    return rows


def test_help_request_and_cases():
    with Instance(regions=REGIONS, users=[OUTREACH]) as inst:
        anon = WebClient(inst)

        # -- the form: every field, the promises ------------------------
        page = html_ok(anon.get("/help"), "GET /help")
        check_frame(page)
        form = find_form(page, "/help", "/help")
        for name in ("method", "contact", "safe_times", "language",
                     "code_word", "needs", "danger_now", "forced",
                     "id_or_money_held", "under_18"):
            assert form.has_field(name), f"/help has no {name!r} field"
        methods = [a.get("value") for k, a in form.inputs
                   if a.get("name") == "method"]
        assert methods == ["phone", "sms", "email", "dropin"], methods
        for name in ("danger_now", "forced", "id_or_money_held",
                     "under_18"):
            boxes = [a for k, a in form.inputs if a.get("name") == name]
            assert boxes and boxes[0].get("type") == "checkbox" and \
                boxes[0].get("value") == "yes", (name, boxes)
        needs = [a.get("value") for k, a in form.inputs
                 if a.get("name") == "needs"]
        assert "safety_planning" in needs and "immigration" in needs, needs
        langs = [a for k, a in form.inputs if a.get("name") == "language"]
        codes = [v for v, _, _ in langs[0]["options"]]
        for code in ("en", "fr", "zh-Hans", "es", "tl", "vi", "ko", "other"):
            assert code in codes, (code, codes)
        words = Html(page).text
        assert "police" in words and "withdraw" in words, words
        assert "optional" in words, "the screening is not marked optional"

        # -- refused: the error is inline and nothing typed is lost ------
        r = anon.post_form("/help", help_fields(
            find_csrf(page), method="email", contact="not an address",
            under_18=True))
        text = html_ok(r, "POST /help with a bad email")
        assert shows_error(text), Html(text).text
        assert "help-reference" not in text, "stored despite the error"
        form = find_form(text, "/help", "/help")
        assert form.value("contact") == "not an address"
        assert form.value("method") == "email"
        assert form.value("code_word") == CODE_WORD
        assert form.value("safe_times") == SAFE_TIMES
        assert form.value("language") == "zh-Hans"
        assert form.values("needs") == ["safety_planning", "housing"]
        assert form.values("under_18") == ["yes"]
        assert form.values("danger_now") == []
        err = Html(text).find(attrs={"id": "contact-error"})
        assert err is not None, "the error is not next to the contact"

        # -- three requests; the one in danger hears about 911 -----------
        ref_other, text = ask_for_help(anon)
        assert "911" not in text, "911 shown without danger_now"
        ref_danger, text = ask_for_help(anon, danger=True,
                                        method="sms")
        assert "911" in Html(text).text, "no 911 note for danger_now"
        ref_young, _ = ask_for_help(anon, under_18=True, method="dropin",
                                    contact="", needs=())
        assert len({ref_other, ref_danger, ref_young}) == 3
        # The reference is shown, never put in a URL or a cookie.
        assert not any(ref_other in v for v in anon.cookies.values())

        # -- status by reference ------------------------------------------
        text = help_status(anon, ref_other)
        _, _, status = element_by_id(text, "help-status")
        assert "support worker will contact you soon" in status, status
        find_form(text, "/help/withdraw", "/help/status")
        text = help_status(anon, "H-2222-22")
        assert shows_error(text), "an unknown reference was not refused"
        assert Html(text).find("input", {"name": "reference"}).get(
            "value") == "H-2222-22"

        # -- staff: the queue, most urgent first ----------------------------
        staff = WebClient(inst)
        staff.login(OUTREACH[0], OUTREACH[2])
        text = html_ok(staff.get("/cases"), "GET /cases")
        check_frame(text)
        rows = case_rows(text)
        assert len(rows) == 3, rows
        assert "In danger now" in rows[0][1], rows
        assert "Under 18" in rows[1][1], rows
        assert "Other" in rows[2][1], rows
        words = Html(text).text
        assert "Safety planning" in words and "中文" in words, words
        assert "Nobody yet" in words, words
        danger_path = rows[0][0]

        # -- one case: the code word first, escaped ----------------------
        text = html_ok(staff.get(danger_path), f"GET {danger_path}")
        check_frame(text)
        _, _, word = element_by_id(text, "code-word")
        assert word == CODE_WORD, word
        assert "<Lighthouse>" not in text, "the code word is not escaped"
        assert "Say this first" in Html(text).text
        assert "+16045550177" in text, "no contact in the case"
        assert "after 2pm" in text

        # -- claim, note, close ------------------------------------------
        r = staff.post_form(f"{danger_path}/claim",
                            {"csrf": find_csrf(text)})
        assert redirect_path(r) == danger_path, r
        text = html_ok(staff.get(danger_path), "the claimed case")
        assert "Taken" in Html(text).text
        r = staff.post_form(f"{danger_path}/note", {"csrf": find_csrf(text),
                                                    "text": ""})
        text = html_ok(r, "an empty note")
        assert shows_error(text), Html(text).text
        note = "Called at 3pm <b>safe</b>; she is at the shelter."
        r = staff.post_form(f"{danger_path}/note", {"csrf": find_csrf(text),
                                                    "text": note})
        assert redirect_path(r) == danger_path, r
        text = html_ok(staff.get(danger_path), "the case with a note")
        assert "&lt;b&gt;safe&lt;/b&gt;" in text, "the note is not escaped"
        r = staff.post_form(f"{danger_path}/close", {
            "csrf": find_csrf(text), "outcome": "referred", "detail": ""})
        text = html_ok(r, "closing as referred without saying to whom")
        assert shows_error(text), Html(text).text
        form = find_form(text, f"{danger_path}/close", danger_path)
        assert form.value("outcome") == "referred", "the outcome was lost"
        r = staff.post_form(f"{danger_path}/close", {
            "csrf": find_csrf(text), "outcome": "safety_plan",
            "detail": "Plan made with the shelter"})
        assert redirect_path(r) == danger_path, r
        text = html_ok(staff.get(danger_path), "the closed case")
        words = Html(text).text
        assert "Safety plan made" in words and "Closed" in words, words
        rows = case_rows(html_ok(staff.get("/cases"), "GET /cases"))
        assert danger_path not in [p for p, _ in rows], rows
        rows = case_rows(html_ok(staff.get("/cases?status=all"),
                                 "GET /cases?status=all"))
        assert danger_path in [p for p, _ in rows], rows
        text = help_status(anon, ref_danger)
        _, _, status = element_by_id(text, "help-status")
        assert "closed" in status, status

        # -- withdraw by reference -----------------------------------------
        text = help_status(anon, ref_other)
        form = find_form(text, "/help/withdraw", "/help/status")
        r = anon.post_form("/help/withdraw", form.fields())
        text = html_ok(r, "POST /help/withdraw")
        _, _, status = element_by_id(text, "help-status")
        assert "erased" in status, status
        text = help_status(anon, ref_other)
        _, _, status = element_by_id(text, "help-status")
        assert "withdrew" in status, status
        rows = case_rows(html_ok(staff.get("/cases"), "GET /cases"))
        assert len(rows) == 1 and "Under 18" in rows[0][1], rows

        # -- only staff work cases --------------------------------------
        r = anon.get("/cases")
        assert redirect_path(r) == "/login", r


def file_report(inst, tok, police, narrative, contact=None,
                types=("violence",)):
    body = {"types": list(types), "occurred_on": TODAY,
            "region": "ca-bc-van", "narrative": narrative,
            "consent": {"alert": True, "police": police,
                        "share_orgs": True}}
    if contact is not None:
        body["contact"] = contact
    st, j = inst.json_request("POST", "/api/v1/reports", body, token=tok,
                              expect=201)
    return j["id"]


def test_police_and_case_from_report():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER,
                                          LIAISON]) as inst:
        mtok = inst.login(MEMBER[0], MEMBER[2])
        stok = inst.login(OUTREACH[0], OUTREACH[2])
        anon_id = file_report(inst, mtok, "anonymous", NARRATIVE_ANON,
                              contact="Contact-Anon-Wren")
        full_id = file_report(inst, mtok, "full", NARRATIVE_FULL,
                              contact="604 555 0199")
        none_id = file_report(inst, mtok, "none", "Narrative-None-Moth")
        inst.json_request("POST", f"/api/v1/reports/{anon_id}/alert", {
            "summary": SUMMARY, "severity": "high",
            "regions": ["ca-bc-van"], "identifiers": []}, token=stok,
            expect=201)

        # -- a case from a report with a contact -------------------------
        staff = WebClient(inst)
        staff.login(OUTREACH[0], OUTREACH[2])
        text = html_ok(staff.get(f"/reports/{full_id}"), "the report")
        form = find_form(text, f"/reports/{full_id}/case")
        r = staff.post_form(f"/reports/{full_id}/case", form.fields())
        case_path = redirect_path(r)
        assert re.fullmatch(r"/cases/\d+", case_path), case_path
        text = html_ok(staff.get(case_path), "the case from a report")
        assert f'href="/reports/{full_id}"' in text or \
            f"href=/reports/{full_id}" in text, "no link to the report"
        assert "+16045550199" in text, "the contact was not copied"
        r = staff.post_form(f"/reports/{full_id}/case", form.fields())
        assert r.status == 409 and shows_error(r.text), r
        text = html_ok(staff.get(f"/reports/{none_id}"), "no contact")
        assert f"/reports/{none_id}/case" not in text, \
            "a case button on a report without a contact"

        # -- the liaison -------------------------------------------------
        lia = WebClient(inst)
        lia.login(LIAISON[0], LIAISON[2])
        home = html_ok(lia.get("/home"), "the liaison's home")
        assert Html(home).find("a", {"href": "/police"}), "no /police link"
        text = html_ok(lia.get("/police"), "GET /police")
        check_frame(text)
        _, _, note = element_by_id(text, "audit-note")
        assert "recorded" in note and "transparency" in note, note
        _, _, anon = element_by_id(text, f"shared-{anon_id}")
        _, _, full = element_by_id(text, f"shared-{full_id}")
        assert "Shared anonymously" in anon and SUMMARY in anon, anon
        assert "Violence" in anon and TODAY in anon and "ca-bc-van" in anon
        assert NARRATIVE_ANON not in text, "anonymous narrative shown"
        assert "Contact-Anon-Wren" not in text, "anonymous contact shown"
        assert "Shared in full" in full and NARRATIVE_FULL in full, full
        assert "604 555 0199" in full, full
        assert "Narrative-None-Moth" not in text
        assert f"shared-{none_id}" not in text
        for c, who in ((staff, "outreach"),):
            r = c.get("/police")
            assert r.status in (403, 404), f"{who} at /police: {r}"

        # -- the view was counted ----------------------------------------
        text = html_ok(WebClient(inst).get("/transparency"),
                       "GET /transparency")
        check_frame(text)
        table = Html(text).find("table", {"id": "transparency"})
        assert table is not None, Html(text).text
        words = Html(text).text
        assert "Liaison views" in words and "Shared in full" in words
        assert "<5" in words, words


def test_stats_and_csv():
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        tok = inst.login(MEMBER[0], MEMBER[2])
        # Five violence reports publish a count; the threats stay "<5".
        for i in range(5):
            types = ("violence", "threats") if i == 0 else ("violence",)
            file_report(inst, tok, "none", f"n{i}", types=types)
        c = WebClient(inst)
        text = html_ok(c.get("/stats"), "GET /stats")
        check_frame(text)
        page = Html(text)
        assert "<5" in page.text, page.text
        svgs = page.find_all("svg")
        assert len(svgs) == 4, svgs
        # A published bar, and a hatched one for "<5".
        assert page.find("rect", {"fill": "#1b4f9c"}), "no published bar"
        assert page.find("rect", {"fill": "url(#hatch-type)"}), \
            "no hatched bar"
        st, api = inst.json_request("GET", "/api/v1/stats", expect=200)
        by_type = {x["type"]: x["count"] for x in api["incidents_by_type"]}
        assert by_type["violence"] == 5 and by_type["threats"] == "<5", \
            by_type
        for table in ("month", "type", "region", "outcome"):
            assert page.find("a", {"href": f"/stats.csv?table={table}"}), \
                f"no CSV link for {table}"
            r = c.get(f"/stats.csv?table={table}")
            assert r.status == 200, r
            assert r.headers.get("content-type") == \
                "text/csv; charset=utf-8", r.headers
            disp = r.headers.get("content-disposition", "")
            assert disp.startswith("attachment") and ".csv" in disp, disp
            rows = list(csv.reader(io.StringIO(r.text)))
            assert rows[0][0] == table, rows[0]
            assert all(len(x) == 2 for x in rows), rows
            for code, shown in rows[1:]:
                assert shown == "<5" or (shown.isdigit() and
                                         int(shown) >= 5), (code, shown)
            if table == "type":
                got = dict(rows[1:])
                assert got["violence"] == "5" and got["threats"] == "<5" \
                    and got["robbery"] == "<5", got
            if table == "region":
                assert dict(rows[1:])["ca-bc-van"] == "5", rows
        for bad in ("/stats.csv?table=bogus", "/stats.csv",
                    "/stats.csv?table=type&x=1"):
            r = c.get(bad)
            assert r.status == 400, f"{bad}: {r}"


def test_member_regions_and_delete():
    with Instance(regions=REGIONS, users=[MEMBER]) as inst:
        a = WebClient(inst)
        a.login(MEMBER[0], MEMBER[2])
        home = html_ok(a.get("/home"), "the member's home")
        for href in ("/me/regions", "/me/delete"):
            assert Html(home).find("a", {"href": href}), f"no {href} link"

        text = html_ok(a.get("/me/regions"), "GET /me/regions")
        check_frame(text)
        form = find_form(text, "/me/regions", "/me/regions")
        assert form.values("regions") == ["ca-bc-van"], form.fields()
        r = a.post_form("/me/regions", [("csrf", find_csrf(text)),
                                        ("regions", "ca-bc-vic"),
                                        ("regions", "ca-bc")])
        text = html_ok(r, "POST /me/regions")
        element_by_id(text, "saved")
        text = html_ok(a.get("/me/regions"), "GET /me/regions again")
        form = find_form(text, "/me/regions", "/me/regions")
        assert sorted(form.values("regions")) == ["ca-bc", "ca-bc-vic"], \
            form.fields()
        r = a.post_form("/me/regions", [("csrf", find_csrf(text)),
                                        ("regions", "xx-nowhere")])
        text = html_ok(r, "POST /me/regions with an unknown code")
        assert shows_error(text), Html(text).text
        text = html_ok(a.get("/me/regions"), "unchanged")
        form = find_form(text, "/me/regions", "/me/regions")
        assert sorted(form.values("regions")) == ["ca-bc", "ca-bc-vic"]

        # -- delete: the box must be ticked --------------------------------
        text = html_ok(a.get("/me/delete"), "GET /me/delete")
        check_frame(text)
        r = a.post_form("/me/delete", {"csrf": find_csrf(text)})
        text = html_ok(r, "POST /me/delete without the box")
        assert shows_error(text), Html(text).text
        old_cookie = a.cookies.get("lk_session")
        r = a.post_form("/me/delete", {"csrf": find_csrf(text),
                                       "confirm": "yes"})
        assert redirect_path(r) == "/", r
        assert "lk_session" not in a.cookies, "the session cookie stayed"
        r = a.get("/home", headers={"Cookie": f"lk_session={old_cookie}"})
        assert redirect_path(r) == "/login", f"the old session works: {r}"
        b = WebClient(inst)
        page = b.get("/login")
        r = b.post_form("/login", {"csrf": find_csrf(page.text),
                                   "name": MEMBER[0],
                                   "password": MEMBER[2]})
        assert r.status == 200 and shows_error(r.text), \
            f"a deleted account signs in: {r}"
        st, _ = inst.json_request("POST", "/api/v1/login", {
            "name": MEMBER[0], "password": MEMBER[2]})
        assert st == 401, st


def test_frames_and_csrf():
    with Instance(regions=REGIONS, users=[OUTREACH, MEMBER,
                                          LIAISON]) as inst:
        anon = WebClient(inst)
        ref, _ = ask_for_help(anon)
        staff = WebClient(inst)
        staff.login(OUTREACH[0], OUTREACH[2])
        rows = case_rows(html_ok(staff.get("/cases"), "GET /cases"))
        case_path = rows[0][0]
        mem = WebClient(inst)
        mem.login(MEMBER[0], MEMBER[2])
        lia = WebClient(inst)
        lia.login(LIAISON[0], LIAISON[2])

        pages = [(anon, p) for p in ("/", "/help", "/help/status",
                                     "/stats", "/transparency")]
        pages += [(staff, "/cases"), (staff, case_path),
                  (lia, "/police"), (mem, "/me/regions"),
                  (mem, "/me/delete")]
        for c, path in pages:
            for lang in ("en", "fr", "zh-Hans"):
                r = c.get(f"{path}?lang={lang}")
                check_frame(html_ok(r, f"GET {path}?lang={lang}"), lang)
            c.get(f"{path}?lang=en")
        # The welcome page and every footer lead to help and what we
        # publish.
        page = Html(html_ok(anon.get("/"), "GET /"))
        for href in ("/help", "/stats", "/transparency"):
            assert page.find("a", {"href": href}), f"no link to {href}"
        page = Html(html_ok(staff.get("/cases"), "GET /cases"))
        for href in ("/help", "/stats", "/transparency"):
            assert page.find("a", {"href": href}), f"footer: no {href}"

        posts = [
            (anon, "/help", {"method": "phone", "contact": "6045550111"}),
            (anon, "/help/status", {"reference": ref}),
            (anon, "/help/withdraw", {"reference": ref}),
            (staff, f"{case_path}/claim", {}),
            (staff, f"{case_path}/note", {"text": "x"}),
            (staff, f"{case_path}/close", {"outcome": "contacted"}),
            (staff, "/reports/1/case", {}),
            (mem, "/me/regions", {"regions": "ca"}),
            (mem, "/me/delete", {"confirm": "yes"}),
        ]
        for c, path, fields in posts:
            for token in (None, "", "forged-token"):
                f = dict(fields)
                if token is not None:
                    f["csrf"] = token
                r = c.post_form(path, f)
                assert r.status == 403, f"POST {path} csrf={token!r}: {r}"
        # Nothing happened: the request is still open, the case still
        # waiting, the member still there.
        text = help_status(anon, ref)
        _, _, status = element_by_id(text, "help-status")
        assert "soon" in status, status
        text = html_ok(staff.get(case_path), "the case")
        assert "Nobody yet" in Html(text).text
        assert "No notes yet." in Html(text).text
        html_ok(mem.get("/me/delete"), "the member is still there")


def test_help_rate_limit_shared_with_api():
    with Instance() as inst:
        c = WebClient(inst)
        page = html_ok(c.get("/help"), "GET /help")
        csrf = find_csrf(page)
        # Refusals spend nothing: a frightened person's typos never lock
        # her out.
        for _ in range(12):
            r = c.post_form("/help", help_fields(csrf, method="email",
                                                 contact="nope"))
            assert r.status == 200 and shows_error(r.text), r
        for i in range(10):
            r = c.post_form("/help", help_fields(csrf))
            assert r.status == 200 and "help-reference" in r.text, (i, r)
        r = c.post_form("/help", help_fields(csrf))
        assert r.status == 429, r
        assert r.headers.get("retry-after"), r.headers
        st, _ = inst.json_request("POST", "/api/v1/help-requests", {
            "contact": {"method": "dropin", "value": ""}})
        assert st == 429, f"the API has its own budget: {st}"


if __name__ == "__main__":
    lookout_test.main()

"""A member's subscriptions through the HTML page /me/subscriptions, with
plain form posts (no JavaScript): the regions she follows and her
channels (email, SMS, feed, or none), stored by the same core as
PUT /api/v1/me/subscriptions, so the API shows what the page saved.

Errors come back next to their field, with what she typed kept and
nothing changed; her address and number never reach the database in
plaintext; a post without the CSRF token changes nothing; the page speaks
the chosen language (en, fr, zh-Hans) and carries the quick exit."""

import os

import lookout_test
from lookout_test import (Html, Instance, WebClient, element_by_id,
                          elements, find_csrf, find_form, redirect_path, shows_error,
                          stored_files)

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc"),
           ("ca-qc-ile", "Île-Perrot", "ca"), ("ca-qc-eva", "Évain", "ca"),
           ("ca-ab-edm", "Edmonton", "ca"), ("ca-nu-iqa", "Iqaluit", "ca")]
# Pickers list regions by name, without regard to case or accents:
# Évain with the E's, Île-Perrot with the I's (byte order would put both
# after Victoria; the codes' order is another one again).
BY_NAME = ["ca-bc", "ca", "ca-ab-edm", "ca-qc-eva", "ca-qc-ile",
           "ca-nu-iqa", "ca-bc-van", "ca-bc-vic"]
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
PAGE = "/me/subscriptions"
API = "/api/v1/me/subscriptions"
QUICK_EXIT = "https://www.google.com/search?q=weather"
EMAIL = "Amara.Tern+alerts@example.org"
SMS_TYPED = "604.555.0123"
SMS_E164 = "+16045550123"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def po_msgstr(lang, msgid):
    """The translation of a one-line msgid in po/LANG.po; asserts there is
    one, so a check of translated text checks something."""
    path = os.path.join(ROOT, "po", f"{lang}.po")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    want = 'msgid "' + msgid.replace('"', '\\"') + '"'
    for i, line in enumerate(lines):
        if line == want and lines[i + 1].startswith('msgstr "'):
            s = lines[i + 1][len('msgstr "'):-1].replace('\\"', '"')
            assert s and s != msgid, f"po/{lang}.po: {msgid!r} untranslated"
            return s
    raise AssertionError(f"po/{lang}.po has no entry for {msgid!r}")


def page_ok(r, what):
    assert r.status == 200, f"{what}: {r}"
    assert r.headers.get("content-type", "").startswith("text/html"), r
    return r.text


def frame(text, lang="en"):
    page = Html(text)
    assert page.lang == lang, f"lang={page.lang!r}, expected {lang!r}"
    first = page.after("body")
    assert first and first[0][1].get("id") == "quick-exit", first[:1]
    assert first[0][1].get("href") == QUICK_EXIT, first[0]
    return page


def api_subs(inst, token):
    _, j = inst.json_request("GET", API, token=token, expect=200)
    return j


def error_text(text, field):
    """The error shown next to field: the text of #FIELD-error, which the
    control names in its aria-describedby."""
    _, _, msg = element_by_id(text, f"{field}-error")
    control = element_by_id(text, field)[1]
    assert f"{field}-error" in control.get("aria-describedby", ""), control
    assert control.get("aria-invalid") == "true", control
    return msg


def test_subscriptions_page():
    with Instance(regions=REGIONS, users=[MEMBER, OUTREACH]) as inst:
        token = inst.login(MEMBER[0], MEMBER[2])
        a = WebClient(inst)
        a.login(MEMBER[0], MEMBER[2])
        home = page_ok(a.get("/home"), "the member's home")
        assert Html(home).find("a", {"href": PAGE}), "no link from /home"

        # -- what she has now: her region, no channel ----------------------
        text = page_ok(a.get(PAGE), f"GET {PAGE}")
        frame(text)
        form = find_form(text, PAGE, PAGE)
        assert form.values("regions") == ["ca-bc-van"], form.fields()
        assert form.values("channels") == [], form.fields()
        assert form.value("email") == "" and form.value("sms") == ""
        assert form.value("lang") == "en", form.fields()
        # Each language is named in itself, tagged for screen readers.
        options = [a["options"] for k, a in form.inputs
                   if k == "select" and a.get("name") == "lang"][0]
        assert [(v, a.get("lang")) for v, _, a in options] == [
            ("en", "en"), ("fr", "fr"), ("zh-Hans", "zh-Hans")], options

        # -- email ticked but left empty: an error at the email field,
        # the rest of what she typed kept, nothing stored ------------------
        r = a.post_form(PAGE, [("csrf", find_csrf(text)),
                               ("regions", "ca-bc-vic"),
                               ("channels", "email"), ("channels", "sms"),
                               ("email", "  "), ("sms", SMS_TYPED),
                               ("lang", "fr")])
        text = page_ok(r, "POST with an empty email")
        assert shows_error(text)
        assert error_text(text, "email") == \
            'Write your email address, or untick "By email".'
        form = find_form(text, PAGE, PAGE)
        assert form.values("regions") == ["ca-bc-vic"], form.fields()
        assert form.values("channels") == ["email", "sms"], form.fields()
        assert form.value("sms") == SMS_TYPED, form.fields()
        assert form.value("lang") == "fr", form.fields()
        assert api_subs(inst, token) == {"regions": ["ca-bc-van"],
                                         "email": "", "sms": "",
                                         "lang": "en"}

        # -- a number that is not one: the core's error, at the SMS field --
        r = a.post_form(PAGE, [("csrf", find_csrf(text)),
                               ("regions", "ca-bc-vic"),
                               ("channels", "email"), ("channels", "sms"),
                               ("email", EMAIL), ("sms", "555-01"),
                               ("lang", "fr")])
        text = page_ok(r, "POST with a short number")
        assert error_text(text, "sms"), "no message at the SMS field"
        assert not Html(text).find(attrs={"id": "email-error"})
        form = find_form(text, PAGE, PAGE)
        assert form.value("email") == EMAIL and form.value("sms") == \
            "555-01", form.fields()
        assert api_subs(inst, token)["email"] == "", "half a change stored"

        # -- no CSRF token: refused, nothing changed -----------------------
        r = a.post_form(PAGE, [("regions", "ca-bc"), ("channels", "email"),
                               ("email", EMAIL)])
        assert r.status == 403, r
        assert api_subs(inst, token)["regions"] == ["ca-bc-van"]

        # -- all three channels, two regions, French messages --------------
        r = a.post_form(PAGE, [("csrf", find_csrf(text)),
                               ("regions", "ca-bc-vic"), ("regions", "ca-bc"),
                               ("channels", "email"), ("channels", "sms"),
                               ("channels", "feed"),
                               ("email", EMAIL), ("sms", SMS_TYPED),
                               ("lang", "fr")])
        text = page_ok(r, "POST all channels")
        element_by_id(text, "saved")
        assert not shows_error(text), Html(text).text
        feed_url = element_by_id(text, "feed-url")[2]
        assert "/feed/" in feed_url, feed_url
        assert api_subs(inst, token) == {
            "regions": ["ca-bc", "ca-bc-vic"], "email": EMAIL,
            "sms": SMS_E164, "lang": "fr"}, api_subs(inst, token)
        feed_path = "/feed/" + feed_url.split("/feed/", 1)[1]
        r = inst.request("GET", feed_path)
        assert r.status == 200 and b"<feed" in r.body, r

        # The page shows what is stored, the feed ticked, its address
        # not shown again.
        text = page_ok(a.get(PAGE), f"GET {PAGE} after saving")
        form = find_form(text, PAGE, PAGE)
        assert sorted(form.values("regions")) == ["ca-bc", "ca-bc-vic"]
        assert form.values("channels") == ["email", "sms", "feed"], \
            form.fields()
        assert form.value("email") == EMAIL, form.fields()
        assert form.value("sms") == SMS_E164, form.fields()
        assert form.value("lang") == "fr", form.fields()
        assert not Html(text).find(attrs={"id": "feed-url"})

        # Her address and number are sealed: not in any file of the
        # data dir.
        for path in stored_files(inst.data):
            with open(path, "rb") as f:
                data = f.read()
            for secret in (EMAIL, SMS_E164, SMS_TYPED, "Amara.Tern"):
                assert secret.encode() not in data, \
                    f"{secret!r} in plaintext in {path}"

        # -- none: every channel unticked; the feed address stops ----------
        r = a.post_form(PAGE, [("csrf", find_csrf(text)),
                               ("regions", "ca-bc"), ("email", EMAIL),
                               ("sms", SMS_TYPED), ("lang", "fr")])
        text = page_ok(r, "POST no channel")
        element_by_id(text, "saved")
        form = find_form(text, PAGE, PAGE)
        assert form.values("channels") == [], form.fields()
        assert api_subs(inst, token) == {"regions": ["ca-bc"], "email": "",
                                         "sms": "", "lang": "fr"}
        assert inst.request("GET", feed_path).status == 404

        # -- an unknown region: an error at the regions, nothing changed --
        r = a.post_form(PAGE, [("csrf", find_csrf(text)),
                               ("regions", "xx-nowhere"), ("lang", "fr")])
        text = page_ok(r, "POST an unknown region")
        assert Html(text).find(attrs={"id": "regions-error"}), \
            Html(text).text
        assert api_subs(inst, token)["regions"] == ["ca-bc"]

        # -- the same page in each language --------------------------------
        for lang in ("fr", "zh-Hans", "en"):
            text = page_ok(a.get(f"{PAGE}?lang={lang}"), f"{PAGE} {lang}")
            page = frame(text, lang)
            h1 = elements(text, lambda t, _: t == "h1")[0][2]
            want = "How I get alerts"
            assert h1 == (want if lang == "en" else po_msgstr(lang, want))
            assert page.find("input", {"id": "ch-email"}), page.text
            form = find_form(text, PAGE, PAGE)
            shown = [i.get("value") for k, i in form.inputs
                     if i.get("name") == "regions"]
            assert shown == BY_NAME, shown
            # The report form's region picker too.
            report = page_ok(a.get(f"/report?lang={lang}"), "/report")
            picker = [i["options"] for k, i in
                      find_form(report, "/report", "/report").inputs
                      if k == "select" and i.get("name") == "region"][0]
            assert [v for v, _, _ in picker if v] == BY_NAME, picker
            r = a.post_form(PAGE, [("csrf", find_csrf(text)),
                                   ("regions", "ca-bc"),
                                   ("channels", "email"), ("email", "")])
            text = page_ok(r, f"POST empty email, {lang}")
            frame(text, lang)
            want = 'Write your email address, or untick "By email".'
            assert error_text(text, "email") == \
                (want if lang == "en" else po_msgstr(lang, want))

        # -- staff have no subscriptions page ------------------------------
        s = WebClient(inst)
        s.login(OUTREACH[0], OUTREACH[2])
        r = s.get(PAGE)
        assert r.status == 403, r
        # Signed out: to the login page.
        assert redirect_path(WebClient(inst).get(PAGE)) == "/login"


if __name__ == "__main__":
    lookout_test.main()

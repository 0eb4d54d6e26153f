"""The HTML login: the form, CSRF, the session cookie, languages and
logout."""

import lookout_test
from lookout_test import (ADMIN_NAME, ADMIN_PASSWORD, Html, Instance,
                          WebClient, find_csrf, parse_set_cookie,
                          redirect_path)


def html_lang(text):
    lang = Html(text).lang
    assert lang, f"no <html lang=...>: {text[:500]}"
    return lang


def visible_text(text):
    return Html(text).text


def session_cookie(resp):
    """The lk_session Set-Cookie of resp as (value, attrs), or None."""
    for sc in resp.headers.get("set-cookie", []):
        name, val, attrs = parse_set_cookie(sc)
        if name == "lk_session":
            return val, attrs
    return None


def input_value(text, name):
    return Html(text).input_value(name)


def test_login_page():
    with Instance() as inst:
        c = WebClient(inst)
        r = c.get("/login")
        assert r.status == 200, r
        ctype = r.headers.get("content-type", "")
        assert ctype.startswith("text/html"), r.headers
        page = Html(r.text)
        assert "charset=utf-8" in ctype.lower() or page.find(
            "meta", {"charset": "utf-8"}), "no UTF-8 charset declared"
        assert page.lang == "en", page.lang
        # The quick exit is the first link in the body.
        links = [a for t, a in page.after("body") if t == "a"]
        assert links, "no link in the body"
        first = links[0]
        assert "quick-exit" in first.get("class", "").split(), (
            f"the first link in the body is not the quick exit: {first}")
        href = first.get("href", "")
        assert href.startswith("https://") and \
            not href.startswith(inst.base_url), (
                f"the quick exit must leave the site: {first}")
        # A form with a CSRF token, a name and a password.
        assert find_csrf(page)
        forms = [a for a in page.find_all("form")
                 if a.get("method", "").lower() == "post"
                 and a.get("action", "/login") == "/login"]
        assert forms, "no POST form for /login"
        assert page.input_value("name") == ""
        pw = page.find("input", {"name": "password"})
        assert pw and pw.get("type") == "password", pw
        # No inline script: scripts only by src, no event attributes.
        for attrs, content in page.scripts:
            assert attrs.get("src"), f"script without src: {attrs}"
            assert not content.strip(), f"inline script: {content[:200]}"
        for tag, attrs in page.tags:
            for k, v in attrs.items():
                assert not k.startswith("on"), \
                    f"inline event handler: <{tag} {k}={v!r}>"
                assert not v.strip().lower().startswith("javascript:"), \
                    f"javascript: URL in <{tag} {k}>"
        assert not page.find("style"), "inline <style>"
        # A visitor without a session gets a cookie for the token.
        assert c.cookies, "no pre-session cookie for the CSRF token"


def test_login_without_csrf_refused():
    with Instance() as inst:
        c = WebClient(inst)
        c.get("/login")
        for fields in [{"name": ADMIN_NAME, "password": ADMIN_PASSWORD},
                       {"name": ADMIN_NAME, "password": ADMIN_PASSWORD,
                        "csrf": ""},
                       {"name": ADMIN_NAME, "password": ADMIN_PASSWORD,
                        "csrf": "A" * 43}]:
            r = c.post_form("/login", fields)
            assert r.status == 403, f"POST /login with csrf " \
                                    f"{fields.get('csrf')!r}: {r}"
            assert session_cookie(r) is None or session_cookie(r)[0] == "", \
                f"403 set a session: {r.headers['set-cookie']}"
        # A token from another visitor's page does not work either.
        other = WebClient(inst)
        token = find_csrf(other.get("/login").text)
        r = c.post_form("/login", {"csrf": token, "name": ADMIN_NAME,
                                   "password": ADMIN_PASSWORD})
        assert r.status == 403, f"another visitor's csrf accepted: {r}"
        # Without any cookie at all.
        fresh = WebClient(inst)
        r = fresh.post_form("/login", {"csrf": token, "name": ADMIN_NAME,
                                       "password": ADMIN_PASSWORD})
        assert r.status == 403, f"csrf without its cookie accepted: {r}"
        # Nothing above logged anyone in.
        r = c.get("/home")
        assert redirect_path(r) == "/login", r


def test_login_wrong_password_form():
    with Instance() as inst:
        c = WebClient(inst)
        page = c.get("/login").text
        secret = "wrong-but-secret-guess"
        r = c.post_form("/login", {"csrf": find_csrf(page),
                                   "name": ADMIN_NAME, "password": secret})
        assert r.status == 200, r
        assert session_cookie(r) is None or session_cookie(r)[0] == "", \
            r.headers["set-cookie"]
        text = r.text
        assert input_value(text, "name") == ADMIN_NAME, "name not kept"
        assert input_value(text, "password") == "", "password echoed back"
        assert secret not in text, "the password is in the page"
        errpage = Html(text)
        assert errpage.find(attrs={"role": "alert"}) or \
            errpage.find(attrs={"class": "error"}), (
                f"no error shown: {errpage.text}")
        assert visible_text(text) != visible_text(page), "no message shown"
        # The form still works after the error.
        r = c.post_form("/login", {"csrf": find_csrf(text),
                                   "name": ADMIN_NAME,
                                   "password": ADMIN_PASSWORD})
        assert redirect_path(r) == "/home", r


def test_login_and_session_cookie():
    with Instance() as inst:
        c = WebClient(inst)
        r = c.get("/home")
        assert redirect_path(r) == "/login", r
        page = c.get("/login").text
        before = dict(c.cookies)
        r = c.post_form("/login", {"csrf": find_csrf(page),
                                   "name": ADMIN_NAME,
                                   "password": ADMIN_PASSWORD})
        assert r.status == 303, r
        assert redirect_path(r) == "/home", r
        sc = session_cookie(r)
        assert sc and sc[0], f"no lk_session cookie: {r.headers}"
        value, attrs = sc
        assert "httponly" in attrs, f"lk_session without HttpOnly: {attrs}"
        assert attrs.get("samesite", "").lower() == "strict", attrs
        assert attrs.get("path") == "/", attrs
        # A new session, not the pre-session token promoted (fixation).
        assert value not in before.values(), "session id not renewed"
        r = c.get("/home")
        assert r.status == 200, r
        assert r.headers.get("content-type", "").startswith("text/html")
        # API routes authenticate by bearer token only, never by cookie.
        st, j = inst.json_request("GET", "/api/v1/me",
                                  headers={"Cookie": f"lk_session={value}"})
        assert st == 401, (st, j)


def test_languages():
    with Instance() as inst:
        en = WebClient(inst).get("/login")
        assert html_lang(en.text) == "en"
        for query, want in [("fr", "fr"), ("zh-Hans", "zh-Hans"),
                            ("en", "en")]:
            r = WebClient(inst).get("/login?lang=" + query)
            assert r.status == 200, r
            assert html_lang(r.text) == want, (query, html_lang(r.text))
            if want != "en":
                assert visible_text(r.text) != visible_text(en.text), (
                    f"?lang={query}: the page is not translated")
        fr = WebClient(inst).get("/login?lang=fr")
        for al, want in [("fr-CA,fr;q=0.9", "fr"),
                         ("de-DE,zh-Hans;q=0.8,en;q=0.5", "zh-Hans"),
                         ("de-DE,de;q=0.9", "en"),
                         ("en-GB,fr;q=0.9", "en")]:
            r = WebClient(inst, headers={"Accept-Language": al}).get("/login")
            assert r.status == 200, r
            assert html_lang(r.text) == want, (al, html_lang(r.text))
        r = WebClient(inst, headers={"Accept-Language": "fr-CA,fr;q=0.9"}) \
            .get("/login")
        assert visible_text(r.text) == visible_text(fr.text)
        # ?lang= wins over Accept-Language.
        c = WebClient(inst, headers={"Accept-Language": "fr"})
        r = c.get("/login?lang=zh-Hans")
        assert html_lang(r.text) == "zh-Hans"


def test_logout():
    with Instance() as inst:
        c = WebClient(inst)
        c.login(ADMIN_NAME, ADMIN_PASSWORD)
        old = c.cookies["lk_session"]
        home = c.get("/home")
        assert home.status == 200, home
        # Without the token, logout is refused and the session lives.
        r = c.post_form("/logout", {})
        assert r.status == 403, r
        assert c.get("/home").status == 200
        r = c.post_form("/logout", {"csrf": find_csrf(home.text)})
        assert redirect_path(r) in ("/login", "/"), r
        r = c.get("/home")
        assert redirect_path(r) == "/login", r
        # The old cookie is dead on the server, not only in this browser.
        replay = WebClient(inst)
        replay.cookies["lk_session"] = old
        r = replay.get("/home")
        assert redirect_path(r) == "/login", f"session survives logout: {r}"


if __name__ == "__main__":
    lookout_test.main()

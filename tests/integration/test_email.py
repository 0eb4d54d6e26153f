"""Alerts by email: members choose regions and an address; publishing an
alert queues one message per subscriber in the same transaction, and the
sender delivers each exactly once to a real SMTP server (Postfix's
smtp-sink on loopback), in the member's language, with a way to stop."""

import time
import urllib.parse
from email import policy
from email.parser import BytesParser

import lookout_test
from lookout_test import Instance, SmtpSink, WebClient, find_form

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"), ("ca-on", "Ontario", "ca")]
PW = "a long enough password"
STAFF = ("owen", "outreach", PW, ["ca"])
SUBS = "/api/v1/me/subscriptions"
PUBLIC = "https://lookout.test"
SUBJECTS = {"en": "New safety alert", "fr": "Nouvelle alerte de sécurité",
            "zh-Hans": "新的安全提醒"}


def conf(port):
    return (f"smtp_url = smtp://127.0.0.1:{port}\n"
            f"smtp_from = Lookout alerts <alerts@lookout.test>\n"
            f"public_url = {PUBLIC}/\n")


def publish(inst, staff, summary, region="ca-bc-van"):
    st, rep = inst.json_request("POST", "/api/v1/reports", {
        "types": ["violence", "threats"], "occurred_on": "2026-11-20",
        "region": region, "consent": {"alert": True, "police": "none",
                                      "share_orgs": False}},
        token=staff, expect=201)
    st, al = inst.json_request(
        "POST", f"/api/v1/reports/{rep['id']}/alert",
        {"summary": summary, "severity": "high", "regions": [region],
         "identifiers": []}, token=staff, expect=201)
    return al["alert_id"]


def parse(raw):
    return BytesParser(policy=policy.default).parsebytes(raw)


def by_recipient(raws):
    out = {}
    for raw in raws:
        m = parse(raw)
        rcpt = m["X-Rcpt-Args"].strip("<>")
        assert rcpt not in out, f"{rcpt} got two messages"
        out[rcpt] = m
    return out


def metric(inst, state):
    text = inst.request("GET", "/metrics").text
    key = f'lookout_outbox_messages_total{{state="{state}"}} '
    for line in text.splitlines():
        if line.startswith(key):
            return int(line[len(key):])
    raise AssertionError(f"no {key!r} in /metrics:\n{text[-2000:]}")


def wait_for(what, cond, timeout=30):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_delivered_in_her_language_with_a_way_to_stop():
    members = [("ana", "member", PW, ["ca"]),            # the country
               ("fifi", "member", PW, ["ca-bc-van"]),    # the city
               ("mei", "member", PW, ["ca-bc"]),         # the province
               ("otto", "member", PW, ["ca-on"]),        # elsewhere
               ("nomail", "member", PW, ["ca-bc-van"])]  # no address
    with SmtpSink() as sink:
        sink.start()
        with Instance(regions=REGIONS, users=members + [STAFF],
                      conf=conf(sink.port)) as inst:
            tok = {u[0]: inst.login(u[0], PW) for u in members}
            staff = inst.login(STAFF[0], STAFF[2])
            # English by default; French from her browser's language;
            # Chinese by the lang field.
            inst.json_request("PUT", SUBS, {"regions": ["ca"],
                              "email": "ana@example.org"},
                              token=tok["ana"], expect=200)
            r = inst.request("PUT", SUBS, {"regions": ["ca-bc-van"],
                             "email": " Fifi@Example.org "},
                             token=tok["fifi"],
                             headers={"Accept-Language": "fr-CA,fr;q=0.9"})
            assert r.status == 200, r
            assert r.json() == {"regions": ["ca-bc-van"],
                                "email": "Fifi@Example.org", "sms": "",
                                "lang": "fr"}, r.json()
            inst.json_request("PUT", SUBS, {"regions": ["ca-bc"],
                              "email": "mei@example.org", "lang": "zh-Hans"},
                              token=tok["mei"], expect=200)
            inst.json_request("PUT", SUBS, {"regions": ["ca-on"],
                              "email": "otto@example.org"},
                              token=tok["otto"], expect=200)

            summary = "grey Civic, followed a worker <b>home</b>"
            publish(inst, staff, summary)
            got = by_recipient(sink.wait(3))
            assert set(got) == {"ana@example.org", "Fifi@Example.org",
                                "mei@example.org"}, list(got)
            langs = {"ana@example.org": "en", "Fifi@Example.org": "fr",
                     "mei@example.org": "zh-Hans"}
            links = {}
            for rcpt, m in got.items():
                lang = langs[rcpt]
                assert m["To"] == f"<{rcpt}>" or m["To"] == rcpt, m["To"]
                assert m["X-Mail-Args"].startswith("<alerts@lookout.test>")
                assert m["From"] == "Lookout alerts <alerts@lookout.test>"
                assert m["Subject"] == SUBJECTS[lang], (lang, m["Subject"])
                assert m["MIME-Version"] == "1.0"
                assert m["Date"] and m["Message-ID"].endswith(
                    "@lookout.test>"), (m["Date"], m["Message-ID"])
                assert m.get_content_type() == "multipart/alternative"
                text = m.get_body(preferencelist=("plain",))
                html = m.get_body(preferencelist=("html",))
                assert text is not None and html is not None, m
                assert text.get_content_charset() == "utf-8"
                text, html = text.get_content(), html.get_content()
                assert summary in text, text
                assert ("grey Civic, followed a worker &lt;b&gt;home"
                        "&lt;/b&gt;") in html, html
                link = m["List-Unsubscribe"].strip("<>")
                assert link.startswith(
                    f"{PUBLIC}/unsubscribe?lang={lang}&t="), link
                assert link in text, (link, text)
                assert link.replace("&", "&amp;") in html, (link, html)
                assert SUBJECTS[lang] in text and SUBJECTS[lang] in html
                assert f"{PUBLIC}/alerts" in text
                links[rcpt] = link
            fr = got["Fifi@Example.org"]
            fr_text = fr.get_body(preferencelist=("plain",)).get_content()
            assert "Gravité: Élevée" in fr_text, fr_text
            assert "Pour ne plus recevoir ces courriels" in fr_text
            zh_text = got["mei@example.org"].get_body(
                preferencelist=("plain",)).get_content()
            assert "严重程度: 高" in zh_text and "暴力" in zh_text, zh_text
            assert len(set(links.values())) == 3, links

            assert metric(inst, "queued") == 3
            wait_for("sent=3", lambda: metric(inst, "sent") == 3)
            assert metric(inst, "failed") == 0
            states = lookout_test.db_query(
                inst.data, "SELECT state, attempts FROM outbox")
            assert sorted(tuple(r) for r in states) == [("sent", 0)] * 3, \
                states

            # The link, as she opens it: a page that asks first.
            web = WebClient(inst)
            path = urllib.parse.urlsplit(links["Fifi@Example.org"])
            page = web.get(f"{path.path}?{path.query}")
            assert page.status == 200, page
            assert "Voulez-vous ne plus recevoir" in page.text, page.text
            form = find_form(page.text, "/unsubscribe")
            r = web.post_form("/unsubscribe", form.fields())
            assert r.status == 200, r
            assert "Vous ne recevrez plus" in r.text, r.text
            st, j = inst.json_request("GET", SUBS, token=tok["fifi"],
                                      expect=200)
            assert j["email"] == "" and j["regions"] == ["ca-bc-van"], j
            page = web.get(f"{path.path}?{path.query}")
            assert page.status == 200 and "déjà arrêtées" in page.text
            zh = urllib.parse.urlsplit(links["mei@example.org"])
            page = WebClient(inst).get(f"{zh.path}?{zh.query}")
            assert page.status == 200 and "你想停止接收邮件提醒吗" in page.text
            # A made-up or cut-short link stops nobody.
            page = web.get("/unsubscribe?lang=en&t=" + "A" * 43)
            assert page.status == 404, page
            page = web.get(f"{path.path}?{path.query[:-5]}")
            assert page.status == 404, page

            # The next alert reaches the two who still want email.
            publish(inst, staff, "second alert")
            sink.wait(5)
            time.sleep(2)
            assert len(sink.files()) == 5, sink.files()
            rcpts = sorted(parse(r)["X-Rcpt-Args"] for r in sink.messages())
            assert rcpts.count("<Fifi@Example.org>") == 1, rcpts
            assert rcpts.count("<ana@example.org>") == 2, rcpts
            assert rcpts.count("<mei@example.org>") == 2, rcpts


def test_relay_down_then_up_delivers_each_once():
    members = [("ana", "member", PW, ["ca-bc"]),
               ("bea", "member", PW, ["ca-bc-van"])]
    sink = SmtpSink()        # its port is reserved, nothing listens yet
    with sink:
        with Instance(regions=REGIONS, users=members + [STAFF],
                      conf=conf(sink.port)) as inst:
            for name, *_ in members:
                t = inst.login(name, PW)
                inst.json_request("PUT", SUBS, {
                    "regions": ["ca-bc"], "email": f"{name}@example.org"},
                    token=t, expect=200)
            staff = inst.login(STAFF[0], STAFF[2])
            publish(inst, staff, "relay is down")
            # The first try fails; both stay queued, to be retried.
            wait_for("two retries", lambda: metric(inst, "retried") >= 2)
            rows = lookout_test.db_query(
                inst.data, "SELECT state, attempts, claimed_by FROM outbox")
            assert sorted(tuple(r) for r in rows) == \
                [("queued", 1, None)] * 2, rows
            assert metric(inst, "sent") == 0

            sink.start()
            raws = sink.wait(2, timeout=90)
            time.sleep(3)
            assert len(sink.files()) == 2, sink.files()
            got = by_recipient(raws)
            assert set(got) == {"ana@example.org", "bea@example.org"}
            wait_for("sent=2", lambda: metric(inst, "sent") == 2)
            rows = lookout_test.db_query(
                inst.data, "SELECT state, attempts FROM outbox")
            assert sorted(tuple(r) for r in rows) == [("sent", 1)] * 2, rows
        # The server is gone; nothing more arrives.
        time.sleep(1)
        assert len(sink.files()) == 2, sink.files()


def test_contacts_are_checked_sealed_and_shown_only_to_her():
    members = [("ana", "member", PW, ["ca"])]
    with Instance(regions=REGIONS, users=members + [STAFF]) as inst:
        t = inst.login("ana", PW)
        st, j = inst.json_request("GET", SUBS, token=t, expect=200)
        assert j == {"regions": ["ca"], "email": "", "sms": "",
                     "lang": "en"}, j
        # Header injection: a line break in an address is refused, and
        # nothing changes.
        for field, value in (("email", "ana@example.org\r\nBcc: x@y.z"),
                             ("email", "ana@example.org\nSubject: hi"),
                             ("email", "ana@example.org\r"),
                             ("sms", "604 555 0142\r\nX: y")):
            st, j = inst.json_request("PUT", SUBS, {"regions": ["ca-on"],
                                      field: value}, token=t)
            assert st == 400 and j.get("field") == field, (value, st, j)
        for field, value in (("email", "not an address"),
                             ("email", "ana@exämple.org"),
                             ("sms", "555"), ("lang", "de")):
            st, j = inst.json_request("PUT", SUBS, {"regions": ["ca-on"],
                                      field: value}, token=t)
            assert st == 400 and j.get("field") == field, (value, st, j)
        st, j = inst.json_request("GET", SUBS, token=t, expect=200)
        assert j["regions"] == ["ca"] and j["email"] == "", j

        st, j = inst.json_request("PUT", SUBS, {
            "regions": ["ca-bc"], "email": "ana.secret@example.org",
            "sms": "+1 (604) 555-0142", "lang": "fr"}, token=t, expect=200)
        assert j == {"regions": ["ca-bc"], "email": "ana.secret@example.org",
                     "sms": "+16045550142", "lang": "fr"}, j
        # Leaving a contact out keeps it; "" removes it.
        st, j = inst.json_request("PUT", SUBS, {"regions": ["ca"],
                                  "sms": ""}, token=t, expect=200)
        assert j == {"regions": ["ca"], "email": "ana.secret@example.org",
                     "sms": "", "lang": "fr"}, j
        staff = inst.login(STAFF[0], STAFF[2])
        st, j = inst.json_request("GET", SUBS, token=staff)
        assert st == 403, (st, j)
        reads = lookout_test.db_query(
            inst.data, "SELECT COUNT(*) FROM audit "
            "WHERE action = 'subscription.read'")
        assert reads[0][0] >= 2, reads
        # At rest, with the server gone: no contact in the clear.
        inst.stop()
        for path in lookout_test.stored_files(inst.data):
            with open(path, "rb") as f:
                data = f.read()
            assert b"ana.secret" not in data, path
            assert b"6045550142" not in data, path


def test_smtp_settings_are_checked_at_start():
    with Instance(regions=REGIONS, start=False,
                  conf="smtp_url = smtp://127.0.0.1:2525\n") as inst:
        try:
            inst.start()
        except AssertionError:
            pass
        else:
            raise AssertionError("serve started with smtp_url but no "
                                 "smtp_from")
        assert "smtp_from" in inst.server_log(), inst.server_log()
    with Instance(regions=REGIONS, start=False,
                  conf="smtp_url = http://127.0.0.1:2525\n"
                       "smtp_from = a@b.c\n") as inst:
        try:
            inst.start()
        except AssertionError:
            pass
        else:
            raise AssertionError("serve started with an http:// smtp_url")
        assert "smtp://" in inst.server_log(), inst.server_log()


if __name__ == "__main__":
    lookout_test.main()

"""Health, metrics, 404s, security headers on every response, and a battery
of malformed requests that must never cause a 500."""

import re
import time

import lookout_test
from lookout_test import ADMIN_NAME, ADMIN_PASSWORD, Html, Instance

REGIONS = [("ca", "Canada")]


def check_security_headers(r, what):
    h = r.headers
    csp = h.get("content-security-policy", "")
    assert "default-src 'self'" in csp, f"{what}: CSP {csp!r}"
    assert "frame-ancestors 'none'" in csp, f"{what}: CSP {csp!r}"
    assert h.get("referrer-policy", "").lower() == "no-referrer", (
        f"{what}: Referrer-Policy {h.get('referrer-policy')!r}")
    assert h.get("x-content-type-options", "").lower() == "nosniff", (
        f"{what}: X-Content-Type-Options {h.get('x-content-type-options')!r}")


def test_healthz():
    with Instance() as inst:
        r = inst.request("GET", "/healthz")
        assert r.status == 200, r
        assert r.body.strip() == b"ok", r
        assert r.headers.get("content-type", "").startswith("text/plain"), \
            r.headers


def metric_total(text, name):
    total = 0.0
    for m in re.finditer(r"^" + re.escape(name) +
                         r"(\{[^}]*\})?\s+([0-9.eE+-]+)\s*$", text, re.M):
        total += float(m.group(2))
    return total


def metrics_until(inst, ok, timeout=3.0):
    """GET /metrics until ok(text) holds. Requests are counted when MHD
    reports them complete, which can be just after the client has read
    the answer, so a count may lag by a moment."""
    deadline = time.monotonic() + timeout
    while True:
        r = inst.request("GET", "/metrics")
        assert r.status == 200, r
        if ok(r.text) or time.monotonic() > deadline:
            return r
        time.sleep(0.05)


SAMPLE_RE = re.compile(r"^lookout_http_requests_total\{[^}]*\}\s+\d", re.M)


def test_metrics():
    with Instance() as inst:
        assert inst.healthy()
        r = metrics_until(inst, SAMPLE_RE.search)
        assert r.headers.get("content-type", "").startswith("text/plain"), \
            r.headers
        text = r.text
        assert SAMPLE_RE.search(text), (
            f"no lookout_http_requests_total sample after a request:\n"
            f"{text}")
        assert re.search(r'^\w+_bucket\{[^}]*le="[^"]+"[^}]*\}\s+\d', text,
                         re.M), f"no histogram _bucket line:\n{text}"
        assert re.search(r'^\w+_bucket\{[^}]*le="\+Inf"', text, re.M), \
            f"no +Inf bucket:\n{text}"
        assert re.search(r"^# TYPE lookout_http_requests_total counter",
                         text, re.M), f"no TYPE line for the counter:\n{text}"
        before = metric_total(text, "lookout_http_requests_total")
        for _ in range(5):
            assert inst.healthy()
        # The 5 requests, plus the /metrics request that read "before".
        r = metrics_until(inst, lambda t: metric_total(
            t, "lookout_http_requests_total") >= before + 6)
        after = metric_total(r.text, "lookout_http_requests_total")
        assert after >= before + 6, (before, after)


def test_not_found():
    with Instance() as inst:
        for path in ["/api/v1/nope", "/api/v1/reports/x/y/z", "/api/nope"]:
            r = inst.request("GET", path)
            assert r.status == 404, f"{path}: {r}"
            assert r.json().get("error"), f"{path}: {r}"
        for path in ["/nope", "/login/extra", "/static/../../etc/passwd",
                     "/%2e%2e/%2e%2e/etc/passwd"]:
            r = inst.request("GET", path)
            assert r.status in (400, 404), f"{path}: {r}"
            assert r.headers.get("content-type", "").startswith("text/html"),\
                f"{path}: {r.headers}"
            assert b"<html" in r.body.lower(), f"{path}: {r}"
            assert b"root:" not in r.body, f"{path} served /etc/passwd"


def test_security_headers_everywhere():
    with Instance() as inst:
        token = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        page = inst.request("GET", "/login")
        assert page.status == 200, page
        html = Html(page.text)
        assets = sorted({a.get("href") or a.get("src")
                         for a in html.find_all("link") + html.find_all(
                             "script")
                         if (a.get("href") or a.get("src") or
                             "").startswith("/")})
        assets = [a.split("?")[0] for a in assets]
        assert assets, f"/login links no static stylesheet or script:\n" \
                       f"{page.text[:2000]}"
        checks = [
            ("GET", "/login", None, None),
            ("GET", "/", None, None),
            ("GET", "/nope", None, None),
            ("GET", "/api/v1/nope", None, None),
            ("GET", "/api/v1/me", None, None),          # 401
            ("GET", "/api/v1/me", None, token),         # 200
            ("POST", "/api/v1/login", {"name": ADMIN_NAME,
                                       "password": ADMIN_PASSWORD}, None),
            ("POST", "/api/v1/login", b"{", None),       # 400
            ("GET", "/api/v1/login", None, None),       # 405
            ("GET", "/healthz", None, None),
            ("GET", "/metrics", None, None),
        ] + [("GET", a, None, None) for a in assets]
        for method, path, body, tok in checks:
            r = inst.request(method, path, body, token=tok)
            assert r.status < 500, f"{method} {path}: {r}"
            check_security_headers(r, f"{method} {path} ({r.status})")
        for a in assets:
            r = inst.request("GET", a)
            assert r.status == 200, f"{a}: {r}"
            ctype = r.headers.get("content-type", "")
            if a.endswith(".css"):
                assert ctype.startswith("text/css"), f"{a}: {ctype!r}"
            elif a.endswith(".js"):
                assert "javascript" in ctype, f"{a}: {ctype!r}"
        # A 413, raw.
        r = inst.request("POST", "/api/v1/login",
                         b'{"name": "' + b"x" * (300 * 1024) + b'"}')
        assert r.status == 413, r
        check_security_headers(r, "413")


# Bodies for POST /api/v1/login; none is a valid login.
DEEP_ARRAY = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
VERY_DEEP = b"[" * 100000 + b"]" * 100000
LOGIN_BATTERY = [
    b"{",
    b"}",
    b'{"name":}',
    b'{"name": "admin" "password": "x"}',
    b"[]",
    b"null",
    b"0",
    b'"just a string"',
    b"\xef\xbb\xbf{}",                                  # BOM
    b"\x00\x00\x00\x00",
    b'{"name": "ad\x00min", "password": "correct horse battery"}',
    b'{"name": "ad\\u0000min", "password": "correct horse battery"}',
    b'{"name\\u0000": "admin", "password": "correct horse battery"}',
    b'{"name": "\\ud800", "password": "correct horse battery"}',
    b'{"name": "admin", "password": "correct horse battery\\u0000x"}',
    DEEP_ARRAY,
    DEEP_OBJECT,
    VERY_DEEP,
    b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b', "password": "x"}',
    b'{"name": 1e999999, "password": "x"}',
    b'{"name": -1e999999, "password": "x"}',
    b'{"name": 123456789012345678901234567890123456789, "password": "x"}',
    b'{"name": "admin", "password": ' + b"9" * 5000 + b"}",
    b'{"name": 0.0000000000000000000000000000000001e-999999, '
    b'"password": "x"}',
    b'{"name": NaN, "password": "x"}',
    b'{"name": Infinity, "password": "x"}',
    b'{"name": 123, "password": "correct horse battery"}',
    b'{"name": ["admin"], "password": "correct horse battery"}',
    b'{"name": {"first": "admin"}, "password": "correct horse battery"}',
    b'{"name": null, "password": "correct horse battery"}',
    b'{"name": true, "password": "correct horse battery"}',
    b'{"name": "admin", "password": 12345678901}',
    b'{"name": "admin", "password": ["correct horse battery"]}',
    b'{"name": "' + b"a" * 100000 + b'", "password": "x"}',
    b'{"name": "admin\\n\\r\\t", "password": "x"}',
    b'{"name": "\\u202eadmin", "password": "x"}',
    b'{"name": "admin", "password": "x", ' +
    b", ".join(b'"k%d": %d' % (i, i) for i in range(1000)) + b"}",
]
# Duplicate keys may be refused (400) or resolved; never a 500.
DUPLICATES = [
    b'{"name": "admin", "name": "admin", "password": "x"}',
    b'{"name": "admin", "password": "x", "password": "correct horse '
    b'battery"}',
    b'{"name": "admin", "password": "correct horse battery", "password": '
    b'"x"}',
]


def test_malformed_requests_no_500():
    with Instance(regions=REGIONS) as inst:
        admin = inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        failures = []

        def expect(r, what, lo=400, hi=499):
            if r is None:
                failures.append(f"{what}: connection closed without an "
                                f"answer")
            elif not lo <= r.status <= hi:
                failures.append(f"{what}: status {r.status} {r.body[:200]!r}")

        for body in LOGIN_BATTERY:
            r = inst.request("POST", "/api/v1/login", body)
            expect(r, f"login body {body[:60]!r}", 400, 429)
            if r.status == 400 and not r.json().get("error"):
                failures.append(f"login body {body[:60]!r}: 400 without error")
        for body in DUPLICATES:
            r = inst.request("POST", "/api/v1/login", body)
            expect(r, f"login body {body[:60]!r}", 200, 429)

        # An authenticated route with a richer body.
        users = "/api/v1/users"
        for body in [
            {"role": 5, "name": "n1", "password": "long enough password",
             "regions": []},
            {"role": "member", "name": "n2", "password": "long enough "
             "password", "regions": "ca"},
            {"role": "member", "name": "n3", "password": "long enough "
             "password", "regions": [1, 2]},
            {"role": "member", "name": "n4", "password": "long enough "
             "password", "regions": [None]},
            {"role": "member", "name": "n5", "password": "long enough "
             "password", "regions": [["ca"]]},
            {"role": "member", "name": "n6", "password": "long enough "
             "password", "regions": ["ca"] * 1000},
            {"role": "member", "name": "n7", "password": "p" * 100000,
             "regions": []},
            {"role": "member", "name": "n8\u0000", "password": "long enough "
             "password", "regions": []},
            {"role": "member", "name": "n9\u0007", "password": "long enough "
             "password", "regions": []},
            b'{"role": "member", "name": "n10", "password": "long enough '
            b'password", "regions": [1e999]}',
            b'{"role": "member", "name": "n11", "password": "long enough '
            b'password", "regions": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        ]:
            r = inst.request("POST", users, body, token=admin)
            expect(r, f"users body {str(body)[:80]}", 400, 413)

        # Forms with broken encoding.
        for body in [b"csrf=%ZZ&name=admin", b"name=%00admin&password=x",
                     b"name=%ff%fe&password=x", b"&&&===&&&",
                     b"name=" + b"a" * 300000, b"name=a\x00b&password=x"]:
            r = inst.request("POST", "/login", body, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            expect(r, f"form body {body[:60]!r}", 400, 429)

        # Query strings.
        for path in ["/api/v1/me?%ZZ", "/api/v1/me?x=%00",
                     "/login?lang=%ff", "/login?lang=" + "a" * 1500,
                     "/login?lang=fr&lang=en", "/healthz?x=1"]:
            r = inst.request("GET", path, token=admin)
            expect(r, f"GET {path[:60]}", 200, 499)

        # Raw requests the HTTP client library will not send.
        raw = [
            b"GET /heal\x00thz HTTP/1.1\r\nHost: x\r\n"
            b"Connection: close\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n"
            b"Connection: close\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 +
            b"\r\nConnection: close\r\n\r\n",
            b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n"
            b"Connection: close\r\n\r\n",
            b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nContent-Length: -1\r\nConnection: close"
            b"\r\n\r\n{}",
            b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nContent-Length: abc\r\nConnection: close"
            b"\r\n\r\n{}",
            b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nContent-Length: 99999999999999999999\r\n"
            b"Connection: close\r\n\r\n{}",
            b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/json\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n" +
            b"".join(b"1\r\n[\r\n" for _ in range(2000)) + b"0\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: lk_session=\x01\x02"
            b"; lk_lang=\xff\r\nConnection: close\r\n\r\n",
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            b"\xff\xfe\x00\r\nConnection: close\r\n\r\n",
            b"GET /login HTTP/1.1\r\nHost: x\r\nAccept-Language: " +
            b"fr;q=0.9," * 500 + b"\r\nConnection: close\r\n\r\n",
            b"GET /login HTTP/1.1\r\nHost: x\r\nAccept-Language: ;;;,,,q=;"
            b"\r\nConnection: close\r\n\r\n",
        ]
        for data in raw:
            r = inst.raw(data)
            # The server may close on garbage; if it answers, not a 5xx.
            if r is not None and r.status >= 500:
                failures.append(f"raw {data[:60]!r}: status {r.status}")

        assert not failures, "\n".join(failures)
        # Still alive and still correct.
        assert inst.healthy()
        inst.login(ADMIN_NAME, ADMIN_PASSWORD)
        st, j = inst.json_request("GET", "/api/v1/me", token=admin,
                                  expect=200)
        assert j["role"] == "admin", j
        log = inst.server_log()
        lookout_test.note(f"server log has {len(log.splitlines())} lines")


def test_largest_request_head():
    """A request with LIMIT_HEADER_BYTES of headers (as lookout counts
    them: name, value and 4 for each) and a target of LIMIT_URL_BYTES
    fits libmicrohttpd's connection pool and is answered by lookout; a
    byte more of headers is 431."""
    header_limit, url_limit = 8192, 2048
    with Instance(regions=REGIONS) as inst:
        tok = inst.login(ADMIN_NAME, ADMIN_PASSWORD)

        def head(total):
            path = "/healthz?" + "q" * (url_limit - len("/healthz?"))
            fixed = [("Host", "127.0.0.1"),
                     ("Authorization", "Bearer " + tok)]
            used = sum(len(k) + len(v) + 4 for k, v in fixed)
            extra, i = [], 0
            while total - used > 300:
                extra.append((f"X-F{i:03d}", "v" * 200))
                used += len(extra[-1][0]) + 200 + 4
                i += 1
            extra.append(("X-Pad", "p" * (total - used - len("X-Pad") - 4)))
            lines = [f"GET {path} HTTP/1.1"] + \
                [f"{k}: {v}" for k, v in fixed + extra]
            assert sum(len(k) + len(v) + 4 for k, v in fixed + extra) == \
                total
            return ("\r\n".join(lines) + "\r\n\r\n").encode()

        # lookout's own answer: /healthz takes no query.
        r = inst.raw(head(header_limit), timeout=5)
        assert r is not None and r.status == 400, r
        assert b"unknown query parameter" in r.body, r.body[:200]
        check_security_headers(r, "largest head")
        r = inst.raw(head(header_limit + 1), timeout=5)
        assert r is not None and r.status == 431, r


if __name__ == "__main__":
    lookout_test.main()

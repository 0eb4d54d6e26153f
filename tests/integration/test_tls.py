"""lookout serve --tls-cert FILE --tls-key FILE: HTTPS with TLS 1.2 and
1.3 only, through libmicrohttpd's GnuTLS support, under the sandbox.

The certificate is self-signed, made with the openssl command in the
test's temporary dir; the client verifies it (and the name 127.0.0.1)
with Python's ssl module."""

import http.client
import os
import socket
import ssl
import subprocess
import sys
import threading
import urllib.parse
import warnings

import lookout_test
from lookout_test import (Instance, Response, _headers_dict, find_csrf,
                          note, parse_set_cookie, redirect_path)

MEMBER = ("Mia", "member", "mia's long password", [])


def make_cert(directory, name="server"):
    cert = os.path.join(directory, name + ".crt")
    key = os.path.join(directory, name + ".key")
    p = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2",
         "-subj", "/CN=lookout test",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        capture_output=True, text=True)
    assert p.returncode == 0, f"openssl req failed: {p.stderr}"
    return cert, key


def client_context(cert, minimum=None, maximum=None, legacy=False):
    ctx = ssl.create_default_context(cafile=cert)
    with warnings.catch_warnings():
        # TLSv1 and TLSv1_1 are deprecated names; here that is the point.
        warnings.simplefilter("ignore", DeprecationWarning)
        if legacy:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        if minimum is not None:
            ctx.minimum_version = minimum
        if maximum is not None:
            ctx.maximum_version = maximum
    return ctx


def https(inst, ctx, method, path, body=None, headers=None):
    """One request over TLS; returns (Response, negotiated version)."""
    conn = http.client.HTTPSConnection(inst.host, inst.port, context=ctx,
                                       timeout=lookout_test.HTTP_TIMEOUT)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        version = conn.sock.version() if conn.sock else None
        return Response(r.status, _headers_dict(r.getheaders()),
                        data), version
    finally:
        conn.close()


class TlsInstance(Instance):
    def __init__(self, **kw):
        super().__init__(start=False, **kw)

    def __enter__(self):
        super().__enter__()
        try:
            self.cert, self.key = make_cert(self.tmp)
            self.start(args=["--tls-cert", self.cert,
                             "--tls-key", self.key])
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self


def test_https_healthz_verified_and_sandboxed():
    with TlsInstance() as inst:
        with open(inst.out_path) as f:
            assert f"listening on https://127.0.0.1:{inst.port}" in f.read()
        r, version = https(inst, client_context(inst.cert), "GET",
                           "/healthz")
        assert r.status == 200, r
        assert version in ("TLSv1.2", "TLSv1.3"), version
        with open(f"/proc/{inst.proc.pid}/status") as f:
            assert "Seccomp:\t2" in f.read(), "TLS serve is not sandboxed"


def test_login_cookies_are_secure():
    with TlsInstance(users=[MEMBER]) as inst:
        ctx = client_context(inst.cert)
        origin = f"https://127.0.0.1:{inst.port}"
        page, _ = https(inst, ctx, "GET", "/login")
        assert page.status == 200, page
        cookies = {}
        for sc in page.headers["set-cookie"]:
            name, val, attrs = parse_set_cookie(sc)
            assert "secure" in attrs, f"cookie without Secure: {sc!r}"
            cookies[name] = val
        form = urllib.parse.urlencode({
            "csrf": find_csrf(page.text), "name": MEMBER[0],
            "password": MEMBER[2]}).encode()
        r, _ = https(inst, ctx, "POST", "/login", form, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        assert redirect_path(r) == "/home", r
        names = []
        for sc in r.headers["set-cookie"]:
            name, val, attrs = parse_set_cookie(sc)
            names.append(name)
            assert "secure" in attrs, f"cookie without Secure: {sc!r}"
            assert "httponly" in attrs, sc
        assert "lk_session" in names, r.headers

        # The API over TLS too.
        body = ('{"name": "%s", "password": "%s"}' %
                (MEMBER[0], MEMBER[2])).encode()
        r, _ = https(inst, ctx, "POST", "/api/v1/login", body,
                     headers={"Content-Type": "application/json"})
        assert r.status == 200 and r.json().get("token"), r


def test_plain_server_cookies_are_not_secure():
    """Without TLS (and without an https public_url) a Secure cookie
    would never come back: the flag follows the transport."""
    with Instance() as inst:
        r = inst.request("GET", "/login")
        for sc in r.headers["set-cookie"]:
            assert "secure" not in parse_set_cookie(sc)[2], sc
    with Instance(conf="public_url = https://lookout.example.org\n") as inst:
        r = inst.request("GET", "/login")
        assert r.headers["set-cookie"], r.headers
        for sc in r.headers["set-cookie"]:
            assert "secure" in parse_set_cookie(sc)[2], sc


def test_tls_versions():
    with TlsInstance() as inst:
        for v, want in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"),
                        (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
            r, got = https(inst, client_context(inst.cert, v, v),
                           "GET", "/healthz")
            assert r.status == 200 and got == want, (r, got, want)

        old = client_context(inst.cert, ssl.TLSVersion.TLSv1,
                             ssl.TLSVersion.TLSv1_1, legacy=True)
        if not legacy_client_works(inst.cert, inst.key, old):
            lookout_test.skip("this Python's OpenSSL cannot speak TLS 1.1 "
                              "even at SECLEVEL=0, so the refusal cannot be "
                              "seen; TLS 1.2 and 1.3 were checked")
        try:
            r, got = https(inst, old, "GET", "/healthz")
        except (ssl.SSLError, ConnectionError, OSError) as ex:
            note(f"TLS 1.1 refused as it should be: {ex!r}")
        else:
            raise AssertionError(f"lookout accepted {got}: {r}")
        # And the server is still fine.
        r, _ = https(inst, client_context(inst.cert), "GET", "/healthz")
        assert r.status == 200, r


def legacy_client_works(cert, key, ctx):
    """The control for the TLS 1.1 refusal: can ctx complete a TLS 1.1
    handshake at all, with a Python server that allows it?"""
    srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    srv.load_cert_chain(cert, key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        srv.set_ciphers("DEFAULT:@SECLEVEL=0")
        srv.minimum_version = ssl.TLSVersion.TLSv1
        srv.maximum_version = ssl.TLSVersion.TLSv1_1
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(10)

    def serve():
        try:
            c, _ = ls.accept()
            with srv.wrap_socket(c, server_side=True) as s:
                s.recv(1)
        except (OSError, ssl.SSLError):
            pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        with socket.create_connection(ls.getsockname(), timeout=10) as c:
            with ctx.wrap_socket(c, server_hostname="127.0.0.1") as s:
                return s.version() == "TLSv1.1"
    except (OSError, ssl.SSLError):
        return False
    finally:
        t.join(10)
        ls.close()


def test_plain_http_to_the_tls_port_fails():
    with TlsInstance() as inst:
        r = None
        try:
            r = inst.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                         b"Connection: close\r\n\r\n", timeout=5)
        except AssertionError as ex:
            note(f"not an HTTP response, as it should be: {ex}")
        assert r is None or not 200 <= r.status < 300, (
            f"plain HTTP got an answer on the TLS port: {r}")
        r, _ = https(inst, client_context(inst.cert), "GET", "/healthz")
        assert r.status == 200, r


def test_tls_flag_errors():
    with Instance(start=False) as inst:
        cert, key = make_cert(inst.tmp)
        other_cert, other_key = make_cert(inst.tmp, "other")

        def serve(*args):
            return lookout_test.run_cli(
                ["serve", "--data", inst.data, "--listen", "127.0.0.1:0"] +
                list(args), timeout=lookout_test.START_TIMEOUT)

        rc, out, err = serve("--tls-cert", cert)
        assert rc == 2, (rc, err)
        rc, out, err = serve("--tls-key", key)
        assert rc == 2, (rc, err)
        rc, out, err = serve("--tls-cert", cert, "--tls-key",
                             os.path.join(inst.tmp, "missing.key"))
        assert rc == 1 and "missing.key" in err, (rc, err)
        # Any file that is not PEM (the key file: there is no lookout.db
        # on PostgreSQL).
        rc, out, err = serve("--tls-cert", inst.key_path, "--tls-key", key)
        assert rc == 1 and "not a PEM file" in err, (rc, err)
        rc, out, err = serve("--tls-cert", cert, "--tls-key", other_key)
        assert rc == 1 and "belongs to the certificate" in err, (rc, err)
        assert "listening" not in out, out


if __name__ == "__main__":
    lookout_test.main()

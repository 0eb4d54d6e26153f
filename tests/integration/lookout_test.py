"""lookout_test: the harness for lookout's integration tests.

Each tests/integration/test_*.py is one ctest case. It defines functions
named test_*, each of which drives the real binary ($LOOKOUT_BIN) on
loopback with a temporary data dir, and ends with

    if __name__ == "__main__":
        lookout_test.main()

Standard library only: the tests must run on a bare Python 3.11.

Debugging: LOOKOUT_KEEP=1 keeps the temporary dirs; running a test file
with test names as arguments runs only those.
"""

import http.client
import inspect
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from html.parser import HTMLParser

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "correct horse battery"
START_TIMEOUT = 20
STOP_TIMEOUT = 10
CLI_TIMEOUT = 60
HTTP_TIMEOUT = 30

LISTEN_RE = re.compile(r"listening on http://(\[[^\]]+\]|[^\s/:]+):(\d+)")

# Text printed after a failing test's traceback (server logs and so on).
_notes = []


def note(text):
    """Attach text to the current test's report, shown if it fails."""
    _notes.append(text)


def binary():
    path = os.environ.get("LOOKOUT_BIN")
    if not path:
        raise AssertionError("LOOKOUT_BIN is not set (run the tests through "
                             "ctest, or export it to the built binary)")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"LOOKOUT_BIN '{path}' is not an executable")
    return path


def run_cli(args, stdin=None, env=None, timeout=CLI_TIMEOUT):
    """Run `lookout ARGS`; returns (rc, stdout, stderr) as text.

    stdin is a str (or None for an empty stdin). env entries are added to
    the environment; a value of None removes that variable.
    """
    e = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    try:
        p = subprocess.run([binary()] + list(args),
                           input=stdin if stdin is not None else "",
                           capture_output=True, text=True, env=e,
                           timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired as ex:
        raise AssertionError(f"lookout {' '.join(args)} did not finish in "
                             f"{timeout}s; stdout={ex.stdout!r} "
                             f"stderr={ex.stderr!r}") from None
    return p.returncode, p.stdout, p.stderr


def cli_ok(args, stdin=None, env=None):
    rc, out, err = run_cli(args, stdin, env)
    assert rc == 0, (f"lookout {' '.join(args)} exited {rc}, expected 0\n"
                     f"stdout: {out}\nstderr: {err}")
    return out, err


class Response:
    """An HTTP response. Unpacks as (status, headers, body).

    headers maps lower-cased names to values; repeated headers are joined
    with ", ", except set-cookie, which is always a list.
    """

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __iter__(self):
        return iter((self.status, self.headers, self.body))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        ctype = self.headers.get("content-type", "")
        assert ctype.startswith("application/json"), (
            f"expected a JSON response, got content-type {ctype!r} "
            f"(status {self.status}): {self.body[:500]!r}")
        try:
            return json.loads(self.body)
        except ValueError as ex:
            raise AssertionError(f"response is not valid JSON ({ex}): "
                                 f"{self.body[:500]!r}") from None

    def __repr__(self):
        return f"<Response {self.status} {self.body[:300]!r}>"


def _headers_dict(pairs):
    h = {"set-cookie": []}
    for k, v in pairs:
        k = k.lower()
        if k == "set-cookie":
            h["set-cookie"].append(v)
        elif k in h:
            h[k] = h[k] + ", " + v
        else:
            h[k] = v
    return h


def _parse_raw_response(data):
    """Parse one HTTP/1.x response from bytes read until the peer closed."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError(f"incomplete HTTP response: {data[:500]!r}")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise AssertionError(f"bad status line: {lines[0]!r}")
    pairs = []
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        pairs.append((k.strip().decode("latin-1"),
                      v.strip().decode("latin-1")))
    h = _headers_dict(pairs)
    body = rest
    if "chunked" in h.get("transfer-encoding", "").lower():
        out = b""
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out += rest[:size]
            rest = rest[size + 2:]
        body = out
    elif "content-length" in h:
        body = rest[:int(h["content-length"])]
    return Response(int(m.group(1)), h, body)


class Instance:
    """A lookout data dir and, while started, its server.

    with Instance(regions=[("ca", "Canada"), ("ca-bc", "BC", "ca")],
                  users=[("mia", "member", "a long password", ["ca-bc"])])
        as inst:
        st, j = inst.json_request("POST", "/api/v1/login", {...})

    The data dir is inst.data (inside a temporary dir removed at exit).
    The server's stderr goes to inst.log_path; it is shown when a test
    fails inside the with block.
    """

    def __init__(self, regions=(), users=(), admin=ADMIN_NAME,
                 admin_password=ADMIN_PASSWORD, start=True, env=None,
                 conf=None):
        self.regions = list(regions)
        self.users = list(users)
        self.admin = admin
        self.admin_password = admin_password
        self.autostart = start
        self.env = dict(env or {})
        self.conf = conf
        self.proc = None
        self.port = None
        self.host = "127.0.0.1"
        self.tmp = None

    # -- lifecycle ------------------------------------------------------

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="lookout-it-")
        self.data = os.path.join(self.tmp, "data")
        self.log_path = os.path.join(self.tmp, "server.stderr")
        self.out_path = os.path.join(self.tmp, "server.stdout")
        try:
            self.setup()
            if self.autostart:
                self.start()
        except BaseException:
            self._show_log()
            self._kill()
            self._cleanup()
            raise
        return self

    def setup(self):
        cli_ok(["init", "--data", self.data, "--admin", self.admin],
               stdin=self.admin_password + "\n")
        if self.conf is not None:
            with open(os.path.join(self.data, "lookout.conf"), "w") as f:
                f.write(self.conf)
        for r in self.regions:
            code, name = r[0], r[1]
            args = ["region", "add", "--data", self.data, "--code", code,
                    "--name", name]
            if len(r) > 2 and r[2]:
                args += ["--parent", r[2]]
            cli_ok(args)
        for u in self.users:
            self.add_user(*u)

    def add_user(self, name, role, password, regions=()):
        args = ["user", "add", "--data", self.data, "--role", role,
                "--name", name]
        for code in regions:
            args += ["--region", code]
        return cli_ok(args, stdin=password + "\n")

    def start(self, env=None, args=()):
        """Start `lookout serve` and wait for its "listening on" line."""
        assert self.proc is None, "server already running"
        e = dict(os.environ)
        for k, v in {**self.env, **(env or {})}.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        out = open(self.out_path, "wb")
        err = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [binary(), "serve", "--data", self.data,
                 "--listen", "127.0.0.1:0"] + list(args),
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=e)
        finally:
            out.close()
            err.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with open(self.out_path, "rb") as f:
                m = LISTEN_RE.search(f.read().decode("utf-8", "replace"))
            if m:
                self.host = m.group(1).strip("[]")
                self.port = int(m.group(2))
                return
            rc = self.proc.poll()
            if rc is not None:
                self.proc = None
                raise AssertionError(
                    f"lookout serve exited {rc} before listening "
                    f"(its stderr is below)\n"
                    f"stdout: {self._read(self.out_path)}")
            if time.monotonic() > deadline:
                self._kill()
                raise AssertionError(
                    f"lookout serve printed no 'listening on http://...' "
                    f"line within {START_TIMEOUT}s (its stderr is below)\n"
                    f"stdout: {self._read(self.out_path)}")
            time.sleep(0.05)

    def stop(self):
        """SIGTERM the server; it must exit 0 within STOP_TIMEOUT."""
        if self.proc is None:
            return
        p, self.proc = self.proc, None
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError(f"lookout serve did not exit within "
                                 f"{STOP_TIMEOUT}s of SIGTERM") from None
        assert rc == 0, f"lookout serve exited {rc} after SIGTERM, expected 0"

    def _kill(self):
        if self.proc is not None:
            p, self.proc = self.proc, None
            p.kill()
            p.wait()

    def _cleanup(self):
        if self.tmp and not os.environ.get("LOOKOUT_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def server_log(self):
        return self._read(self.log_path)

    def _show_log(self):
        if self.tmp:
            note(f"--- lookout serve stderr ({self.log_path}) ---\n"
                 f"{self.server_log()}--- end ---")

    def __exit__(self, etype, exc, tb):
        try:
            if etype is not None:
                self._show_log()
                try:
                    self.stop()
                except AssertionError as ex:
                    note(f"also, while stopping: {ex}")
                self._kill()
            else:
                try:
                    self.stop()
                except AssertionError:
                    self._show_log()
                    raise
        finally:
            self._cleanup()
        return False

    @property
    def key_path(self):
        return os.path.join(self.data, "lookout.key")

    @property
    def db_path(self):
        return os.path.join(self.data, "lookout.db")

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    # -- HTTP -----------------------------------------------------------

    def request(self, method, path, body=None, headers=None, token=None):
        """One request on a fresh connection. body: bytes as they are, or
        any other value serialised as JSON. A header given as None is not
        sent. Returns a Response (unpacks as status, headers, body)."""
        assert self.port, "server not started"
        hdrs = {}
        if body is not None:
            if not isinstance(body, (bytes, bytearray)):
                body = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        for k, v in (headers or {}).items():
            for existing in [x for x in hdrs if x.lower() == k.lower()]:
                del hdrs[existing]
            hdrs[k] = v
        conn = http.client.HTTPConnection(self.host, self.port,
                                          timeout=HTTP_TIMEOUT)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in hdrs.items():
                if v is not None:
                    conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            try:
                conn.endheaders(body)
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer (413, say) and close before it
                # has read the whole body; its answer is still there.
                pass
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, _headers_dict(r.getheaders()), data)
        finally:
            conn.close()

    def json_request(self, method, path, body=None, token=None,
                     headers=None, expect=None):
        """request() whose answer must be JSON (or empty). Returns
        (status, parsed body or None). With expect, asserts the status."""
        r = self.request(method, path, body, headers=headers, token=token)
        if expect is not None:
            assert r.status == expect, (
                f"{method} {path}: status {r.status}, expected {expect}: "
                f"{r.body[:1000]!r}")
        if not r.body:
            return r.status, None
        return r.status, r.json()

    def raw(self, data, timeout=10, half_close=False):
        """Send raw bytes on a new connection and read until the server
        closes (or is silent for timeout seconds). Returns a Response, or
        None when the server sent nothing."""
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        chunks = []
        try:
            try:
                s.sendall(data)
                if half_close:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass
            while True:
                try:
                    c = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not c:
                    break
                chunks.append(c)
        finally:
            s.close()
        got = b"".join(chunks)
        if not got:
            return None
        return _parse_raw_response(got)

    def login(self, name, password):
        """POST /api/v1/login; asserts 200 and returns the token."""
        st, j = self.json_request("POST", "/api/v1/login",
                                  {"name": name, "password": password})
        assert st == 200, f"login as {name!r}: status {st}: {j}"
        assert isinstance(j.get("token"), str) and j["token"], j
        return j["token"]

    def healthy(self):
        r = self.request("GET", "/healthz")
        return r.status == 200 and r.body.strip() == b"ok"


# -- the web client ------------------------------------------------------

class Html(HTMLParser):
    """A parsed page: its start tags in order, with attributes (quoted or
    not, entities decoded), its scripts and its visible text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, {attr: value}) in document order
        self.scripts = []       # ({attr: value}, inline content)
        self._script = None
        self._skip = 0          # inside <style>
        self._text = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        d = {k.lower(): (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, d))
        if tag == "script":
            self._script = (d, [])
        elif tag == "style":
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        d = {k.lower(): (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, d))
        if tag == "script":
            self.scripts.append((d, ""))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        elif tag == "style" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        elif not self._skip:
            self._text.append(data)

    @property
    def text(self):
        """The visible text, whitespace collapsed."""
        return " ".join(" ".join(self._text).split())

    @property
    def lang(self):
        for tag, a in self.tags:
            if tag == "html":
                return a.get("lang")
        return None

    def find_all(self, tag=None, attrs=None):
        """Tags named tag (any when None) whose attributes include attrs;
        for "class", the value must be one of the element's classes."""
        out = []
        for t, a in self.tags:
            if tag is not None and t != tag:
                continue
            ok = True
            for k, v in (attrs or {}).items():
                if k == "class":
                    ok = v in a.get("class", "").split()
                else:
                    ok = a.get(k) == v
                if not ok:
                    break
            if ok:
                out.append(a)
        return out

    def find(self, tag=None, attrs=None):
        found = self.find_all(tag, attrs)
        return found[0] if found else None

    def after(self, tag):
        """Start tags after the first <tag>."""
        for i, (t, _) in enumerate(self.tags):
            if t == tag:
                return self.tags[i + 1:]
        return []

    def input_value(self, name):
        """The value of <input name=NAME>, "" when it has none; asserts
        that there is such an input."""
        a = self.find("input", {"name": name})
        assert a is not None, f"no input named {name!r} in the page"
        return a.get("value", "")


def find_csrf(html):
    """The value of the form's hidden csrf field; asserts there is one."""
    page = html if isinstance(html, Html) else Html(html)
    a = page.find("input", {"name": "csrf"})
    assert a is not None, f"no csrf field in page: {page.text[:1000]}"
    assert a.get("value"), f"csrf field without a value: {a}"
    return a["value"]


def redirect_path(resp):
    """Asserts resp is a redirect; returns the path of its Location."""
    assert resp.status in (301, 302, 303, 307, 308), (
        f"expected a redirect, got {resp.status}: {resp.body[:500]!r}")
    loc = resp.headers.get("location")
    assert loc, f"redirect {resp.status} without a Location header"
    return urllib.parse.urlsplit(loc).path


def parse_set_cookie(value):
    """'n=v; HttpOnly; Path=/' -> (n, v, {'httponly': '', 'path': '/'})"""
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip()
    return name.strip(), val.strip(), attrs


class WebClient:
    """A tiny browser: a cookie jar, form posts, no automatic redirects.

    It sends Origin on POSTs, as browsers do, so that only the CSRF token
    decides whether a form post is accepted."""

    def __init__(self, inst, headers=None):
        self.inst = inst
        self.cookies = {}
        self.headers = dict(headers or {})

    def _absorb(self, resp):
        for sc in resp.headers.get("set-cookie", []):
            name, val, attrs = parse_set_cookie(sc)
            if attrs.get("max-age") == "0" or val == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val

    def _send(self, method, path, body, headers):
        h = dict(self.headers)
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}"
                                    for k, v in self.cookies.items())
        h.update(headers or {})
        r = self.inst.request(method, path, body, headers=h)
        self._absorb(r)
        return r

    def get(self, path, headers=None):
        return self._send("GET", path, None, headers)

    def post_form(self, path, fields, headers=None):
        """fields: a dict or a list of (name, value) pairs."""
        h = {"Content-Type": "application/x-www-form-urlencoded",
             "Origin": self.inst.base_url}
        h.update(headers or {})
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._send("POST", path, body, h)

    def login(self, name, password):
        """Log in through /login; asserts the 303 to /home."""
        page = self.get("/login")
        assert page.status == 200, page
        r = self.post_form("/login", {"csrf": find_csrf(page.text),
                                      "name": name, "password": password})
        assert redirect_path(r) == "/home", r
        assert "lk_session" in self.cookies, r.headers
        return r


class _FormParser(HTMLParser):
    _VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
             "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None   # (attrs, [data])
        self._select = None     # (attrs, [(value, selected, attrs)])
        self._option = None     # (attrs, [data])

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            self._form.inputs.append(("input", a))
        elif tag == "textarea":
            self._textarea = (a, [])
        elif tag == "select":
            self._select = (a, [])
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = (a, [])
        elif tag == "button":
            self._form.inputs.append(("button", a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self._VOID:
            self.handle_endtag(tag)

    def _end_option(self):
        if self._option is not None:
            a, data = self._option
            value = a["value"] if "value" in a else \
                " ".join("".join(data).split())
            self._select[1].append((value, "selected" in a, a))
            self._option = None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            a, data = self._textarea
            text = "".join(data)
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form.inputs.append(("textarea", dict(a, value=text)))
            self._textarea = None
        elif tag == "option" and self._select is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            a, options = self._select
            self._form.inputs.append(("select", dict(a, options=options)))
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[1].append(data)


class Form:
    """One <form> of a page: attrs (action, method...), and inputs as
    (kind, attrs) with kind input, textarea (attrs["value"] is its
    content), select (attrs["options"] is [(value, selected, attrs)]) or
    button."""

    def __init__(self, attrs):
        self.attrs = attrs
        self.inputs = []

    @property
    def action(self):
        return self.attrs.get("action")

    def fields(self):
        """The (name, value) pairs a browser would submit, in order,
        without submit buttons."""
        out = []
        for kind, a in self.inputs:
            name = a.get("name")
            if not name or "disabled" in a or kind == "button":
                continue
            if kind == "textarea":
                out.append((name, a["value"]))
            elif kind == "select":
                opts = a["options"]
                chosen = [v for v, sel, _ in opts if sel]
                if not chosen and opts and "multiple" not in a:
                    chosen = [opts[0][0]]
                out.extend((name, v) for v in chosen)
            else:
                t = a.get("type", "text").lower()
                if t in ("submit", "button", "image", "reset", "file"):
                    continue
                if t in ("checkbox", "radio"):
                    if "checked" in a:
                        out.append((name, a.get("value", "on")))
                    continue
                out.append((name, a.get("value", "")))
        return out

    def values(self, name):
        """Every submitted value of field name, in order."""
        return [v for k, v in self.fields() if k == name]

    def value(self, name):
        """The one submitted value of name; asserts there is exactly
        one."""
        v = self.values(name)
        assert len(v) == 1, f"field {name!r} of form {self.attrs}: {v}"
        return v[0]

    def has_field(self, name):
        return any(a.get("name") == name for _, a in self.inputs)


def forms(text):
    """Every <form> of the page, in order."""
    p = _FormParser()
    p.feed(text)
    p.close()
    return p.forms


def find_form(text, action, page_path=None):
    """The form posting to action (a form without an action posts to
    page_path); asserts there is one."""
    found = forms(text)
    for f in found:
        act = f.action
        if act is None or act == "":
            act = page_path
        if act is not None and urllib.parse.urlsplit(act).path == action:
            return f
    raise AssertionError(f"no form posting to {action!r}; forms: "
                         f"{[f.attrs for f in found]}\n"
                         f"page: {Html(text).text[:1000]}")


class _ElementParser(HTMLParser):
    def __init__(self, match):
        super().__init__(convert_charrefs=True)
        self.match = match
        self.found = []     # [tag, attrs, [data]]
        self._open = []     # [entry, depth]

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        for o in self._open:
            if o[0][0] == tag:
                o[1] += 1
        if self.match(tag, a):
            entry = [tag, a, []]
            self.found.append(entry)
            if tag not in _FormParser._VOID:
                self._open.append([entry, 1])

    def handle_startendtag(self, tag, attrs):
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if self.match(tag, a):
            self.found.append([tag, a, []])

    def handle_endtag(self, tag):
        for o in list(self._open):
            if o[0][0] == tag:
                o[1] -= 1
                if o[1] == 0:
                    self._open.remove(o)

    def handle_data(self, data):
        for o in self._open:
            o[0][2].append(data)


def elements(text, match):
    """Elements for which match(tag, attrs) is true, in document order,
    as (tag, attrs, visible text with whitespace collapsed)."""
    p = _ElementParser(match)
    p.feed(text)
    p.close()
    return [(t, a, " ".join(" ".join(d).split())) for t, a, d in p.found]


def element_by_id(text, ident):
    """(tag, attrs, text) of the element with id=ident; asserts it is
    there."""
    found = elements(text, lambda t, a: a.get("id") == ident)
    assert found, (f"no element with id={ident!r} in the page: "
                   f"{Html(text).text[:1000]}")
    return found[0]


def shows_error(text):
    """Whether the page shows a form error (role=alert or class error)."""
    page = Html(text)
    return bool(page.find(attrs={"role": "alert"}) or
                page.find(attrs={"class": "error"}))


# -- the runner ------------------------------------------------------------

def main():
    """Run every test_* function of the __main__ module in source order,
    TAP-style; the last line is "N passed, M failed"."""
    mod = sys.modules["__main__"]
    tests = sorted((fn.__code__.co_firstlineno, name, fn)
                   for name, fn in vars(mod).items()
                   if name.startswith("test_") and inspect.isfunction(fn)
                   and fn.__module__ == "__main__")
    only = set(sys.argv[1:])
    if only:
        tests = [t for t in tests if t[1] in only]
    print(f"1..{len(tests)}", flush=True)
    passed = failed = 0
    for i, (_, name, fn) in enumerate(tests, 1):
        _notes.clear()
        try:
            fn()
        except Exception:
            failed += 1
            print(f"not ok {i} - {name}", flush=True)
            tb = traceback.format_exc()
            for line in tb.rstrip().splitlines():
                print("# " + line)
            for n in _notes:
                for line in n.rstrip().splitlines():
                    print("# " + line)
            sys.stdout.flush()
        else:
            passed += 1
            print(f"ok {i} - {name}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed or not tests else 0)

"""Alerts and commands by text message, through the real Kannel: its
bearerbox and smsbox, with fakesmsc (kannel-extras) playing the phone
network, all on loopback ports this test picks.

Outbound: an alert reaches each SMS subscriber at fakesmsc, in her
language (Chinese intact, as UCS-2). Inbound: fakesmsc sends CHECK, HELP,
STOP, START and REPORT to Kannel, which calls lookout's /sms/inbound
get-url; the reply comes back to fakesmsc, and the effect is checked in
lookout. A gateway that is down keeps messages queued; each goes out
exactly once when it is back."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import lookout_test
from lookout_test import Instance, free_port

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
PW = "a long enough password"
STAFF = ("owen", "outreach", PW, ["ca"])
SUBS = "/api/v1/me/subscriptions"
SECRET = "kannel-shared-secret-7Q"
SHORT = "5550000"           # the service's own number
ANA, MEI, FIFI = "+16045550142", "+16045550143", "+16045550144"
STRANGER = "+16045550199"
OFFENDER = "+1 (778) 555-0123"

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
GOT_RE = re.compile(r"Got message (\d+): <(\S+) (\S+) (\S+) ?(.*)>$")


def unquote(s):
    """fakesmsc's URL encoding: '+' is a space, %XX a byte, and other
    characters stand for themselves."""
    return urllib.parse.unquote_to_bytes(s.replace("+", "%20"))


def wait_for(what, cond, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


class Kannel:
    """bearerbox, smsbox and fakesmsc with a config of their own in a
    temporary dir. get_url is lookout's /sms/inbound; set it (the port
    lookout listens on) before start(). stop() ends every process, and
    the with block stops them even when the test fails."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="lookout-kannel-")
        self.admin_port = free_port()
        self.box_port = free_port()
        self.smsc_port = free_port()
        self.sendsms_port = free_port()
        self.get_url = None
        self.procs = []
        self.fifo = os.path.join(self.dir, "phones")
        self.out = os.path.join(self.dir, "fakesmsc.log")
        self.fifo_fd = None
        self.seen = 0           # messages handed out by next()

    @property
    def sendsms_url(self):
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def config(self):
        d = self.dir
        return f"""group = core
admin-port = {self.admin_port}
admin-interface = 127.0.0.1
admin-password = adminpw
smsbox-port = {self.box_port}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "{d}/bearerbox.log"
log-level = 1

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{d}/smsbox.log"
log-level = 1

group = sendsms-user
username = lookout
password = sendpw
default-sender = {SHORT}
max-messages = 3
concatenation = true

group = sms-service
keyword = default
get-url = "{self.get_url}"
max-messages = 1
accept-x-kannel-headers = true
"""

    def _spawn(self, args, name, **kw):
        log = open(os.path.join(self.dir, name), "ab")
        try:
            p = subprocess.Popen(args, stdout=log, stderr=log,
                                 cwd=self.dir, **kw)
        finally:
            log.close()
        self.procs.append(p)
        return p

    def status(self):
        url = (f"http://127.0.0.1:{self.admin_port}/status"
               f"?password=adminpw")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def start(self):
        assert self.get_url, "set get_url first"
        for exe in (BEARERBOX, SMSBOX, FAKESMSC):
            assert os.access(exe, os.X_OK), \
                f"{exe} is missing: run scripts/deps.sh (kannel, " \
                f"kannel-extras)"
        conf = os.path.join(self.dir, "kannel.conf")
        with open(conf, "w") as f:
            f.write(self.config())
        self._spawn([BEARERBOX, conf], "bearerbox.out",
                    stdin=subprocess.DEVNULL)
        wait_for("bearerbox's admin port", lambda: "Status:" in
                 self.status())
        self._spawn([SMSBOX, conf], "smsbox.out", stdin=subprocess.DEVNULL)
        # fakesmsc reads one inbound SMS a line; the FIFO, opened for
        # reading and writing, keeps its stdin open.
        if not os.path.exists(self.fifo):
            os.mkfifo(self.fifo)
        self.fifo_fd = os.open(self.fifo, os.O_RDWR)
        self._spawn([FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port),
                     "-i", "0.01"], "fakesmsc.log", stdin=self.fifo_fd)

        def up():
            s = self.status()
            return re.search(r"smsbox:\S*, IP 127\.0\.0\.1 .*on-line", s) \
                and re.search(r"fake\[fake\].*\(online", s)
        wait_for("kannel on-line:\n" + self.status(), up)
        return self

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
        if self.fifo_fd is not None:
            os.close(self.fifo_fd)
            self.fifo_fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            if exc[0] is not None:
                for name in ("fakesmsc.log", "smsbox.log"):
                    lookout_test.note(f"--- {name} (tail)\n" + "".join(
                        open(os.path.join(self.dir, name), errors="replace")
                        .readlines()[-30:])
                        if os.path.exists(os.path.join(self.dir, name))
                        else "")
            if not os.environ.get("LOOKOUT_KEEP"):
                shutil.rmtree(self.dir, ignore_errors=True)
        return False

    # -- the phones ------------------------------------------------------

    def send(self, sender, text, ucs2=False):
        """A phone sends text to the service's number."""
        if ucs2:
            body = urllib.parse.quote_from_bytes(text.encode("utf-16-be"))
            line = f"{sender} {SHORT} ucs2 {body}\n"
        else:
            assert "\n" not in text
            line = f"{sender} {SHORT} text {text}\n"
        # fakesmsc takes one line per read: wait until it has sent this
        # one before writing the next.
        n = self._sent()
        os.write(self.fifo_fd, line.encode("utf-8"))
        wait_for("fakesmsc to send", lambda: self._sent() > n)

    def _sent(self):
        try:
            with open(self.out, "rb") as f:
                return f.read().count(b"fakesmsc: sent message ")
        except OSError:
            return 0

    def received(self):
        """Every SMS the phones got, concatenated parts joined: (to,
        text, coding) in order. Parts carry no coding in fakesmsc's log:
        a message whose bytes hold NULs is UCS-2 (UTF-16BE)."""
        out, parts = [], {}
        try:
            with open(self.out, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return out
        for line in lines:
            m = GOT_RE.search(line)
            if not m or not m.group(4):
                continue
            to, kind, body = m.group(3), m.group(4), m.group(5)
            if kind == "udh":
                udh, _, data = body.partition(" data ")
                h = unquote(udh)
                assert len(h) == 6 and h[:3] == b"\x05\x00\x03", line
                ref, total, seq = h[3], h[4], h[5]
                got = parts.setdefault((to, ref), {})
                got[seq] = unquote(data)
                if len(got) < total:
                    continue
                raw = b"".join(got[i] for i in range(1, total + 1))
                del parts[(to, ref)]
                if b"\x00" in raw:
                    out.append((to, raw.decode("utf-16-be"), "ucs2"))
                else:
                    out.append((to, raw.decode("utf-8"), "7bit"))
            elif kind.startswith("ucs"):
                out.append((to, unquote(body).decode("utf-16-be"), "ucs2"))
            else:
                out.append((to, body, "7bit"))
        return out

    def ask(self, sender, text, ucs2=False):
        """Send text from sender and return the reply she gets:
        (to, text, coding)."""
        r = self.ask_all([(sender, text, ucs2)])
        return (sender,) + r[sender]

    def ask_all(self, asks):
        """Send (sender, text[, ucs2]) from different senders at once;
        return {sender: (reply text, coding)}."""
        senders = [a[0] for a in asks]
        assert len(set(senders)) == len(senders), senders
        before = {s: len([m for m in self.received() if m[0] == s])
                  for s in senders}
        for a in asks:
            self.send(*a)

        def replies():
            got = self.received()
            out = {}
            for s in senders:
                mine = [m for m in got if m[0] == s][before[s]:]
                if not mine:
                    return None
                out[s] = mine[0][1:]
            return out
        return wait_for(f"replies to {asks!r}", replies)


def conf(kannel, extra=""):
    return (f"sms_gateway_url = {kannel.sendsms_url}\n"
            f"sms_gateway_user = lookout\n"
            f"sms_gateway_password = sendpw\n"
            f"sms_inbound_secret = {SECRET}\n"
            f"public_url = https://lookout.test\n" + extra)


def get_url(inst):
    return (f"http://127.0.0.1:{inst.port}/sms/inbound?secret={SECRET}"
            f"&from=%p&to=%P&text=%a&coding=%c&charset=%C")


def subscribe(inst, name, number, lang, region="ca-bc"):
    t = inst.login(name, PW)
    inst.json_request("PUT", SUBS, {"regions": [region], "sms": number,
                      "lang": lang}, token=t, expect=200)
    return t


def publish(inst, staff, summary, idents=()):
    st, rep = inst.json_request("POST", "/api/v1/reports", {
        "types": ["violence"], "occurred_on": "2026-11-20",
        "region": "ca-bc-van", "consent": {"alert": True, "police": "none",
                                           "share_orgs": False}},
        token=staff, expect=201)
    st, al = inst.json_request(
        "POST", f"/api/v1/reports/{rep['id']}/alert",
        {"summary": summary, "severity": "high", "regions": ["ca-bc-van"],
         "identifiers": [{"kind": "phone", "value": v} for v in idents]},
        token=staff, expect=201)
    return al["alert_id"]


def test_alerts_and_commands_end_to_end():
    members = [("ana", "member", PW, ["ca-bc"]),
               ("mei", "member", PW, ["ca-bc"]),
               ("fifi", "member", PW, ["ca-bc"])]
    with Kannel() as k:
        with Instance(regions=REGIONS, users=members + [STAFF],
                      conf=conf(k, "screen_per_minute = 4\n")) as inst:
            k.get_url = get_url(inst)
            k.start()
            tok = {"ana": subscribe(inst, "ana", "604 555 0142", "en"),
                   "mei": subscribe(inst, "mei", "604-555-0143", "zh-Hans"),
                   "fifi": subscribe(inst, "fifi", "6045550144", "fr")}
            staff = inst.login(STAFF[0], STAFF[2])

            # -- outbound: one SMS each, in her language ---------------
            summary = "grey Civic, driver hit a worker near Main St"
            publish(inst, staff, summary, [OFFENDER])
            got = wait_for("three alerts", lambda: len(k.received()) >= 3
                           and k.received())
            by = {to: (text, coding) for to, text, coding in got}
            assert set(by) == {ANA, MEI, FIFI}, got
            assert by[ANA][0].startswith("New safety alert (High"), by[ANA]
            assert summary in by[ANA][0] and "STOP" in by[ANA][0], by[ANA]
            assert by[ANA][1] == "7bit", by[ANA]
            # Chinese arrives intact, as UCS-2.
            assert by[MEI][1] == "ucs2", by[MEI]
            assert "新的安全提醒" in by[MEI][0], by[MEI]
            assert summary in by[MEI][0], by[MEI]
            assert "Nouvelle alerte de sécurité" in by[FIFI][0], by[FIFI]
            wait_for("sent", lambda: sorted(r[0] for r in lookout_test.
                     db_query(inst.data, "SELECT state FROM outbox WHERE "
                              "channel = 'sms'")) == ["sent"] * 3)

            # Texts from different numbers go out together: each round
            # trip through the gateway takes about a second.
            # -- CHECK, by members only, audited -----------------------
            r = k.ask_all([(ANA, "check 778 555 0123"),
                           (MEI, "CHECK +17785550123"),
                           (FIFI, "Vérifier 778.555.0123"),
                           (STRANGER, "CHECK 778 555 0123")])
            assert r[ANA][0].startswith("RED: 1 alert(s) match"), r[ANA]
            assert summary in r[ANA][0], r[ANA]
            assert r[MEI][0].startswith("红色：1 条提醒相符"), r[MEI]
            assert r[MEI][1] == "ucs2", r[MEI]
            assert r[FIFI][0].startswith("ROUGE : 1 alerte(s)"), r[FIFI]
            assert r[STRANGER][0].startswith(
                "This number is not a member's"), r[STRANGER]
            assert summary not in r[STRANGER][0]

            # -- HELP, from anyone, in UCS-2 too -----------------------
            r = k.ask_all([(ANA, "CHECK 604 555 0100"),
                           (STRANGER, "HELP please call me after 6"),
                           (MEI, "HELP 我需要帮助", True),
                           (FIFI, "signaler")])
            assert r[ANA][0].startswith("GREEN: no alert matches"), r[ANA]
            m = re.search(r"Your reference: (H-[A-Z0-9]{4}-[A-Z0-9]{2})$",
                          r[STRANGER][0])
            assert m, r[STRANGER]
            assert r[MEI][0].startswith("谢谢。支持工作者会用这个号码联系你"), \
                r[MEI]
            assert r[MEI][1] == "ucs2", r[MEI]
            assert r[FIFI][0].startswith("Envoyez SIGNALER"), r[FIFI]
            st, j = inst.json_request(
                "GET", f"/api/v1/help-requests/{m.group(1)}", expect=200)
            assert j["status"] == "open", j
            st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                                      expect=200)
            assert len(j["cases"]) == 2, j
            views = [inst.json_request("GET", f"/api/v1/cases/{c['id']}",
                                       token=staff, expect=200)[1]
                     for c in j["cases"]]
            seen = {v["contact"]["value"]: (v["contact"]["method"],
                                            [n["text"] for n in v["notes"]])
                    for v in views}
            assert seen == {STRANGER: ("sms", ["please call me after 6"]),
                            MEI: ("sms", ["我需要帮助"])}, views

            # -- a malformed number; her screening limit ---------------
            r = k.ask_all([(ANA, "CHECK 12"), (STRANGER, "REPORT something"),
                           (MEI, "hello?")])
            assert r[ANA][0].startswith("Cannot check that: "), r[ANA]
            assert "Send CHECK and the whole number" in r[ANA][0], r[ANA]
            assert r[STRANGER][0].startswith(
                "This number is not a member's"), r[STRANGER]
            assert r[MEI][0].startswith("发送 CHECK 加电话号码"), r[MEI]
            r = k.ask_all([(ANA, "CHECK ab?12?"), (STRANGER, "STOP")])
            assert r[ANA][0].startswith("GREEN: no alert matches"), r[ANA]
            # A stranger may STOP (nothing is sent to her anyway), not
            # START.
            assert r[STRANGER][0].startswith(
                "You will get no more alerts"), r[STRANGER]
            # The limit is 4 a minute here; texts count too.
            r = k.ask_all([(ANA, "CHECK 604 555 0101"),
                           (STRANGER, "START")])
            assert r[ANA][0].startswith("Too many checks"), r[ANA]
            assert r[STRANGER][0].startswith(
                "This number is not a member's"), r[STRANGER]
            audit = lookout_test.db_query(
                inst.data, "SELECT detail FROM audit "
                "WHERE action = 'screen' ORDER BY seq")
            assert sorted(r[0] for r in audit) == [
                "sms level=green", "sms level=green", "sms level=red",
                "sms level=red", "sms level=red"], audit

            # -- STOP and START ----------------------------------------
            r = k.ask_all([(ANA, "stop"), (STRANGER, "hello?")])
            assert r[ANA][0].startswith(
                "You will get no more alerts by text"), r[ANA]
            assert r[STRANGER][0].startswith("Text HELP and a few words"), \
                r[STRANGER]
            st, j = inst.json_request("GET", SUBS, token=tok["ana"],
                                      expect=200)
            assert j["sms"] == "", j
            n = len(k.received())
            # A long one: it is cut to fit the three parts the gateway
            # sends, and the way to stop still arrives.
            publish(inst, staff, "second alert, " + "very long " * 60)
            wait_for("two more", lambda: len(k.received()) >= n + 2)
            r = k.ask_all([(ANA, "START"), (FIFI, "ARRÊT")])
            new = {m[0]: m for m in k.received()[n:]
                   if "second alert" in m[1]}
            assert sorted(new) == sorted([FIFI, MEI]), new
            assert new[MEI][1].endswith(
                "... https://lookout.test/alerts "
                "回复 STOP 即可停止接收短信。"), new[MEI]
            assert new[MEI][2] == "ucs2", new[MEI]
            assert new[FIFI][1].endswith(
                "... https://lookout.test/alerts Répondez STOP "
                "pour ne plus recevoir ces textos."), new[FIFI]
            assert r[ANA][0].startswith("Alerts by text are on again"), \
                r[ANA]
            assert r[FIFI][0].startswith("Vous ne recevrez plus"), r[FIFI]
            st, j = inst.json_request("GET", SUBS, token=tok["ana"],
                                      expect=200)
            assert j["sms"] == ANA, j
            st, j = inst.json_request("GET", SUBS, token=tok["fifi"],
                                      expect=200)
            assert j["sms"] == "", j

            # -- REPORT ------------------------------------------------
            st, j = inst.json_request("GET", "/api/v1/reports?status=new",
                                      token=staff, expect=200)
            before = {r["id"] for r in j["reports"]}
            r = k.ask_all([(ANA, "REPORT blue van, took my phone"),
                           (FIFI, "début")])
            assert r[ANA][0].startswith("Thank you. Your report is saved"), \
                r[ANA]
            assert r[FIFI][0].startswith(
                "Les alertes par texto sont de retour"), r[FIFI]
            stops = lookout_test.db_query(
                inst.data, "SELECT action FROM audit WHERE action LIKE "
                "'subscription.st%'")
            assert sorted(r[0] for r in stops) == [
                "subscription.start", "subscription.start",
                "subscription.stop", "subscription.stop"], stops
            st, j = inst.json_request("GET", "/api/v1/reports?status=new",
                                      token=staff, expect=200)
            new = [r for r in j["reports"] if r["id"] not in before]
            assert len(new) == 1, j
            st, rep = inst.json_request(
                "GET", f"/api/v1/reports/{new[0]['id']}", token=staff,
                expect=200)
            assert rep["narrative"] == "blue van, took my phone", rep
            assert rep["source"] == "sms" and rep["contact"] == ANA, rep
            assert rep["region"] == "ca-bc", rep

            # -- anything else: a short help ---------------------------
            to, text, coding = k.ask(ANA, "hello?")
            assert text.startswith("Text CHECK and a number"), text

            # -- the get-url's secret ----------------------------------
            for q in (f"secret=wrong&from={STRANGER}&text=HELP",
                      f"from={STRANGER}&text=HELP", ""):
                r = inst.request("GET", "/sms/inbound?" + q)
                assert r.status == 403, (q, r)
            r = inst.request("GET", "/sms/inbound?" + urllib.parse.urlencode(
                {"secret": SECRET, "from": STRANGER,
                 "charset": "UTF-16BE"}) + "&text=%00H%00")
            assert r.status == 400, r       # odd UTF-16
            r = inst.request("GET", "/sms/inbound?" + urllib.parse.urlencode(
                {"secret": SECRET, "from": STRANGER}) + "&text=HELP%FF")
            assert r.status == 400, r       # not UTF-8
            st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                                      expect=200)
            assert len(j["cases"]) == 2, j

            # Never a number in the server's log.
            log = inst.server_log()
            for num in ("6045550142", "6045550143", "6045550199",
                        "7785550123"):
                assert num not in log, (num, log[-2000:])
            inst.stop()
            for path in lookout_test.stored_files(inst.data):
                with open(path, "rb") as f:
                    data = f.read()
                for num in (b"6045550142", b"6045550199", b"7785550123"):
                    assert num not in data, (num, path)


def test_gateway_down_then_up_sends_each_once():
    members = [("ana", "member", PW, ["ca-bc"]),
               ("mei", "member", PW, ["ca-bc"])]
    with Kannel() as k:
        with Instance(regions=REGIONS, users=members + [STAFF],
                      conf=conf(k)) as inst:
            subscribe(inst, "ana", ANA, "en")
            subscribe(inst, "mei", MEI, "zh-Hans")
            staff = inst.login(STAFF[0], STAFF[2])
            publish(inst, staff, "gateway is down")
            # Nothing listens on the sendsms port: both stay queued.
            wait_for("two failed tries", lambda: sorted(tuple(r) for r in
                     lookout_test.db_query(inst.data, "SELECT state, "
                     "attempts FROM outbox")) == [("queued", 1)] * 2)
            k.get_url = get_url(inst)
            k.start()
            # The retry comes due (the backoff is 30 s: bring it now).
            lookout_test.db_execute(inst.data, "UPDATE outbox SET "
                                    "next_attempt_at = 0")
            got = wait_for("both messages", lambda: len(k.received()) >= 2
                           and k.received(), timeout=30)
            wait_for("sent", lambda: sorted(tuple(r) for r in
                     lookout_test.db_query(inst.data, "SELECT state, "
                     "attempts FROM outbox")) == [("sent", 1)] * 2)
            time.sleep(1)       # nothing more comes
            got = k.received()
            assert sorted(m[0] for m in got) == [ANA, MEI], got
            zh = [m for m in got if m[0] == MEI][0]
            assert "新的安全提醒" in zh[1] and zh[2] == "ucs2", zh


def test_one_number_cannot_flood_the_case_queue():
    """HELP and REPORT store something for anyone who texts: one number
    gets the help form's budget a minute, then a reply saying so, and
    nothing more is stored; another number is not held up by it."""
    with Instance(regions=REGIONS, users=[STAFF],
                  conf=f"sms_inbound_secret = {SECRET}\n") as inst:
        staff = inst.login(STAFF[0], STAFF[2])

        def text(number, body):
            r = inst.request("GET", "/sms/inbound?" + urllib.parse.urlencode(
                {"secret": SECRET, "from": number, "text": body,
                 "charset": "UTF-8"}))
            assert r.status == 200, (number, body, r)
            return r.body.decode()

        replies = [text(STRANGER, f"HELP call me {i}") for i in range(12)]
        stored = [x for x in replies if x.startswith("Thank you")]
        refused = [x for x in replies if x.startswith("Too many messages")]
        assert stored and refused, replies
        assert len(stored) + len(refused) == len(replies), replies
        # Once refused, refused for the rest of the minute.
        first = replies.index(refused[0])
        assert all(x.startswith("Too many") for x in replies[first:]), \
            replies
        assert text("+16045550188", "HELP").startswith("Thank you")
        st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                                  expect=200)
        assert len(j["cases"]) == len(stored) + 1, (len(stored), j)


def test_sms_settings_are_checked_at_start():
    with Instance(regions=REGIONS, start=False,
                  conf="sms_gateway_url = smtp://127.0.0.1:1\n"
                       "sms_gateway_user = u\n") as inst:
        try:
            inst.start()
        except AssertionError:
            pass
        else:
            raise AssertionError("serve started with an smtp:// gateway")
        assert "http://" in inst.server_log(), inst.server_log()


if __name__ == "__main__":
    lookout_test.main()

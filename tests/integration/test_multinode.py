"""PostgreSQL only: several `lookout serve` nodes on one database and one
key file (docs/multinode.md).

- An alert published on node A is found by a partial screen on node B,
  whose in-memory index follows it through LISTEN/NOTIFY; a withdrawal
  on A takes it out of B's answers; a listener that missed notifications
  resynchronises.
- A burst of alerts to many subscribers, with both nodes' senders
  delivering to one SMTP server: every message arrives exactly once.
- A session made on A works on B, and ends on both.
- PostgreSQL restarts under load on both nodes: 503 while it is down
  (never 500, never a crash), the nodes reconnect by themselves, and every
  report answered 201 is there afterwards, intact.
"""

import email.parser
import email.policy
import http.client
import json
import threading
import time

import lookout_test
from lookout_test import (ADMIN_NAME, ADMIN_PASSWORD, Instance, Node,
                          SmtpSink)

# It restarts its PostgreSQL cluster and changes its roles.
lookout_test.own_pg_cluster()

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc")]
PW = "a long enough password"
STAFF = ("owen", "outreach", PW, ["ca"])
MEMBER = ("mia", "member", PW, ["ca-bc-van"])
# Long enough for a node under a loaded machine; the listener itself
# delivers within milliseconds.
FOLLOW_DEADLINE = 5
# Screens are polled: no per-account screening limit gets in the way.
CONF = "screen_per_minute = 1000000\n"


def need_pg():
    if not lookout_test.PG:
        lookout_test.skip("several nodes need PostgreSQL "
                          "(LOOKOUT_TEST_PG=1)")


def publish(node, staff, summary, idents=(), region="ca-bc-van",
            reporter=None):
    st, rep = node.json_request("POST", "/api/v1/reports", {
        "types": ["violence"], "occurred_on": "2026-11-20",
        "region": region, "consent": {"alert": True, "police": "none",
                                      "share_orgs": False}},
        token=reporter or staff, expect=201)
    st, al = node.json_request(
        "POST", f"/api/v1/reports/{rep['id']}/alert",
        {"summary": summary, "severity": "high", "regions": [region],
         "identifiers": [{"kind": k, "value": v} for k, v in idents]},
        token=staff, expect=201)
    return al["alert_id"]


def screen(node, token, kind, value):
    st, j = node.json_request("POST", "/api/v1/screen",
                              {"kind": kind, "value": value}, token=token,
                              expect=200)
    return j["level"], sorted(str(m["alert_id"]) for m in j["matches"])


def wait_screen(node, token, kind, value, want_ids, what):
    """Poll node's screen until its matches are want_ids; assert they
    became so before the deadline. Returns the seconds it took."""
    want = sorted(str(i) for i in want_ids)
    t0 = time.monotonic()
    seen = None
    while True:
        seen = screen(node, token, kind, value)
        if seen[1] == want:
            return time.monotonic() - t0
        assert time.monotonic() - t0 < FOLLOW_DEADLINE, (
            f"{what}: screening {kind} {value!r} on the other node "
            f"answered {seen}, expected matches {want}")
        time.sleep(0.05)


def test_screening_index_follows_other_nodes():
    need_pg()
    with Instance(regions=REGIONS, users=[STAFF, MEMBER], conf=CONF) as a, \
            Node(a) as b:
        staff_a = a.login(STAFF[0], STAFF[2])
        mia_b = b.login(MEMBER[0], MEMBER[2])
        # Partial forms are served from each node's memory only: B has
        # never seen these before A publishes them.
        assert screen(b, mia_b, "phone", "***-0142") == ("green", [])
        assert screen(b, mia_b, "plate", "AB?12?") == ("green", [])
        first = publish(a, staff_a, "hit a worker, grey Civic",
                        [("phone", "+1 (604) 555-0142"),
                         ("plate", "abc-123")])
        took = wait_screen(b, mia_b, "phone", "***-0142", [first],
                           "published on A")
        lookout_test.note(f"B followed A's alert in {took:.3f}s")
        assert screen(b, mia_b, "plate", "AB?12?") == ("red", [str(first)])
        # A's own index has it too, once (a node hears its own
        # notifications as well).
        assert screen(a, staff_a, "phone", "***-0142") == \
            ("red", [str(first)])

        # The other way round, and a second alert on the same digits.
        staff_b = b.login(STAFF[0], STAFF[2])
        second = publish(b, staff_b, "threatened a worker",
                         [("phone", "778.555.0142")])
        wait_screen(a, staff_a, "phone", "***-0142", [first, second],
                    "published on B")

        # Withdrawn on A: gone from B's answers, the other one stays.
        a.json_request("POST", f"/api/v1/alerts/{first}/withdraw",
                       token=staff_a, expect=200)
        wait_screen(b, mia_b, "phone", "***-0142", [second],
                    "withdrawn on A")
        assert screen(b, mia_b, "plate", "AB?12?") == ("green", [])
        st, j = b.json_request("GET", "/api/v1/alerts", token=mia_b,
                               expect=200)
        assert [str(x["id"]) for x in j["alerts"]] == [str(second)], j

        # B's listener loses its connection and cannot get back at once;
        # an alert published meanwhile reaches B by the resync that
        # follows its reconnection.
        c = lookout_test.pg_cluster()
        db = a.db_url.rsplit("/", 1)[1]
        c.psql("postgres", f"ALTER ROLE {c.APP} CONNECTION LIMIT 0",
               super_user=True)
        try:
            n = c.psql(db, "SELECT count(pg_terminate_backend(pid)) FROM "
                       "pg_stat_activity WHERE datname = current_database()"
                       " AND query LIKE 'LISTEN %'", super_user=True)
            assert int(n) == 2, f"{n} listeners, expected one per node"
            third = publish(a, staff_a, "robbed a worker",
                            [("plate", "XY 9876")])
            time.sleep(0.5)
            # Nothing was notified to B; its partial answer is behind.
            assert screen(b, mia_b, "plate", "XY?87?") == ("green", [])
        finally:
            c.psql("postgres", f"ALTER ROLE {c.APP} CONNECTION LIMIT -1",
                   super_user=True)
        wait_screen(b, mia_b, "plate", "XY?87?", [third], "after a resync")
        wait_screen(a, staff_a, "plate", "XY?87?", [third],
                    "after a resync")
        a.stop()
        b.stop()
        for node in (a, b):
            log = node.server_log()
            assert "resynchronised" in log, log
            assert "+1604555" not in log and "XY9876" not in log, log


def test_burst_delivered_exactly_once_by_two_nodes():
    need_pg()
    n_members, n_alerts = 12, 10
    members = [(f"m{i:02d}", "member", PW, ["ca-bc"])
               for i in range(n_members)]
    with SmtpSink() as sink:
        sink.start()
        conf = (f"smtp_url = smtp://127.0.0.1:{sink.port}\n"
                "smtp_from = Lookout alerts <alerts@lookout.test>\n"
                "public_url = https://lookout.test/\n")
        with Instance(regions=REGIONS, users=[STAFF] + members,
                      conf=conf) as a, Node(a) as b:
            for i, (name, *_) in enumerate(members):
                node = (a, b)[i % 2]
                tok = node.login(name, PW)
                node.json_request("PUT", "/api/v1/me/subscriptions",
                                  {"regions": ["ca-bc"],
                                   "email": f"{name}@example.org"},
                                  token=tok, expect=200)
            staff = {a: a.login(STAFF[0], STAFF[2]),
                     b: b.login(STAFF[0], STAFF[2])}
            summaries = {}

            def burst(node, k):
                for j in range(k, n_alerts, 2):
                    summaries[j] = f"burst alert number {j:02d}"
                    publish(node, staff[node], summaries[j])

            threads = [threading.Thread(target=burst, args=(a, 0)),
                       threading.Thread(target=burst, args=(b, 1))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(summaries) == n_alerts
            want = n_members * n_alerts
            raws = sink.wait(want, timeout=120)
            # Anything sent twice would arrive meanwhile.
            time.sleep(3)
            raws = sink.messages()
            got = {}
            parser = email.parser.BytesParser(policy=email.policy.default)
            for raw in raws:
                m = parser.parsebytes(raw)
                rcpt = m["X-Rcpt-Args"].strip("<>")
                text = m.get_body(preferencelist=("plain",)).get_content()
                which = [j for j, s in summaries.items() if s in text]
                assert len(which) == 1, (rcpt, text)
                key = (rcpt, which[0])
                assert key not in got, f"{key} was delivered twice"
                got[key] = m
            assert len(raws) == want, (len(raws), want)
            assert set(got) == {(f"{u[0]}@example.org", j)
                                for u in members for j in range(n_alerts)}
            sent = lookout_test.db_query(
                a.data, "SELECT state, count(*) FROM outbox GROUP BY state")
            assert sent == [("sent", want)], sent
            lookout_test.note(f"messages sent by A and B: "
                              f"{metric_sent(a)}, {metric_sent(b)}")


def metric_sent(node):
    key = 'lookout_outbox_messages_total{state="sent"} '
    for line in node.request("GET", "/metrics").text.splitlines():
        if line.startswith(key):
            return int(line[len(key):])
    return None


def test_session_from_one_node_works_on_the_other():
    need_pg()
    with Instance(regions=REGIONS, users=[MEMBER]) as a, Node(a) as b:
        tok = a.login(MEMBER[0], MEMBER[2])
        st, me = a.json_request("GET", "/api/v1/me", token=tok, expect=200)
        st, j = b.json_request("GET", "/api/v1/me", token=tok, expect=200)
        assert j == me and j["role"] == "member", (j, me)
        # A web session too: the cookie made on A opens pages on B.
        web = lookout_test.WebClient(a)
        web.login(MEMBER[0], MEMBER[2])
        assert web.cookies, "no session cookie from A"
        web.inst = b
        page = web.get("/home")
        # Signed out, /home would send her to /login (303).
        assert page.status == 200, page
        # Ended on B, it is ended on A as soon as A hears of it (A keeps
        # resolved sessions in memory; docs/multinode.md).
        b.json_request("POST", "/api/v1/logout", token=tok, expect=204)
        t0 = time.monotonic()
        while True:
            st, j = a.json_request("GET", "/api/v1/me", token=tok)
            if st == 401 or time.monotonic() - t0 > 10:
                break
            assert st == 200, (st, j)
            time.sleep(0.01)
        assert st == 401, (st, j)
        lookout_test.note(f"A heard of B's logout in "
                          f"{time.monotonic() - t0:.3f}s")


class Load:
    """Report submissions from several threads against some nodes until
    stopped, remembering what was sent and what was answered."""

    def __init__(self, nodes, tokens, per_node=3):
        self.nodes = nodes
        self.tokens = tokens
        self.per_node = per_node
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = []             # (node, token, id, body)
        self.statuses = []          # (node index, status, seconds)
        self.errors = []
        self.threads = []
        self.n = 0

    def body(self, tag):
        return {"types": ["violence", "robbery"],
                "occurred_on": "2026-11-21", "time_window": "20:00-23:00",
                "region": "ca-bc-van", "area": f"area {tag}",
                "narrative": f"narrative {tag}: " + "x" * 200,
                "identifiers": [{"kind": "phone",
                                 "value": f"+1 604 555 {1000 + self.n % 9000}"
                                 }, {"kind": "handle", "value": f"@h{tag}"}],
                "consent": {"alert": False, "police": "none",
                            "share_orgs": False},
                "source": "web"}

    def worker(self, k, node, token):
        conn = None
        while not self.stop.is_set():
            with self.lock:
                self.n += 1
                tag = f"n{k}x{self.n}"
                body = self.body(tag)
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(node.host, node.port,
                                                      timeout=30)
                conn.request("POST", "/api/v1/reports", json.dumps(body),
                             {"Authorization": f"Bearer {token}",
                              "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
            except (OSError, http.client.HTTPException) as ex:
                with self.lock:
                    self.errors.append(f"{node.port}: {ex!r}")
                conn = None
                time.sleep(0.05)
                continue
            with self.lock:
                self.statuses.append((k, r.status, time.monotonic()))
                if r.status == 201:
                    self.acked.append((node, token,
                                       json.loads(data)["id"], body))
            if r.status != 201:
                time.sleep(0.05)

    def start(self):
        for i, node in enumerate(self.nodes):
            for _ in range(self.per_node):
                t = threading.Thread(target=self.worker,
                                     args=(i, node, self.tokens[i]))
                t.start()
                self.threads.append(t)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()

    def count(self, status, node=None):
        with self.lock:
            return sum(1 for k, st, _ in self.statuses if st == status and
                       (node is None or k == node))


def wait_until(what, cond, seconds=60):
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.1)


def test_database_restart_under_load():
    need_pg()
    c = lookout_test.pg_cluster()
    with Instance(regions=REGIONS, users=[STAFF, MEMBER], conf=CONF) as a, \
            Node(a) as b:
        tokens = [a.login(MEMBER[0], MEMBER[2]),
                  b.login(MEMBER[0], MEMBER[2])]
        staff = a.login(STAFF[0], STAFF[2])
        load = Load([a, b], tokens)
        load.start()
        try:
            wait_until("reports accepted on both nodes",
                       lambda: load.count(201, 0) >= 5 and
                       load.count(201, 1) >= 5)
            c.pg_ctl("stop", "-m", "fast")
            try:
                # Some answers came while it was shutting down; more
                # come while it is down.
                down = [load.count(503, 0), load.count(503, 1)]
                wait_until("503 from both nodes while the database is "
                           "down", lambda: load.count(503, 0) > down[0]
                           and load.count(503, 1) > down[1])
                for node in (a, b):
                    assert node.proc.poll() is None, "a node died"
                    st, j = node.json_request("GET", "/api/v1/reports/mine",
                                              token=tokens[0])
                    assert st == 503 and j.get("error"), (st, j)
            finally:
                c.pg_ctl("start")
            # Back by themselves: new reports are accepted on both.
            ok = [load.count(201, 0), load.count(201, 1)]
            wait_until("reports accepted again on both nodes",
                       lambda: load.count(201, 0) >= ok[0] + 5 and
                       load.count(201, 1) >= ok[1] + 5)
        finally:
            load.finish()
        bad = sorted({st for _, st, _ in load.statuses} - {201, 503})
        assert not bad, f"statuses other than 201 and 503: {bad}"
        assert not load.errors, load.errors[:5]
        for node in (a, b):
            assert node.proc.poll() is None, "a node died"

        # Every acknowledged report is there, whole, read back from
        # either node.
        for i, (node, token, rid, body) in enumerate(load.acked):
            other = b if node is a else a
            st, j = other.json_request("GET", f"/api/v1/reports/{rid}",
                                       token=token, expect=200)
            assert j["narrative"] == body["narrative"], (rid, j)
            assert j["area"] == body["area"], (rid, j)
            assert sorted(x["kind"] for x in j["identifiers"]) == \
                ["handle", "phone"], j
            assert sorted(j["types"]) == ["robbery", "violence"], j
        n = lookout_test.db_query(a.data, "SELECT count(*) FROM reports")
        assert n[0][0] >= len(load.acked), (n, len(load.acked))
        lookout_test.note(f"{len(load.acked)} reports acknowledged, "
                          f"{load.count(503)} answered 503")
        # The screening index followed too: an alert published on A
        # after the restart is found by a partial screen on B.
        aid = publish(a, staff, "after the restart",
                      [("phone", "+1 604 555 7777")], reporter=staff)
        wait_screen(b, tokens[1], "phone", "***-7777", [aid],
                    "after a database restart")
        a.stop()
        b.stop()
        for node in (a, b):
            log = node.server_log()
            assert "reconnected" in log, log
            assert c.PASSWORD not in log
        lookout_test.cli_ok(["audit", "verify", "--data", a.data])


if __name__ == "__main__":
    lookout_test.main()

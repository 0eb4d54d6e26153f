"""PostgreSQL only: lookout migrate moves an SQLite instance, built up
through the API, to PostgreSQL. Every row of every table arrives as it
was (ids, keyed hashes and sealed bytes unchanged), the audit chain
verifies there, the server runs on it with the same answers to every
read and every screen, exact and partial, and logged-in members stay
logged in. migrate refuses a running server, a bad or unreachable URL, a
database that already holds data or has a newer schema, and an instance
already on PostgreSQL; a refused migration changes nothing."""

import datetime
import json
import os
import socket
import sqlite3

import lookout_test
from lookout_test import Instance, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc"), ("ca-on", "Ontario", "ca")]
STAFF = ("Olu", "outreach", "olu's long password", ["ca"])
MEMBERS = [("Amara", "member", "amara's long password", ["ca-bc-van"]),
           ("Bea", "member", "bea's long password", ["ca-bc"]),
           ("Chen", "member", "chen's long password", ["ca-on"])]
LIAISON = ("Lia", "liaison", "lia's long password", [])
USERS = [STAFF, LIAISON] + MEMBERS
# Screening many times over: the per-account limit is not under test.
# migrate fills in the empty db line and keeps the others as they are.
CONF = "# local settings\nscreen_per_minute = 100000\ndb =\n"

# Red for the first three, amber for the others.
KINDS = ("violence", "threats", "robbery", "non_payment", "condom_refusal",
         "other")
POLICE = ("none", "anonymous", "full")


def day(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


def report_body(i):
    region = ("ca-bc-van", "ca-bc-vic", "ca-on")[i % 3]
    idents = [{"kind": "phone", "value": f"+1 604 555 {1000 + i:04d}"},
              {"kind": "email", "value": f"J.Smith{i}+x@GMail.com"},
              {"kind": "plate", "value": f"KX{i % 10}-{100 + i}"},
              {"kind": "handle", "value": f"@Johnny_{i}"}]
    return {
        "types": [KINDS[i % len(KINDS)]],
        "occurred_on": day(1 + i % 20), "time_window": "20:00-23:00",
        "region": region, "area": f"Area {i} near the Wharf",
        "narrative": f"Narrative {i}: he grabbed my wrist, Ocelot-{i}",
        "contact": f"text me at 778 555 {2000 + i:04d}",
        "offender": {"age_range": "40-50", "marks": f"tattoo {i}"},
        "vehicle": {"make": "Honda", "colour": "silver",
                    "plate": f"KX{i % 10}-{100 + i}"},
        "identifiers": idents[:1 + i % 4],
        "consent": {"alert": i % 7 != 6, "police": POLICE[i % 3],
                    "share_orgs": i % 2 == 0},
        # Staff file every fourth report (see populate), from the street.
        "source": ("dropin", "phone", "outreach")[i % 3] if i % 4 == 0
        else "web",
    }


def help_body(i):
    return {
        "contact": {"method": ("phone", "sms", "email")[i % 3],
                    "value": ("+1 604 555 0%03d" % i, "+1 778 555 0%03d" % i,
                              f"help{i}@example.org")[i % 3]},
        "safe_times": f"after {1 + i}pm", "language": ("en", "fr",
                                                       "zh-Hans")[i % 3],
        "code_word": f"Lighthouse-{i}", "needs": ["safety_planning"],
        "danger_now": i == 0,
        "screening": {"forced": i == 1, "id_or_money_held": i == 2,
                      "under_18": False}}


def screens():
    """Identifiers to screen: exact in every spelling, partial, keyword,
    and some that match nothing."""
    out = []
    for i in range(0, 24, 1):
        out += [("phone", f"604-555-{1000 + i:04d}"),
                ("phone", f"***-{1000 + i:04d}"),
                ("email", f"jsmith{i}@googlemail.com"),
                ("plate", f"kx{i % 10} {100 + i}"),
                ("plate", f"KX?{100 + i}"),
                ("handle", f"johnny_{i}")]
    out += [("keyword", w) for w in ("knife", "wrist", "silver", "Ocelot",
                                     "threatened", "nothing-like-it")]
    out += [("phone", "+1 250 555 9999"), ("plate", "ZZ?99?"),
            ("email", "nobody@example.org")]
    return out


def screen_all(inst, tok):
    res = {}
    for kind, value in screens():
        st, j = inst.json_request("POST", "/api/v1/screen",
                                  {"kind": kind, "value": value}, token=tok,
                                  expect=200)
        res[(kind, value)] = j
    return res


def populate(inst):
    """Fill the instance through the API. Returns what later checks
    need."""
    staff = inst.login(STAFF[0], STAFF[2])
    tok = {m[0]: inst.login(m[0], m[2]) for m in MEMBERS}
    # Subscriptions first, so that alerts queue messages in the outbox.
    for name, email in (("Amara", "amara@example.org"),
                        ("Bea", "bea@example.org")):
        inst.json_request("PUT", "/api/v1/me/subscriptions",
                          {"regions": ["ca-bc"], "email": email,
                           "sms": "+1 (604) 555-0142", "lang": "fr"},
                          token=tok[name], expect=200)
    inst.json_request("POST", "/api/v1/me/feed-token", token=tok["Bea"],
                      expect=201)
    inst.json_request("POST", "/api/v1/invites", token=staff, expect=201)

    reports = []
    for i in range(24):
        who = staff if i % 4 == 0 else tok[MEMBERS[i % 3][0]]
        st, j = inst.json_request("POST", "/api/v1/reports", report_body(i),
                                  token=who, expect=201)
        reports.append((j["id"], who, i))
    alerts = []
    for rid, who, i in reports:
        body = report_body(i)
        if i % 5 == 4:
            inst.json_request("POST", f"/api/v1/reports/{rid}/no-alert",
                              {"reason": "not enough to warn on"},
                              token=staff, expect=200)
            continue
        if not body["consent"]["alert"]:
            continue
        words = ("knife", "wrist", "silver")[i % 3]
        st, j = inst.json_request(
            "POST", f"/api/v1/reports/{rid}/alert",
            {"summary": f"Alert {i}: threatened a worker with a {words}",
             "severity": ("high", "medium", "low")[i % 3],
             "regions": [body["region"]] + (["ca-on"] if i % 6 == 0 else []),
             "identifiers": body["identifiers"]},
            token=staff, expect=201)
        alerts.append(j["alert_id"])
    # A withdrawn report, and a case opened from another.
    rid, who, _ = reports[1]
    inst.json_request("POST", f"/api/v1/reports/{rid}/withdraw",
                      token=who, expect=200)
    inst.json_request("POST", f"/api/v1/reports/{reports[2][0]}/case",
                      token=staff, expect=201)

    refs = []
    for i in range(5):
        st, j = inst.json_request("POST", "/api/v1/help-requests",
                                  help_body(i), expect=201)
        refs.append(j["reference"])
    inst.json_request("DELETE", f"/api/v1/help-requests/{refs[4]}",
                      expect=204)
    st, j = inst.json_request("GET", "/api/v1/cases", token=staff,
                              expect=200)
    cases = [c["id"] for c in j["cases"]]
    inst.json_request("POST", f"/api/v1/cases/{cases[0]}/assign", {},
                      token=staff, expect=200)
    inst.json_request("POST", f"/api/v1/cases/{cases[0]}/notes",
                      {"text": "Called back, safe for now."}, token=staff,
                      expect=201)
    inst.json_request("POST", f"/api/v1/cases/{cases[1]}/close",
                      {"outcome": "contacted"}, token=staff, expect=200)
    # Police views: audited and counted.
    lia = inst.login(LIAISON[0], LIAISON[2])
    inst.json_request("GET", "/api/v1/police/reports", token=lia,
                      expect=200)
    return {"staff": staff, "tok": tok, "lia": lia, "refs": refs,
            "reports": [r[0] for r in reports], "alerts": alerts}


def views(inst, state):
    """Everything the API shows, by everyone, that reading it does not
    change (audited reads add audit rows, but show the same data)."""
    staff, tok, lia = state["staff"], state["tok"], state["lia"]
    out = {}

    def get(path, token=None):
        out[(path, token)] = inst.json_request("GET", path, token=token)

    for status in ("new", "alerted", "no_alert", "withdrawn", "held"):
        get(f"/api/v1/reports?status={status}", staff)
    for rid in state["reports"]:
        get(f"/api/v1/reports/{rid}", staff)
    for code, *_ in REGIONS:
        get(f"/api/v1/alerts?region={code}", staff)
    for name, t in tok.items():
        get("/api/v1/alerts", t)
        get("/api/v1/reports/mine", t)
        get("/api/v1/me", t)
        get("/api/v1/me/subscriptions", t)
    get("/api/v1/cases?status=all", staff)
    st, j = inst.json_request("GET", "/api/v1/cases?status=all",
                              token=staff, expect=200)
    for c in j["cases"]:
        get(f"/api/v1/cases/{c['id']}", staff)
    for ref in state["refs"]:
        get(f"/api/v1/help-requests/{ref}")
    get("/api/v1/police/reports", lia)
    return out


def public(inst):
    """The published numbers (police views among them, so they are read
    right before and right after the migration)."""
    return [inst.json_request("GET", p, expect=200)
            for p in ("/api/v1/stats", "/api/v1/transparency")]


def tables_of(conn_rows, table):
    return sorted(conn_rows(table), key=repr)


def sqlite_rows(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND "
            "name NOT LIKE 'sqlite_%' AND name <> 'schema_version'")]
        out = {}
        for t in names:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})")]
            out[t] = (cols, sorted((tuple(r) for r in con.execute(
                f"SELECT * FROM {t}")), key=repr))
        return out
    finally:
        con.close()


def pg_rows(data):
    c = lookout_test.pg_cluster()
    db = lookout_test._pg_db_of(data)
    names = c.psql(db, "SELECT tablename FROM pg_tables WHERE schemaname = "
                   "current_schema() AND tablename <> 'schema_version'",
                   super_user=True).split()
    out = {}
    for t in names:
        cols = lookout_test.db_columns(data, t)
        out[t] = (cols, sorted(lookout_test.db_query(
            data, f"SELECT * FROM {t}"), key=repr))
    return out


def export(inst, name):
    path = os.path.join(inst.tmp, name)
    r = run_cli(["export", "--data", inst.data, "-o", path,
                 "--include-sealed"])
    assert r[0] == 0, r
    with open(path) as f:
        j = json.load(f)
    # When the export was made is the one thing that differs.
    for k in [k for k in j if "at" in k.split("_") or k == "exported"]:
        j.pop(k)
    return j


def migrate(data, url):
    return run_cli(["migrate", "--data", data, "--to", url])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_migrate():
    if not lookout_test.PG:
        lookout_test.skip("PostgreSQL only (LOOKOUT_TEST_PG=1)")
    c = lookout_test.pg_cluster()
    with Instance(regions=REGIONS, users=USERS, conf=CONF,
                  sqlite=True) as inst:
        conf_path = os.path.join(inst.data, "lookout.conf")
        state = populate(inst)
        member = state["tok"]["Bea"]
        before_screens = screen_all(inst, member)
        levels = {j["level"] for j in before_screens.values()}
        assert levels == {"red", "amber", "green"}, levels
        before_views = views(inst, state)
        before_public = public(inst)

        # Not while the server runs on the data dir.
        target = c.url(c.create_db())
        rc, out, err = migrate(inst.data, target)
        assert rc == 1 and "lookout serve" in err, (rc, out, err)
        # Refused before the target was touched.
        assert c.psql(target.rsplit("/", 1)[1], "SELECT count(*) FROM "
                      "pg_tables WHERE schemaname = 'public'",
                      super_user=True).strip() == "0"
        inst.stop()
        before_export = export(inst, "before.json")
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, (rc, out, err)
        audit_line = out.strip()

        # Refusals, each changing nothing.
        rc, out, err = migrate(inst.data, "mysql://x@localhost/db")
        assert rc == 2 and "postgresql://" in err, (rc, out, err)
        rc, out, err = migrate(inst.data, "postgresql://nobody:secret@"
                               f"127.0.0.1:{free_port()}/none")
        assert rc == 1 and "cannot connect" in err, (rc, out, err)
        assert "secret" not in err + out, (out, err)
        with Instance(regions=REGIONS, start=False) as other:
            # Another instance's database.
            rc, out, err = migrate(inst.data, other.db_url)
            assert rc == 1 and "already holds data" in err, (rc, out, err)
        # Another program's database: lookout lays none of its tables
        # there.
        theirs = c.create_db()
        c.psql(theirs, "CREATE TABLE invoices (id BIGINT PRIMARY KEY)",
               super_user=True)
        c.psql(theirs, f"ALTER TABLE invoices OWNER TO {c.APP}",
               super_user=True)
        rc, out, err = migrate(inst.data, c.url(theirs))
        assert rc == 1 and "not lookout's" in err, (rc, out, err)
        assert c.psql(theirs, "SELECT string_agg(tablename, ',') FROM "
                      "pg_tables WHERE schemaname = 'public'",
                      super_user=True).strip() == "invoices"
        newer = c.create_db()
        c.psql(newer, "CREATE TABLE schema_version (version BIGINT "
               "PRIMARY KEY, applied_at BIGINT NOT NULL); INSERT INTO "
               "schema_version VALUES (999, 0)", super_user=True)
        c.psql(newer, f"ALTER TABLE schema_version OWNER TO {c.APP}",
               super_user=True)
        rc, out, err = migrate(inst.data, c.url(newer))
        assert rc == 1 and "newer" in err and "upgrade lookout" in err, \
            (rc, out, err)
        with open(conf_path) as f:
            assert "postgresql" not in f.read()

        # The migration, to a URL that names a standby-to-be first (here
        # nothing listens there): libpq moves on to the next host.
        src = sqlite_rows(inst.db_path)
        target = target.replace("@localhost:", f"@localhost:{free_port()},"
                                "localhost:", 1)
        rc, out, err = migrate(inst.data, target)
        assert rc == 0, (rc, out, err)
        assert "audit log intact" in out, out
        with open(conf_path) as f:
            conf = f.read()
        assert conf == CONF.replace("db =\n", f"db = {target}\n"), conf
        assert os.stat(conf_path).st_mode & 0o777 == 0o600

        # Every row of every table, byte for byte; and the SQLite
        # database is as it was.
        dst = pg_rows(inst.data)
        assert sorted(dst) == sorted(src), (sorted(dst), sorted(src))
        for t in src:
            assert dst[t][0] == src[t][0], (t, dst[t][0], src[t][0])
            assert dst[t][1] == src[t][1], (t, len(dst[t][1]),
                                            len(src[t][1]))
        for t in ("users", "reports", "report_idents", "alerts",
                  "alert_idents", "cases", "case_notes", "audit",
                  "subscriptions", "outbox", "sessions", "police_shares",
                  "counters", "feed_tokens", "invites"):
            assert src[t][1], f"the test made no row in {t}"
        # More than the copy inserts in one statement (128 rows), so
        # that both ways of inserting reach PostgreSQL.
        assert len(src["audit"][1]) > 128, len(src["audit"][1])
        assert sqlite_rows(inst.db_path) == src

        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0 and out.strip() == audit_line, (rc, out, err,
                                                       audit_line)

        # Served from PostgreSQL: the same answers, to the same tokens.
        inst.start()
        assert public(inst) == before_public
        assert screen_all(inst, member) == before_screens
        after_views = views(inst, state)
        for k, v in before_views.items():
            assert after_views[k] == v, (k, after_views[k], v)
        after_export = export(inst, "after.json")
        for k, v in before_export.items():
            assert after_export.get(k) == v, (k, after_export.get(k), v)
        assert after_export == before_export
        # And it takes new reports.
        inst.json_request("POST", "/api/v1/reports", report_body(99),
                          token=member, expect=201)
        inst.stop()

        # Once is enough.
        rc, out, err = migrate(inst.data, c.url(c.create_db()))
        assert rc == 1 and "already uses a postgresql" in err, \
            (rc, out, err)


def test_usage():
    """On either backend: --help, missing options, and a URL that is not
    PostgreSQL's, none of which touches the data dir."""
    rc, out, err = run_cli(["migrate", "--help"])
    assert rc == 0 and "usage: lookout migrate" in out, (rc, out, err)
    with Instance(regions=REGIONS, start=False) as inst:
        for args in (["--data", inst.data],
                     ["--to", "postgresql://u@localhost/x"],
                     ["--data", inst.data, "--to", ""],
                     ["--data", inst.data, "--to", "sqlite:///x.db"],
                     ["--data", inst.data, "--to",
                      "postgresql://u@localhost/x", "extra"]):
            rc, out, err = run_cli(["migrate"] + args)
            assert rc == 2 and ("usage" in err or "postgresql://" in err), \
                (args, rc, out, err)
    with Instance(regions=REGIONS, start=False, sqlite=True) as inst:
        # A URL libpq cannot parse: its message quotes the URL, but never
        # the password.
        for url in ("postgresql://u:Pass-Quokka-41@[::1",
                    "postgresql://u:Pass-Quokka-41@localhost/x?bad=1"):
            rc, out, err = migrate(inst.data, url)
            assert rc == 1 and "cannot connect" in err, (rc, out, err)
            assert "Quokka" not in out + err, (out, err)
        # A database made by a newer lookout is not copied.
        lookout_test.db_execute(inst.data, "INSERT INTO schema_version "
                                "VALUES (999, 0)")
        rc, out, err = migrate(inst.data, "postgresql://u:pw@127.0.0.1:"
                               f"{free_port()}/x")
        assert rc == 1 and "newer" in err and "upgrade lookout" in err, \
            (rc, out, err)
        assert not os.path.exists(os.path.join(inst.data, "lookout.conf"))
        lookout_test.db_execute(inst.data, "DELETE FROM schema_version "
                                "WHERE version = 999")
        rc, out, err = run_cli(["audit", "verify", "--data", inst.data])
        assert rc == 0, (rc, out, err)


if __name__ == "__main__":
    lookout_test.main()

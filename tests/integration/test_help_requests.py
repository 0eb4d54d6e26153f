"""Help requests over the JSON API, without an account: create one and
get a reference, read its status and withdraw it with that reference
alone; a withdrawal destroys the contact, safe times and code word (none
of which was ever in the data dir in the clear); bad input is refused
naming the field; creating is rate-limited per client, in memory only,
and no client address reaches the database or the log."""

import os
import re

import lookout_test
from lookout_test import Instance

# It reads the PostgreSQL cluster's own files.
lookout_test.own_pg_cluster()

HELP = "/api/v1/help-requests"
REF_RE = re.compile(r"^H-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{2}$")

PHONE = "+1 (604) 555-0177"
PHONE_FORMS = ["+16045550177", "6045550177", "604) 555-0177", "555-0177"]
SAFE_TIMES = "Tuesdays-after-Quokka-hour"
CODE_WORD = "Tangerine-Lighthouse-4417"

REQUEST = {
    "contact": {"method": "phone", "value": PHONE},
    "safe_times": SAFE_TIMES,
    "language": "zh-Hans",
    "code_word": CODE_WORD,
    "needs": ["safety_planning", "leaving"],
    "danger_now": False,
    "screening": {"forced": False, "id_or_money_held": True,
                  "under_18": False},
}


def create(inst, body, expect=201):
    st, j = inst.json_request("POST", HELP, body, expect=expect)
    if expect == 201:
        assert set(j) == {"reference"}, j
        assert REF_RE.match(j["reference"]), j
        return j["reference"]
    return j


def status(inst, ref, expect=200):
    st, j = inst.json_request("GET", f"{HELP}/{ref}", expect=expect)
    return j


def needles():
    out = set()
    for w in [PHONE, SAFE_TIMES, CODE_WORD] + PHONE_FORMS:
        for v in (w, w.lower(), w.upper()):
            out.add(v.encode("utf-8"))
            out.add(v.encode("utf-16-le"))
    return out


def data_files(inst):
    # Plaintext never reaches the database: on PostgreSQL, the cluster's
    # files and its write-ahead log are searched too.
    return lookout_test.stored_files(inst.data, physical=True)


def grep_data(inst, words):
    found = []
    for path in data_files(inst):
        with open(path, "rb") as f:
            data = f.read()
        for w in words:
            if w in data:
                found.append(f"{os.path.basename(path)} contains {w!r}")
    return found


def test_create_status_withdraw():
    with Instance() as inst:
        ref = create(inst, REQUEST)
        assert status(inst, ref) == {"status": "open"}
        # The reference as someone might copy it down.
        assert status(inst, ref.lower())["status"] == "open"
        assert status(inst, ref.replace("-", ""))["status"] == "open"
        # Others: unknown, malformed.
        other = "H-2222-22" if ref != "H-2222-22" else "H-3333-33"
        j = status(inst, other, expect=404)
        assert j.get("error"), j
        status(inst, "H-0000-00", expect=404)
        status(inst, "nonsense", expect=404)
        st, j = inst.json_request("DELETE", f"{HELP}/{other}", expect=404)

        # Nothing she gave is in the data dir in the clear, even now.
        inst.stop()
        found = grep_data(inst, needles())
        assert not found, "\n".join(sorted(found))
        row = lookout_test.db_query(
            inst.data, "SELECT contact_sealed IS NOT NULL, "
            "safe_times_sealed IS NOT NULL, code_word_sealed IS NOT NULL, "
            "priority, language FROM cases")
        assert row == [(1, 1, 1, 3, "zh-Hans")], row
        inst.start()

        r = inst.request("DELETE", f"{HELP}/{ref}")
        assert r.status == 204, r
        assert r.body == b"", r
        assert status(inst, ref) == {"status": "withdrawn"}
        # Withdrawing again changes nothing.
        r = inst.request("DELETE", f"{HELP}/{ref}")
        assert r.status == 204, r

        inst.stop()
        rows = lookout_test.db_query(
            inst.data, "SELECT contact_sealed, safe_times_sealed, "
            "code_word_sealed, outcome_detail_sealed, status FROM cases")
        assert rows == [(None, None, None, None, "withdrawn")], rows
        found = grep_data(inst, needles())
        assert not found, "\n".join(sorted(found))
        log = inst.server_log().encode("utf-8")
        leaked = [n for n in needles() if n in log]
        assert not leaked, f"server log contains {leaked}"


def expect_field(inst, body, field):
    st, j = inst.json_request("POST", HELP, body)
    assert st == 400, (st, j, body)
    assert j.get("field") == field, (field, j, body)
    assert j.get("error"), j


def with_contact(method, value):
    b = dict(REQUEST)
    b["contact"] = {"method": method, "value": value}
    return b


def test_bad_requests_name_the_field():
    with Instance() as inst:
        expect_field(inst, with_contact("fax", PHONE), "contact.method")
        expect_field(inst, with_contact("", PHONE), "contact.method")
        expect_field(inst, with_contact("phone", "call me maybe"),
                     "contact.value")
        expect_field(inst, with_contact("sms", ""), "contact.value")
        expect_field(inst, with_contact("email", "not-an-address"),
                     "contact.value")
        expect_field(inst, with_contact("dropin", PHONE), "contact.value")
        b = dict(REQUEST)
        del b["contact"]
        expect_field(inst, b, "contact")
        b = dict(REQUEST, contact={"value": PHONE})
        expect_field(inst, b, "contact.method")
        expect_field(inst, dict(REQUEST, language="en_GB!"), "language")
        expect_field(inst, dict(REQUEST, needs=["a pony"]), "needs")
        expect_field(inst, dict(REQUEST, danger_now="yes"), "danger_now")
        expect_field(inst, dict(REQUEST, code_word="two\nlines"),
                     "code_word")
        expect_field(inst, dict(REQUEST, screening={"armed": True}),
                     "screening.armed")
        expect_field(inst, dict(REQUEST, ip="10.0.0.1"), "ip")
        # None of them stored anything; good ones still work.
        create(inst, with_contact("dropin", ""))
        create(inst, with_contact("email", "Someone+x@Example.org"))
        create(inst, with_contact("sms", "604.555.0177"))
        b = {"contact": {"method": "dropin"}}
        create(inst, b)
        inst.stop()
        n = lookout_test.db_query(inst.data,
                                  "SELECT COUNT(*) FROM cases")[0][0]
        assert n == 4, n


def test_rate_limit_and_no_address_kept():
    with Instance() as inst:
        body = with_contact("dropin", "")
        got = []
        for _ in range(12):
            r = inst.request("POST", HELP, body)
            got.append(r.status)
            if r.status == 429:
                break
        assert got[:10] == [201] * 10, got
        assert got[-1] == 429, got
        retry = r.headers.get("retry-after", "")
        assert retry.isdigit() and 1 <= int(retry) <= 60, r.headers
        assert r.json().get("error"), r
        # Over budget, nothing gets through, valid or not.
        st, j = inst.json_request("POST", HELP, with_contact("fax", "1"))
        assert st == 429, (st, j)
        # Lookups have a budget of their own.
        status(inst, "H-2222-22", expect=404)

        inst.stop()
        found = grep_data(inst, [b"127.0.0.1",
                                 "127.0.0.1".encode("utf-16-le")])
        assert not found, "\n".join(found)
        log = inst.server_log().encode("utf-8")
        assert b"127.0.0.1" not in log, inst.server_log()
        n = lookout_test.db_query(inst.data,
                                  "SELECT COUNT(*) FROM cases")[0][0]
        audit = lookout_test.db_query(
            inst.data, "SELECT actor_id, action, object, detail "
            "FROM audit WHERE action LIKE 'help.%'")
        assert n == 10, n
        assert len(audit) == 10, audit
        for actor, action, obj, detail in audit:
            assert actor == 0 and action == "help.create", audit
            assert obj.startswith("case:"), audit
            assert "127.0.0.1" not in obj + detail, audit


def test_lookup_guessing_is_limited():
    with Instance() as inst:
        ref = create(inst, with_contact("dropin", ""))
        got = []
        for i in range(12):
            guess = "H-2222-2" + "23456789ABCD"[i]
            if guess == ref:
                continue
            got.append(inst.request("GET", f"{HELP}/{guess}").status)
        assert got[:10] == [404] * 10, got
        assert got[-1] == 429, got
        r = inst.request("DELETE", f"{HELP}/{ref}")
        assert r.status == 429, r


if __name__ == "__main__":
    lookout_test.main()

"""Statistics and the transparency report never publish a count below k:
such a count, zero included, is the string "<k"; a count of k or more is
an integer. k comes from lookout.conf (k_anonymity, 5 by default), and a
report of two types is still one incident by month and by region."""

import datetime

import lookout_test
from lookout_test import Instance

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-bc-vic", "Victoria", "ca-bc")]
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])
LIAISON = ("Lia-Liaison", "liaison", "lia's long password", [])

TYPES = ["violence", "sexual_assault", "robbery", "threats", "stalking",
         "non_payment", "condom_refusal", "coercion", "trafficking",
         "police_incident", "other"]
OUTCOMES = ["contacted", "safety_plan", "left", "referred", "police_report",
            "unreachable", "withdrawn"]

TODAY = datetime.date.today()


def quarter_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"{now.year:04d}-Q{(now.month - 1) // 3 + 1}"


def file_report(inst, tok, types, region="ca-bc-van", police="none"):
    inst.json_request("POST", "/api/v1/reports", {
        "types": types, "occurred_on": TODAY.isoformat(), "region": region,
        "narrative": "n", "consent": {"alert": True, "police": police}},
        token=tok, expect=201)


def stats(inst):
    st, j = inst.json_request("GET", "/api/v1/stats", expect=200)
    assert set(j) == {"k", "incidents_by_month", "incidents_by_type",
                      "incidents_by_region", "help_requests_by_outcome"}, j
    return j


def check_published(j, k):
    """Every count is an integer of at least k, or exactly "<k"."""
    lists = [v for v in j.values() if isinstance(v, list)]
    for cells in lists:
        for c in cells:
            for key, v in c.items():
                if key in ("month", "type", "region", "outcome", "quarter"):
                    continue
                if isinstance(v, str):
                    assert v == f"<{k}", (key, v, j)
                else:
                    assert isinstance(v, int) and not isinstance(v, bool), \
                        (key, v, j)
                    assert v >= k, (key, v, j)


def table(j, name, key):
    return {c[key]: c["count"] for c in j[name]}


def test_stats_threshold():
    with Instance(regions=REGIONS, users=[MEMBER, LIAISON]) as inst:
        a = inst.login(MEMBER[0], MEMBER[2])
        lia = inst.login(LIAISON[0], LIAISON[2])

        # Nothing yet: every cell is "<5", and no cell is missing (a
        # missing one would say "0" just as well).
        j = stats(inst)
        assert j["k"] == 5, j
        check_published(j, 5)
        assert list(table(j, "incidents_by_type", "type")) == TYPES, j
        assert set(table(j, "incidents_by_type", "type").values()) == \
            {"<5"}, j
        assert list(table(j, "help_requests_by_outcome", "outcome")) == \
            OUTCOMES, j
        assert table(j, "incidents_by_region", "region") == {
            "ca": "<5", "ca-bc": "<5", "ca-bc-van": "<5",
            "ca-bc-vic": "<5"}, j
        assert j["incidents_by_month"] == [], j
        st, t = inst.json_request("GET", "/api/v1/transparency",
                                  expect=200)
        assert t == {"k": 5, "quarters": []}, t

        for _ in range(4):
            file_report(inst, a, ["robbery"])
        for _ in range(5):
            file_report(inst, a, ["stalking"])
        file_report(inst, a, ["other"], region="ca-bc-vic")
        j = stats(inst)
        check_published(j, 5)
        by_type = table(j, "incidents_by_type", "type")
        assert by_type["robbery"] == "<5", by_type       # 4
        assert by_type["stalking"] == 5, by_type         # exactly k
        assert by_type["other"] == "<5", by_type         # 1
        assert by_type["violence"] == "<5", by_type      # 0
        month = TODAY.strftime("%Y-%m")
        assert table(j, "incidents_by_month", "month")[month] == 10, j
        by_region = table(j, "incidents_by_region", "region")
        assert by_region["ca-bc-van"] == 9, by_region
        assert by_region["ca-bc-vic"] == "<5", by_region

        # Two types in one report: each type counts it, the month and the
        # region count it once.
        file_report(inst, a, ["robbery", "threats"])
        j = stats(inst)
        check_published(j, 5)
        by_type = table(j, "incidents_by_type", "type")
        assert by_type["robbery"] == 5, by_type
        assert by_type["threats"] == "<5", by_type
        assert table(j, "incidents_by_month", "month")[month] == 11, j
        assert table(j, "incidents_by_region",
                     "region")["ca-bc-van"] == 10, j

        # Transparency: six liaison views, one report shared.
        file_report(inst, a, ["police_incident"], police="anonymous")
        for _ in range(6):
            inst.json_request("GET", "/api/v1/police/reports", token=lia,
                              expect=200)
        st, t = inst.json_request("GET", "/api/v1/transparency",
                                  expect=200)
        assert t["k"] == 5, t
        check_published(t, 5)
        assert t["quarters"] == [{
            "quarter": quarter_now(), "liaison_views": 6,
            "shared_anonymous": "<5", "shared_full": "<5",
            "police_incidents": "<5"}], t

        # Four more police incidents make five.
        for _ in range(4):
            file_report(inst, a, ["police_incident"])
        st, t = inst.json_request("GET", "/api/v1/transparency",
                                  expect=200)
        assert t["quarters"][0]["police_incidents"] == 5, t


def test_k_from_config():
    with Instance(regions=REGIONS, users=[MEMBER],
                  conf="# a smaller network\nk_anonymity = 3\n") as inst:
        a = inst.login(MEMBER[0], MEMBER[2])
        for _ in range(3):
            file_report(inst, a, ["robbery"])
        for _ in range(2):
            file_report(inst, a, ["stalking"])
        j = stats(inst)
        assert j["k"] == 3, j
        check_published(j, 3)
        by_type = table(j, "incidents_by_type", "type")
        assert by_type["robbery"] == 3, by_type
        assert by_type["stalking"] == "<3", by_type
        assert by_type["violence"] == "<3", by_type
        st, t = inst.json_request("GET", "/api/v1/transparency",
                                  expect=200)
        assert t["k"] == 3, t


if __name__ == "__main__":
    lookout_test.main()

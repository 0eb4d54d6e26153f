"""The printed bad-date sheet: `lookout sheet` and the staff download
GET /alerts/sheet.pdf. The PDF is read back with pdftotext and pdfinfo
(poppler-utils) and its QR code with zbarimg (zbar-tools): the summaries
come out exactly (French accents and Chinese intact), the title is
translated, the severity groups come in order high, medium, low, the
paper follows paper_size, pages break, and only staff may download it.

One data dir serves every check (each lookout serve start is seconds on
a loaded machine): lookout sheet reads lookout.conf afresh each run, so
the paper and public_url checks rewrite it after the server's checks."""

import datetime
import os
import re
import stat
import subprocess
import tempfile
import urllib.parse

import lookout_test
from lookout_test import Instance, WebClient, run_cli

REGIONS = [("ca", "Canada"), ("ca-bc", "British Columbia", "ca"),
           ("ca-bc-van", "Vancouver", "ca-bc"),
           ("ca-on-tor", "Toronto", "ca"), ("ca-ab-cal", "Calgary", "ca")]
OUTREACH = ("Olu-Outreach", "outreach", "olu's long password", ["ca-bc"])
MEMBER = ("Amara", "member", "amara's long password", ["ca-bc-van"])

HIGH = "Client violent près de l'hôtel — très dangereux"
MEDIUM = "在酒店附近的暴力客人"
LOW = "Refused to pay after the booking; grey Honda Civic"
ELSEWHERE = "Toronto-only summary 4471"
URL = "https://lookout.example.org"

TITLES = {"en": "Bad date sheet", "fr": "Liste des mauvais clients",
          "zh-Hans": "危险客人警示单"}
GROUPS = {"en": ["High severity", "Medium severity", "Low severity"],
          "fr": ["Gravité élevée", "Gravité moyenne", "Gravité faible"],
          "zh-Hans": ["严重程度：高", "严重程度：中", "严重程度：低"]}
REPORT = {"en": "Report a bad date", "fr": "Signaler un mauvais client",
          "zh-Hans": "报告危险客人"}
NO_GUARANTEE = {"en": "No report is not a guarantee of safety.",
                "fr": "Aucun signalement ne veut pas dire aucun danger.",
                "zh-Hans": "没有报告不代表一定安全。"}
TYPES = {"en": "Violence", "fr": "Violence", "zh-Hans": "暴力"}
MONTHS = {"en": ["January", "February", "March", "April", "May", "June",
                 "July", "August", "September", "October", "November",
                 "December"],
          "fr": ["janvier", "février", "mars", "avril", "mai", "juin",
                 "juillet", "août", "septembre", "octobre", "novembre",
                 "décembre"]}


def written(day, lang):
    """A date the way the sheet's readers write it."""
    if lang == "fr":
        return f"{day.day} {MONTHS['fr'][day.month - 1]} {day.year}"
    if lang == "zh-Hans":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{MONTHS['en'][day.month - 1]} {day.day}, {day.year}"


def utc_today():
    """The sheet's dates are UTC days."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def conf(paper=None, public_url=URL):
    lines = []
    if public_url:
        lines.append(f"public_url = {public_url}/")
    if paper:
        lines.append(f"paper_size = {paper}")
    return "\n".join(lines) + "\n"


def publish(inst, staff, member, summary, severity, region, types):
    day = datetime.date.today().isoformat()
    st, j = inst.json_request("POST", "/api/v1/reports", {
        "types": types, "occurred_on": day, "region": region,
        "narrative": "what happened",
        "consent": {"alert": True, "police": "none", "share_orgs": True}},
        token=member, expect=201)
    inst.json_request("POST", f"/api/v1/reports/{j['id']}/alert", {
        "summary": summary, "severity": severity, "regions": [region],
        "identifiers": []}, token=staff, expect=201)


def seed(inst):
    """Low first and high last, so that the order on the sheet is the
    grouping's, not the order of publication."""
    staff = inst.login(OUTREACH[0], OUTREACH[2])
    member = inst.login(MEMBER[0], MEMBER[2])
    publish(inst, staff, member, LOW, "low", "ca-bc-van", ["non_payment"])
    publish(inst, staff, member, MEDIUM, "medium", "ca-bc-van",
            ["robbery"])
    publish(inst, staff, member, HIGH, "high", "ca-bc-van",
            ["violence", "threats"])
    publish(inst, staff, member, ELSEWHERE, "high", "ca-on-tor",
            ["violence"])


def instance(**kw):
    return Instance(regions=REGIONS, users=[OUTREACH, MEMBER], **kw)


def pdftotext(path):
    p = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, f"pdftotext {path}: {p.stderr!r}"
    return p.stdout.decode("utf-8")


def pdfinfo(path):
    p = subprocess.run(["pdfinfo", path], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, f"pdfinfo {path}: {p.stderr!r}"
    info = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition(":")
        info[k.strip()] = v.strip()
    return info


def qr_codes(path, tmp):
    """What the QR codes on the first page of the PDF say (zbarimg, from
    zbar-tools, on the page rendered by pdftoppm)."""
    png = os.path.join(tmp, "qr")
    p = subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l",
                        "1", "-singlefile", path, png],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, f"pdftoppm {path}: {p.stderr!r}"
    p = subprocess.run(["zbarimg", "-q", "--raw", png + ".png"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"zbarimg found no code: {p.stderr!r}"
    return p.stdout.split()


def sheet(inst, path, *args):
    return run_cli(["sheet", "--data", inst.data, "-o", path] + list(args))


def sheet_ok(inst, path, *args):
    rc, out, err = sheet(inst, path, *args)
    assert rc == 0, f"lookout sheet exited {rc}\nstdout: {out}\nstderr: {err}"
    return out, err


def in_order(text, items):
    """Asserts each of items is in text, in that order."""
    at = [text.find(s) for s in items]
    for s, i in zip(items, at):
        assert i >= 0, f"{s!r} is not on the sheet:\n{text}"
    assert at == sorted(at), f"{items} are out of order on the sheet:\n{text}"


def check_languages(inst):
    for lang in ("en", "fr", "zh-Hans"):
        path = os.path.join(inst.tmp, f"sheet-{lang}.pdf")
        out, _ = sheet_ok(inst, path, "--region", "ca-bc-van", "--lang",
                          lang)
        assert "3 alerts" in out, out
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == 0o600, f"{path} has mode {mode:o}, expected 600"
        with open(path, "rb") as f:
            assert f.read(5) == b"%PDF-"
        text = pdftotext(path)
        lookout_test.note(f"--- {lang} sheet ---\n{text}")
        assert TITLES[lang] in text
        assert "Vancouver" in text
        # The groups in severity order, each with its alert.
        g = GROUPS[lang]
        in_order(text, [g[0], HIGH, g[1], MEDIUM, g[2], LOW])
        assert TYPES[lang] in text
        assert ELSEWHERE not in text, "another region's alert"
        assert REPORT[lang] in text and NO_GUARANTEE[lang] in text
        assert URL + "/report" in text
        # Dates in the reader's language: the week covered, and the day
        # each alert was issued; never the ISO form.
        today = utc_today()
        week_ago = today - datetime.timedelta(days=7)
        assert f"{written(week_ago, lang)} – {written(today, lang)}" in text
        assert text.count(written(today, lang)) >= 4, text
        assert today.isoformat() not in text
        assert week_ago.isoformat() not in text
        assert "A4" in pdfinfo(path)["Page size"]
        if lang == "en":
            assert qr_codes(path, inst.tmp) == [URL + "/report"]


def check_parent_region_and_since(inst):
    path = os.path.join(inst.tmp, "bc.pdf")
    today = datetime.date.today()
    sheet_ok(inst, path, "--region", "ca-bc", "--since", today.isoformat())
    text = pdftotext(path)
    assert "British Columbia" in text
    in_order(text, [HIGH, MEDIUM, LOW])
    assert ELSEWHERE not in text

    later = os.path.join(inst.tmp, "later.pdf")
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    out, _ = sheet_ok(inst, later, "--region", "ca-bc-van", "--since",
                      tomorrow)
    assert "0 alerts" in out, out
    text = pdftotext(later)
    assert "No alerts for this region in this period." in text
    assert HIGH not in text and LOW not in text
    assert written(today + datetime.timedelta(days=1), "en") in text
    assert tomorrow not in text


def check_download(inst):
    since = (datetime.date.today() - datetime.timedelta(days=7)).isoformat()
    web = WebClient(inst)
    web.login(OUTREACH[0], OUTREACH[2])
    page = web.get("/alerts")
    assert page.status == 200, page
    form = lookout_test.find_form(page.text, "/alerts/sheet.pdf")
    assert form.attrs.get("method", "").lower() == "get"
    assert form.value("since") == since
    regions = [v for kind, a in form.inputs
               if kind == "select" and a.get("name") == "region"
               for v, _, _ in a["options"]]
    assert "ca-bc-van" in regions, regions

    q = urllib.parse.urlencode({"region": "ca-bc-van", "since": since,
                                "language": "fr"})
    r = web.get(f"/alerts/sheet.pdf?{q}")
    assert r.status == 200, r
    assert r.headers.get("content-type") == "application/pdf", r.headers
    disp = r.headers.get("content-disposition", "")
    assert disp.startswith("attachment"), disp
    assert re.search(r'filename="lookout-sheet-ca-bc-van-[0-9-]+\.pdf"',
                     disp), disp
    assert r.body.startswith(b"%PDF"), r.body[:20]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(r.body)
        f.flush()
        text = pdftotext(f.name)
    assert TITLES["fr"] in text
    in_order(text, [HIGH, MEDIUM, LOW])

    # The page's own language when none is asked for.
    r = web.get("/alerts/sheet.pdf?region=ca-bc-van",
                headers={"Accept-Language": "zh-CN"})
    assert r.status == 200 and r.body.startswith(b"%PDF"), r

    for bad in ("since=2026-02-30", "region=nowhere", "language=de",
                "colour=red"):
        r = web.get(f"/alerts/sheet.pdf?{bad}")
        assert r.status == 400, (bad, r)

    member = WebClient(inst)
    member.login(MEMBER[0], MEMBER[2])
    r = member.get("/alerts/sheet.pdf?region=ca-bc-van")
    assert r.status == 403, r
    assert not r.body.startswith(b"%PDF")
    page = member.get("/alerts")
    assert "/alerts/sheet.pdf" not in page.text

    r = WebClient(inst).get("/alerts/sheet.pdf?region=ca-bc-van")
    assert r.status in (302, 303), r
    assert not r.body.startswith(b"%PDF")


def check_pagination(inst):
    staff = inst.login(OUTREACH[0], OUTREACH[2])
    member = inst.login(MEMBER[0], MEMBER[2])
    for i in range(30):
        publish(inst, staff, member,
                f"Alert {i:02d}: " + "a long description of him " * 8,
                ("high", "medium", "low")[i % 3], "ca-ab-cal",
                ["violence"])
    path = os.path.join(inst.tmp, "many.pdf")
    out, _ = sheet_ok(inst, path, "--region", "ca-ab-cal")
    pages = int(pdfinfo(path)["Pages"])
    assert pages > 1, out
    assert f"on {pages} pages" in out, out
    text = pdftotext(path)
    for i in range(30):
        assert f"Alert {i:02d}:" in text, f"alert {i} is missing"
    # The footer is on every page.
    assert text.count("Report a bad date") == pages, text
    assert f"{pages} / {pages}" in text or f"{pages}/{pages}" in text


def write_conf(inst, text):
    """Replace lookout.conf's paper_size and public_url with text's,
    keeping the rest (on PostgreSQL, init's db line)."""
    path = os.path.join(inst.data, "lookout.conf")
    with open(path) as f:
        kept = [line for line in f.read().splitlines()
                if not line.startswith(("paper_size", "public_url"))]
    with open(path, "w") as f:
        f.write("\n".join(kept + [text]) + "\n")


def check_paper_size(inst):
    for paper, size in (("Letter", "612 x 792"), ("A4", "595.28 x 841.89")):
        write_conf(inst, conf(paper=paper))
        path = os.path.join(inst.tmp, f"sheet-{paper}.pdf")
        sheet_ok(inst, path, "--region", "ca-bc-van")
        got = pdfinfo(path)["Page size"]
        assert got.startswith(size), f"{paper}: page size {got!r}"


def check_no_public_url(inst):
    write_conf(inst, conf(public_url=""))
    path = os.path.join(inst.tmp, "relative.pdf")
    _, err = sheet_ok(inst, path, "--region", "ca-bc-van")
    assert "public_url" in err, err
    text = pdftotext(path)
    assert "Ask us for the web address of the report form." in text, text
    assert "https://" not in text
    assert qr_codes(path, inst.tmp) == ["/report"]


def check_overwrite(inst):
    path = os.path.join(inst.tmp, "sheet.pdf")
    with open(path, "wb") as f:
        f.write(b"last week's sheet")
    rc, out, err = sheet(inst, path, "--region", "ca-bc-van")
    assert rc == 1, (rc, out, err)
    assert "already exists" in err and "--force" in err, err
    with open(path, "rb") as f:
        assert f.read() == b"last week's sheet"
    sheet_ok(inst, path, "--region", "ca-bc-van", "--force")
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600, f"mode {mode:o}"
    left = [n for n in os.listdir(inst.tmp) if n.startswith("sheet.pdf.")]
    assert not left, f"temporary files left behind: {left}"


def check_bad_arguments(inst):
    path = os.path.join(inst.tmp, "bad.pdf")
    rc, _, err = sheet(inst, path, "--region", "xx-nowhere")
    assert rc == 1 and "unknown region" in err, (rc, err)
    rc, _, err = sheet(inst, path, "--region", "ca", "--since", "2026-13-01")
    assert rc == 1 and "YYYY-MM-DD" in err, (rc, err)
    rc, _, err = sheet(inst, path, "--region", "ca", "--lang", "de")
    assert rc == 2, (rc, err)
    rc, _, err = run_cli(["sheet", "--data", inst.data, "-o", path])
    assert rc == 2, "--region is required"
    assert not os.path.exists(path), "a failed run left a file"
    rc, out, _ = run_cli(["sheet", "--help"])
    assert rc == 0 and "--force" in out


def test_sheet():
    with instance(conf=conf()) as inst:
        seed(inst)
        check_languages(inst)
        check_parent_region_and_since(inst)
        check_download(inst)
        check_pagination(inst)
        # lookout.conf changes from here on; the server keeps its own.
        check_paper_size(inst)
        check_no_public_url(inst)
        check_overwrite(inst)
        check_bad_arguments(inst)


if __name__ == "__main__":
    lookout_test.main()

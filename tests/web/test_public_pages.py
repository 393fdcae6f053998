"""Catalogue, tracking and verification pages (no login)."""
from tests.helpers import submit_residential

from .conftest import text


def test_home_lists_each_service_with_documents_fee_and_sla(pages):
    html = text(pages.get("/"))
    assert "Ordinary Residential Certificate" in html
    assert "Admit Card of Secondary Examination or Birth Certificate" in html
    assert "5 days" in html and "Free" in html
    assert 'href="/apply/residential_edistrict"' in html


def test_home_in_bengali_uses_bengali_names_and_digits(pages):
    client = pages.as_(None)
    client.post("/language", data={"lang": "bn", "next": "/"})
    html = text(client.get("/"))
    assert '<html lang="bn">' in html
    assert "সাধারণ বাসস্থান শংসাপত্র" in html and "৫ দিন" in html and "বিনামূল্যে" in html
    # codes are identifiers, not numbers: they keep their Latin digits (issue 14)
    assert "HHA012" in html and "HHA০১২" not in html and "PRD০" not in html


def test_track_shows_status_and_no_personal_data(pages, api):
    ain = submit_residential(api, name="Rahima Khatun")
    r = pages.get(f"/track?ain={ain.lower().replace('-', '')}")
    html = text(r)
    assert r.status_code == 200 and ain in html
    assert "Submitted" in html and "Verification of documents" in html
    assert "Rahima" not in html and "9876543210" not in html


def test_track_with_a_mistyped_check_character_gives_a_hint(pages, api):
    ain = submit_residential(api)
    wrong = ain[:-1] + ("5" if ain[-1] != "5" else "6")  # not a look-alike (those are corrected)
    r = pages.get(f"/track?ain={wrong}")
    assert r.status_code == 404 and "last character does not match" in text(r)


def test_verify_unknown_uin_says_so(pages):
    r = pages.get("/verify?uin=HHA0122026999999", follow_redirects=True)
    assert r.status_code == 404 and "No certificate has this number" in text(r)


def test_unknown_page_is_an_html_404_and_unknown_api_path_stays_json(pages):
    r = pages.get("/no-such-page")
    assert r.status_code == 404 and "text/html" in r.content_type
    r = pages.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_an_ain_typed_into_verify_is_named_and_linked_to_tracking(pages, api):
    """Issue 14: the AIN is not cut off nor looked up as a certificate number."""
    ain = submit_residential(api)
    for r in (pages.get(f"/verify?uin={ain}"), pages.get(f"/verify/{ain}")):
        html = text(r)
        assert r.status_code == 200 and 'id="verify-ain"' in html
        assert f'href="/track?ain={ain}"' in html and f'value="{ain}"' in html
    assert 'maxlength="40"' in text(pages.get("/verify"))


def test_dates_on_pages_are_human(pages, api):
    """Issue 14: form dates read as dates, not ISO strings."""
    ain = submit_residential(api)
    html = text(pages.get(f"/applications/{ain}", user="operator.csc-domkal"))
    assert "12 Apr 1990" in html and "1990-04-12" not in html


def test_the_verify_page_title_is_only_the_title(api, client):
    """A merge once put the QR-check panel (and its script) inside <title>: it then rendered twice."""
    import re
    from tests.certificates.flow_helpers import issue
    _, uin = issue(api, "income")
    html = client.get(f"/verify/{uin}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert "<article" not in title and "Verify a certificate" in title
    assert html.count('id="qr-check"') == 1

"""Bengali pages say in words what codes stand for (issue 14: the operator's form showed DOORSTEP),
and mark people's names so the browser journey can tell a name from an untranslated label."""
from .conftest import text


def test_channels_are_named_in_the_page_language(pages):
    html = text(pages.get("/apply/residential_edistrict", user="operator.csc-domkal"))
    assert '<option value="DOORSTEP" >Doorstep camp (Duare Sarkar)</option>' in html
    pages.post("/language", data={"lang": "bn", "next": "/"}, user="operator.csc-domkal")
    html = text(pages.get("/apply/residential_edistrict", user="operator.csc-domkal"))
    assert '<option value="DOORSTEP" >দুয়ারে সরকার শিবির</option>' in html and ">DOORSTEP<" not in html
    assert "বাংলা সহায়তা কেন্দ্র (BSK)" in html


def test_the_logged_in_name_is_marked_as_a_name(pages):
    html = text(pages.get("/my/applications", user="operator.csc-domkal"))
    assert '<p class="who">Logged in as <bdi class="person-name">' in html

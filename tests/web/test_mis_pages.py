"""MIS dashboards count what the database holds, within the viewer's jurisdiction; CSV export."""
import re

from tests.helpers import act, submit_residential
from tests.sla.sla_helpers import Clock, ist

from .conftest import text


def _figure(html, name):
    import re
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


def test_counts_by_gp_block_and_service_for_the_dm(pages, api):
    ains = [submit_residential(api), submit_residential(api), submit_residential(api, lgd_code="131011")]
    act(api, "bdo.domkal", ains[0], "reject", reason="Not a resident.")
    html = text(pages.get("/mis/?by=gp", user="dm.murshidabad"))
    assert (_figure(html, "received"), _figure(html, "pending"), _figure(html, "rejected")) == ("3", "2", "1")
    assert 'data-key="131001"' in html and 'data-key="131011"' in html
    by_block = text(pages.get("/mis/?by=block", user="dm.murshidabad"))
    assert 'data-key="3101"' in by_block and 'data-key="3102"' in by_block
    csv = text(pages.get("/mis/summary.csv?by=service", user="dm.murshidabad"))
    assert "residential_edistrict,Ordinary Residential Certificate,3,2,0,1," in csv
    assert csv.strip().splitlines()[-1].startswith("total,Total,3,2,0,1,")


def test_jurisdiction_limits_what_each_office_sees(pages, api):
    submit_residential(api)                       # Raipur GP, Domkal block, Murshidabad
    assert _figure(text(pages.get("/mis/", user="bdo.domkal")), "received") == "1"
    assert _figure(text(pages.get("/mis/", user="bdo.jalangi")), "received") == "0"
    assert _figure(text(pages.get("/mis/", user="pradhan.raipur")), "received") == "1"
    assert _figure(text(pages.get("/mis/", user="pradhan.garaimari")), "received") == "0"
    assert _figure(text(pages.get("/mis/", user="sdo.domkal")), "received") == "1"
    assert _figure(text(pages.get("/mis/", user="dm.north24parganas")), "received") == "0"
    # a CSC operator sees what the CSC entered
    assert _figure(text(pages.get("/mis/", user="operator.csc-domkal")), "received") == "1"
    assert pages.get("/mis/", user="eo.domkal").status_code == 403


def test_dates_limit_the_period(pages, api):
    submit_residential(api)
    assert _figure(text(pages.get("/mis/?from=2000-01-01&to=2000-12-31", user="dm.murshidabad")), "received") == "0"


def test_the_dashboard_shows_the_reports_areas_figures(pages, api):
    """The rows are those of GET /api/v1/reports/summary (the SLA engineer's SQL), Bengali names added."""
    import re
    ains = [submit_residential(api), submit_residential(api, lgd_code="131011")]
    act(api, "bdo.domkal", ains[0], "verify")
    act(api, "bdo.domkal", ains[0], "approve")
    report = api.get("/api/v1/reports/summary?by=block", user="dm.murshidabad").get_json()["items"]
    html = text(pages.get("/mis/?by=block", user="dm.murshidabad"))
    for row in report:
        cells = re.search(rf'data-key="{row["key"]}"><th scope="row">[^<]*</th>((?:<td>[^<]*</td>){{5}})', html)
        assert cells, row
        assert re.findall(r"<td>([^<]*)</td>", cells.group(1)) == [
            str(row[k]) for k in ("received", "pending", "delivered", "rejected", "overdue")]
    assert _figure(html, "delivered") == str(sum(r["delivered"] for r in report)) == "1"
    pages.post("/language", data={"lang": "bn", "next": "/"}, user="dm.murshidabad")
    bn = text(pages.get("/mis/?by=block", user="dm.murshidabad"))
    assert "ডোমকল" in bn and _figure(bn, "received") == "২"


def test_a_malformed_date_is_named_beside_its_field(pages, api):
    submit_residential(api)
    r = pages.get("/mis/?from=05-01-2026", user="dm.murshidabad")
    html = text(r)
    assert r.status_code == 422 and 'id="from-error">must be a valid date' in html
    assert _figure(html, "received") == "1"  # the whole period is shown meanwhile


def test_places_without_applications_are_shown_with_zeros(pages, api):
    submit_residential(api)                       # Raipur GP, Domkal block
    html = text(pages.get("/mis/?by=block", user="dm.murshidabad"))
    jalangi = re.search(r'data-key="3102"><th scope="row">[^<]*</th>((?:<td>[^<]*</td>){6})', html)
    assert jalangi, "a block with no applications must still be listed"
    assert re.findall(r"<td>([^<]*)</td>", jalangi.group(1)) == ["0", "0", "0", "0", "0", "—"]
    gps = text(pages.get("/mis/?by=gp", user="bdo.domkal"))
    assert 'data-key="131001"' in gps and 'data-key="131002"' in gps


def test_sla_on_time_counts_open_overdue_applications_as_late(pages, api):
    """One application decided on time (two steps) and one still waiting past its due time: 2 of 3
    steps on time — never "100 %" beside an overdue application."""
    with Clock(api, ist(2026, 1, 5, 10, 0)) as clock:
        done, waiting = submit_residential(api), submit_residential(api)
        act(api, "bdo.domkal", done, "verify")
        act(api, "bdo.domkal", done, "approve")
        clock.to(ist(2026, 1, 6, 16, 0))         # the waiting one's verification is past its due time
        html = text(pages.get("/mis/?by=block", user="dm.murshidabad"))
        assert _figure(html, "overdue") == "1"
        assert _figure(html, "on_time") == "66.7 %"
        domkal = re.search(r'data-key="3101"><th scope="row">[^<]*</th>((?:<td>[^<]*</td>){6})', html)
        assert re.findall(r"<td>([^<]*)</td>", domkal.group(1))[-1] == "66.7 %"
        assert waiting in html                    # and it is on the overdue list

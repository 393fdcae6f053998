"""``flask lgd import``: columns, idempotence, bad rows with line numbers, all-or-nothing unless --skip-bad."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Location, Office

HEADER = "level,lgd_code,name,name_bn,parent_lgd_code\n"
GOOD = HEADER + """STATE,19,West Bengal,পশ্চিমবঙ্গ,
DISTRICT,306,Nadia,নদিয়া,19
SUBDIVISION,2301,Krishnanagar Sadar,কৃষ্ণনগর সদর,306
BLOCK,3301,Krishnanagar-I,কৃষ্ণনগর-১,2301
GP,140001,Bhandarkhola,ভাণ্ডারখোলা,3301
GP,140002,Dogachhi,দোগাছি,3301
MUNICIPALITY,801,Krishnanagar Municipality,কৃষ্ণনগর পৌরসভা,2301
WARD,80101,Ward 1,ওয়ার্ড ১,801
"""


def run(app, tmp_path, text, *args, name="lgd.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["lgd", "import", str(path), *args])


def location_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Location))


def test_import_loads_every_level_and_is_idempotent(bare_app, tmp_path):
    result = run(bare_app, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "created 8, updated 0, unchanged 0" in result.output
    assert "Loading LGD rows" in result.output          # the progress bar (plain label off a terminal)
    with bare_app.app_context():
        ward = db.session.scalar(select(Location).where(Location.lgd_code == "80101"))
        assert [loc.level for loc in ward.ancestors()] == ["WARD", "MUNICIPALITY", "SUBDIVISION", "DISTRICT", "STATE"]
        gp = db.session.scalar(select(Location).where(Location.lgd_code == "140002"))
        assert (gp.name, gp.name_bn, gp.parent.lgd_code) == ("Dogachhi", "দোগাছি", "3301")
    again = run(bare_app, tmp_path, GOOD)
    assert again.exit_code == 0 and "created 0, updated 0, unchanged 8" in again.output
    renamed = run(bare_app, tmp_path, GOOD.replace("Dogachhi,", "Dogachi,"))
    assert "created 0, updated 1, unchanged 7" in renamed.output
    assert location_count(bare_app) == 8


def test_bad_rows_are_reported_with_line_numbers_and_nothing_loads(bare_app, tmp_path):
    bad = GOOD + """VILLAGE,9,Somewhere,,3301
GP,14x003,Bad code,,3301
GP,140004,Orphan,,9999
GP,140001,Duplicate,,3301
GP,140005,Under a district,,306
BLOCK,3302,,,2301
"""
    result = run(bare_app, tmp_path, bad)
    assert result.exit_code == 1
    out = result.output
    for line, words in [(10, "level must be one of"), (11, "lgd_code must be"), (12, "parent LGD code 9999 is neither in this file"),
                        (13, "LGD code 140001 is already on line 6"), (14, "a GP cannot be under a DISTRICT"), (15, "name is required")]:
        assert f"lgd.csv:{line}: {words}" in out, (line, out)
    assert "nothing was loaded" in out
    assert location_count(bare_app) == 0


def test_skip_bad_loads_the_good_rows_but_not_the_children_of_bad_ones(bare_app, tmp_path):
    text = GOOD.replace("BLOCK,3301,Krishnanagar-I", "BLOCK,3301,") + "GP,140009,Fine,,3301\n"
    result = run(bare_app, tmp_path, text, "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "lgd.csv:5: name is required" in result.output
    assert "lgd.csv:6: its parent on line 5 is bad" in result.output
    assert "skipped 4 bad row(s)" in result.output
    assert location_count(bare_app) == 5


def test_rows_may_hang_under_locations_already_loaded_and_offices_are_created(app, tmp_path):
    text = HEADER + "BLOCK,3103,Raninagar-I,রানীনগর-১,2281\nGP,131021,Raninagar,রানীনগর,3103\n"
    result = run(app, tmp_path, text, "--offices")
    assert result.exit_code == 0, result.output
    assert "created 2" in result.output and "2 office(s) created" in result.output
    with app.app_context():
        codes = set(db.session.scalars(select(Office.code).where(Office.code.in_(["BDO-3103", "GP-131021"]))))
        assert codes == {"BDO-3103", "GP-131021"}
    assert "0 office(s) created" in run(app, tmp_path, text, "--offices").output
    r = run(app, tmp_path, HEADER + "GP,131001,Raipur,,3101\nDISTRICT,3101,Clash,,\n")
    assert r.exit_code == 1 and "exists already as a BLOCK" in r.output


def test_a_file_without_the_columns_is_refused(bare_app, tmp_path):
    result = run(bare_app, tmp_path, "code,title\n1,x\n")
    assert result.exit_code == 1 and "lgd.csv:1: the header must name the columns" in result.output

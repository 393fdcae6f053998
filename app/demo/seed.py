"""``flask demo seed``: offices and one user per role and office, as API.md's demo section describes."""
import json
from pathlib import Path

from sqlalchemy import select

from ..accounts.passwords import hash_password
from ..extensions import db
from ..models import Location, Office, Posting, User

GEOGRAPHY = Path(__file__).with_name("geography.json")


def _location(code, name, name_bn, level, parent):
    loc = db.session.scalar(select(Location).where(Location.lgd_code == code))
    if loc is None:
        loc = Location(lgd_code=code, name=name, name_bn=name_bn, level=level, parent=parent)
        db.session.add(loc)
    return loc


def _office(code, name, name_bn, level, location):
    office = db.session.scalar(select(Office).where(Office.code == code))
    if office is None:
        office = Office(code=code, name=name, name_bn=name_bn, level=level, location=location)
        db.session.add(office)
    return office


def _user(username, name, role, office, password_hash, users):
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, name=name, password_hash=password_hash, language="en")
        db.session.add(user)
        db.session.flush()
        db.session.add(Posting(user_id=user.id, role=role, office_id=office.id))
    users.append(username)
    return user


def seed(password: str) -> list[str]:
    """Create (or complete) the demo geography, offices and users; idempotent. :returns: usernames."""
    geo = json.loads(GEOGRAPHY.read_text(encoding="utf-8"))
    pw = hash_password(password)
    users: list[str] = []
    state = _location(geo["state"]["lgd_code"], geo["state"]["name"], geo["state"]["name_bn"], "STATE", None)
    state_office = _office("STATE-WB", "State e-Governance Cell", "রাজ্য ই-গভর্ন্যান্স সেল", "STATE", state)
    for d in geo["districts"]:
        district = _location(d["lgd_code"], d["name"], d["name_bn"], "DISTRICT", state)
        dm_office = _office(f"DM-{d['slug'].upper()}", f"Office of the District Magistrate, {d['name']}",
                            f"জেলাশাসকের দপ্তর, {d['name_bn']}", "DISTRICT", district)
        db.session.flush()
        _user(f"dm.{d['slug']}", f"District Magistrate, {d['name']}", "DM", dm_office, pw, users)
        for sd in d["subdivisions"]:
            subdivision = _location(sd["lgd_code"], sd["name"], sd["name_bn"], "SUBDIVISION", district)
            sdo_office = _office(f"SDO-{sd['slug'].upper()}", f"Office of the SDO, {sd['name']}",
                                 f"মহকুমা শাসকের দপ্তর, {sd['name_bn']}", "SUBDIVISION", subdivision)
            db.session.flush()
            _user(f"sdo.{sd['slug']}", f"SDO, {sd['name']}", "SDO", sdo_office, pw, users)
            for b in sd["blocks"]:
                block = _location(b["lgd_code"], b["name"], b["name_bn"], "BLOCK", subdivision)
                bdo_office = _office(f"BDO-{b['slug'].upper()}", f"Office of the BDO, {b['name']}",
                                     f"বিডিও দপ্তর, {b['name_bn']}", "BLOCK", block)
                db.session.flush()
                _user(f"bdo.{b['slug']}", f"BDO, {b['name']}", "BDO", bdo_office, pw, users)
                _user(f"eo.{b['slug']}", f"Enquiry Officer, {b['name']}", "EO", bdo_office, pw, users)
                for g in b["gps"]:
                    gp = _location(g["lgd_code"], g["name"], g["name_bn"], "GP", block)
                    gp_office = _office(f"GP-{g['slug'].upper()}", f"{g['name']} Gram Panchayat",
                                        f"{g['name_bn']} গ্রাম পঞ্চায়েত", "GP", gp)
                    db.session.flush()
                    _user(f"pradhan.{g['slug']}", f"Pradhan, {g['name']} GP", "PRADHAN", gp_office, pw, users)
                    _user(f"operator.{g['slug']}", f"Operator, {g['name']} GP", "OPERATOR", gp_office, pw, users)
        for c in d.get("cscs", []):
            csc = _office(c["code"], c["name"], None, "CSC", district)
            db.session.flush()
            _user(f"operator.{c['slug']}", f"Operator, {c['name']}", "OPERATOR", csc, pw, users)
    db.session.flush()
    _user("analyst.state", "Process Analyst", "ANALYST", state_office, pw, users)
    _user("admin.state", "System Administrator", "ADMIN", state_office, pw, users)
    db.session.flush()
    return users


def signing_officers() -> list[tuple[str, str, str]]:
    """``(key slug, common name, unit)`` of the demo officers who sign certificates (Pradhans, BDOs),
    for ``pki.init_demo`` without a database (tests); ``flask signing init-demo`` reads the users."""
    from ..certificates.pki import slug
    geo = json.loads(GEOGRAPHY.read_text(encoding="utf-8"))
    out = []
    for d in geo["districts"]:
        for sd in d["subdivisions"]:
            for b in sd["blocks"]:
                out.append((slug("user", f"bdo.{b['slug']}"), f"BDO, {b['name']}", f"Office of the BDO, {b['name']}"))
                out += [(slug("user", f"pradhan.{g['slug']}"), f"Pradhan, {g['name']} GP", f"{g['name']} Gram Panchayat")
                        for g in b["gps"]]
    return out


def demo_users(password: str) -> list[dict]:
    """Every demo user with postings and the LGD code of each office's area (for ``demo users --json``)."""
    rows = []
    for user in db.session.scalars(select(User).where(User.password_hash.is_not(None)).order_by(User.username)):
        if not user.postings:
            continue
        rows.append({"username": user.username, "password": password, "postings": [
            {"role": p.role, "office_code": p.office.code, "office_name": p.office.name, "level": p.office.level,
             "lgd_code": p.office.location.lgd_code if p.office.location else None} for p in user.postings]})
    return rows


def demo_usernames() -> set[str]:
    """Every username :func:`seed` creates (production refuses to start while any of them exists)."""
    geo = json.loads(GEOGRAPHY.read_text(encoding="utf-8"))
    names = {"analyst.state", "admin.state"}
    for d in geo["districts"]:
        names.add(f"dm.{d['slug']}")
        names.update(f"operator.{c['slug']}" for c in d.get("cscs", []))
        for sd in d["subdivisions"]:
            names.add(f"sdo.{sd['slug']}")
            for b in sd["blocks"]:
                names.update({f"bdo.{b['slug']}", f"eo.{b['slug']}"})
                for g in b["gps"]:
                    names.update({f"pradhan.{g['slug']}", f"operator.{g['slug']}"})
    return names

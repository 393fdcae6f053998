"""Role sets, defined once (DESIGN.md §8). Everything that asks "which roles may…" imports them here."""

CITIZEN = "CITIZEN"
OPERATOR = "OPERATOR"
ANALYST = "ANALYST"
ADMIN = "ADMIN"
DM = "DM"
SDO = "SDO"
#: A pseudo-role a route may list: a partner's API key (its user has no posting of its own).
API_KEY = "APIKEY"

#: Officers who work task inboxes; each also sees every application of the area their office serves.
OFFICERS = ("PRADHAN", "BDO", "EO", "SDO", "DM")
#: Who files applications from a logged-in account (partners use an API key: :data:`API_KEY`).
SUBMITTERS = (OPERATOR, CITIZEN)
#: Supervisors see the heatmap of the offices in their area.
SUPERVISORS = ("BDO", "SDO", "DM")
#: Who reads complaints: the district's and subdivision's heads.
COMPLAINT_READERS = (DM, SDO)
#: Who may read MIS counts through the API (each within their counting area: :mod:`app.policy.counting`).
MIS_ROLES = (OPERATOR, *OFFICERS, ADMIN, ANALYST)
#: Who may open the MIS dashboard pages: operators and the officers who supervise an area (an EO works
#: one office's queue and has no area dashboard; analysts and admins use the API).
MIS_PAGE_ROLES = (OPERATOR, "PRADHAN", "BDO", SDO, DM)
#: Who sees the heatmap of a service: analysts everywhere, supervisors in their area.
HEATMAP_ROLES = (ANALYST, *SUPERVISORS)
#: Who edits and publishes process models.
MODELLERS = (ANALYST,)
#: Who reads process models and version diffs.
MODEL_READERS = (ANALYST, ADMIN)
#: Who adds a service to the catalogue.
CATALOGUE_EDITORS = (ADMIN, ANALYST)
#: Who administers the notification outbox.
ADMINS = (ADMIN,)
#: Who reads an application's audit trail: its officers (jurisdiction), and administrators everywhere.
AUDITORS = (*OFFICERS, ADMIN)
#: Who moves running applications to another version of their service.
MOVERS = (ANALYST, ADMIN)
#: Who handles refunds of fees paid for rejected applications.
REFUNDERS = (ADMIN,)
#: Who registers webhooks: partner systems, through their API key (:data:`API_KEY`).
PARTNERS = (API_KEY,)
#: BPMN lanes with no office inbox: the applicant's own page (CITIZEN); operators file applications
#: but have no task queue (OPERATOR).
NO_INBOX_LANES = (CITIZEN, OPERATOR)
#: Who revokes certificates (the DM of the applicant's district).
REVOKERS = (DM,)

#: Roles that come from postings; an account without any posting is a citizen.
POSTED = (OPERATOR, *OFFICERS, ANALYST, ADMIN)
#: Who logs in with a password and changes it on the account page (citizens log in by SMS code).
PASSWORD_HOLDERS = POSTED

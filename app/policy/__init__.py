"""The access policy: who may see or do what (DESIGN.md §8). Every route, page and operation asks here.

- :mod:`.roles` — role sets, defined once;
- :mod:`.postings` — a posting counts only between its ``valid_from`` and ``valid_to`` (app clock);
- :mod:`.ownership` — citizen by verified mobile, operator/centre by creator, partner key by channel;
- :mod:`.jurisdiction` — officer ↔ area through the LGD hierarchy (who sees an application);
- :mod:`.counting` — the area whose applications a viewer counts in MIS figures;
- :mod:`.tasks` — task queues, escalations, office heads;
- :mod:`.delegations` — queues delegated to a colleague for some days;
- :mod:`.complaints` — who answers complaints (district and subdivision heads);
- :mod:`.rules` — ``check(actor, action, obj)`` / ``may`` / ``require_role`` and list filters.
"""
from .counting import Jurisdiction, counting_area, may_count
from .delegations import acting_for, on_behalf_map
from .jurisdiction import application_offices, area_ids, in_jurisdiction, jurisdiction_filter, officer_postings
from .ownership import is_owner, own_documents, owned_filter
from .postings import current_filter, current_postings, is_current, roles_of
from .roles import (ADMINS, API_KEY, AUDITORS, CATALOGUE_EDITORS, COMPLAINT_READERS, HEATMAP_ROLES, MIS_PAGE_ROLES,
                    MIS_ROLES, MODEL_READERS, MODELLERS, MOVERS, NO_INBOX_LANES, OFFICERS, PARTNERS, PASSWORD_HOLDERS,
                    REFUNDERS, REVOKERS, SUBMITTERS, SUPERVISORS)
from .rules import (RULES, check, decisions, has_role, inbox_items, may, own_logins, own_webhooks, record,
                    require_authenticated, require_role, start_recording, visible_applications, visible_complaints,
                    visible_delegations, visible_work_items)
from .tasks import escalation_filter, heads_office, holds_escalation, holds_queue, is_acting_officer, queue_filter

__all__ = [name for name in dir() if not name.startswith("_")]

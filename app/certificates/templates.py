"""Which template files a certificate is compiled from: those stored in the application's version.

``ProcessVersion.certificate_templates`` holds ``{file name: Typst source}`` (``_layout.typ``,
``<service key>.typ``, ``acknowledgement.typ``), deployed and checked with the BPMN
(app/processes/deploy.py, :mod:`.template_check`). An application pins its version for life, so an
application started before a new version keeps printing the old wording. Nothing is read from the
checkout's ``certificate_templates/`` at issue time.

A version deployed before templates were Typst (its files are ``.html``) has no ``.typ``: its
applications use the service's active version's template instead (logged), never files on disk.
"""
import logging

from sqlalchemy import select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import UnmappedInstanceError

from ..extensions import db
from ..models import ProcessVersion
from .render import TemplateError, TemplateSet, template_set

log = logging.getLogger(__name__)

LAYOUT = "_layout.typ"
ACKNOWLEDGEMENT = "acknowledgement.typ"


def certificate_template_name(service_key: str) -> str:
    return f"{service_key}.typ"


def _set_of(version: ProcessVersion) -> TemplateSet:
    return template_set(f"{version.id}:{version.sha256}", lambda: version.certificate_templates)


def version_of(application) -> ProcessVersion | None:
    instance = getattr(application, "instance", None)
    return getattr(instance, "version", None)


def _session_of(application):
    try:
        return object_session(application) or db.session
    except UnmappedInstanceError:
        return db.session


def _active(session, service_key: str) -> ProcessVersion | None:
    return session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == service_key, ProcessVersion.status == "active"))


def templates_for(application, name: str) -> TemplateSet:
    """The compiled template set holding ``name`` for ``application``: its own version's, else
    (a version without Typst templates) the service's active version's.

    :raises TemplateError: when neither has ``name``.
    """
    version = version_of(application)
    if version is not None:
        found = _set_of(version)
        if name in found.names:
            return found
    key = application.service.key
    active = _active(_session_of(application), key)
    if active is not None and (version is None or active.id != version.id):
        found = _set_of(active)
        if name in found.names:
            log.warning("%s: version %s has no %s; using active version %s", getattr(application, "ain", "?"),
                        getattr(version, "version", None), name, active.version)
            return found
    raise TemplateError(name, None, f"no version of '{key}' carries the certificate template {name}")

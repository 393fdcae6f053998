"""Certificate preview for the studio: a version's (or unsaved) template filled with sample data.

The sample is built from the service's application form (:mod:`app.certificates.sample`), exactly
as the upload check builds it, so what the analyst sees is what the check compiled. A stored version
was checked at upload: it renders in this process through the per-version compiler cache. Unsaved
templates go through the upload checks first (fields, files, then a compile in a time-limited child)
and are rendered in that child, never in the web worker.
"""
from flask import current_app

from ..certificates.render import TemplateError, TemplateSet, typst_used
from ..certificates.sample import sample_acknowledgement, sample_certificate
from ..certificates.template_check import DEFAULT_SECONDS, check_templates
from ..certificates.templates import ACKNOWLEDGEMENT, certificate_template_name, template_set
from ..engine import CheckFailed, CheckTimedOut, run_limited
from ..errors import Invalid, NotFound
from ..processes import deploy as pipeline
from ..processes.deploy import InvalidModel
from . import operations as studio

KINDS = ("certificate", "acknowledgement")


def _job(service, kind: str, forms: dict, settings) -> tuple[str, dict, dict]:
    if kind not in KINDS:
        raise Invalid("Choose the certificate or the acknowledgement.", fields={"template": f"is one of {', '.join(KINDS)}"})
    if kind == "acknowledgement":
        return (ACKNOWLEDGEMENT, *sample_acknowledgement(service.key, forms, service, settings))
    return (certificate_template_name(service.key), *sample_certificate(service.key, forms, service, settings))


def preview_version(actor, service_key: str, number: int | None = None, kind: str = "certificate") -> bytes:
    """PDF of version ``number`` (default: the version the studio opens) filled with sample data.

    :raises NotFound: no such service or version, or the version has no such template.
    """
    pipeline.require_analyst(actor)
    service = studio.get_service(service_key)
    version = studio.base_version(service_key, number)
    if version is None:
        raise NotFound(f"'{service_key}' has no process version yet.")
    name, context, images = _job(service, kind, version.forms or {}, current_app.config)
    templates = version.certificate_templates or {}
    if name not in templates:
        raise NotFound(f"Version {version.version} of '{service_key}' has no template {name}.")
    try:
        return template_set(f"{version.id}:{version.sha256}", lambda: templates).render(name, context, images)
    except TemplateError as exc:  # a version stored before templates were checked
        raise InvalidModel([{"file": f"certificate_templates/{exc.file}", "element_id": None,
                             "line": exc.line, "message": exc.message}]) from None


def _render_in_child(files: dict, name: str, context: dict, images: dict) -> bytes:
    templates = TemplateSet(files)
    try:
        return templates.render(name, context, images)
    finally:
        templates.close()


def preview_files(actor, service_key: str, templates: dict, forms: dict | None = None,
                  base: int | None = None, kind: str = "certificate") -> bytes:
    """PDF of unsaved ``templates`` (``{name: Typst source}``; missing files come from version
    ``base``, default the one the studio opens) with sample data from ``forms`` (default the base's).

    :raises InvalidModel: the templates fail the upload checks (file and line).
    """
    pipeline.require_analyst(actor)
    service = studio.get_service(service_key)
    if not isinstance(templates, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in templates.items()):
        raise Invalid("Send the templates as {file name: Typst text}.", fields={"templates": "is an object of texts"})
    version = studio.base_version(service_key, base)
    files = {**((version.certificate_templates or {}) if version else {}), **templates}
    forms = forms if isinstance(forms, dict) else ((version.forms or {}) if version else {})
    seconds = float(current_app.config.get("CERTIFICATE_CHECK_SECONDS", DEFAULT_SECONDS))
    problems = check_templates(service_key, files, forms, service=service, seconds=seconds,
                               settings=current_app.config)
    if problems:
        raise InvalidModel(problems)
    name, context, images = _job(service, kind, forms, current_app.config)
    if name not in files:
        raise NotFound(f"There is no template {name} to preview.")
    try:
        return run_limited(_render_in_child, files, name, context, images, seconds=seconds,
                           start_method="spawn" if typst_used() else "fork")
    except (CheckTimedOut, CheckFailed) as exc:
        raise InvalidModel([{"file": f"certificate_templates/{name}", "element_id": None, "line": None,
                             "message": f"the preview could not be made ({exc})"}]) from None

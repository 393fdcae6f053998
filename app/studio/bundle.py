"""A version's files as one zip (``bpmn/``, ``dmn/``, ``forms/``, ``certificate_templates/``) and back.

Download → edit → upload round-trips: the zip holds exactly the files the upload takes, under the
names it takes them (``dmn/<name>.samples.json`` are the sample rows of ``dmn/<name>.dmn``).
"""
import io
import json
import zipfile

from ..errors import Invalid, TooLarge
from ..processes import deploy as pipeline
from .operations import MAX_FILES, MAX_TOTAL_BYTES, files_from_upload

FOLDERS = ("bpmn", "dmn", "forms", "certificate_templates")


def to_zip(files: pipeline.ModelFiles) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.bpmn.items():
            z.writestr(f"bpmn/{name}", data)
        for name, data in files.dmn.items():
            z.writestr(f"dmn/{name}", data)
        for name, rows in files.samples.items():
            z.writestr(f"dmn/{pipeline.samples_name(name)}", json.dumps(rows, ensure_ascii=False, indent=2))
        for key, schema in files.forms.items():
            z.writestr(f"forms/{key}.json", json.dumps(schema, ensure_ascii=False, indent=2))
        for name, text in files.templates.items():
            z.writestr(f"certificate_templates/{name}", text)
    return buffer.getvalue()


class _Member(io.BytesIO):
    """A zip member shaped like an uploaded file (what :func:`files_from_upload` reads)."""

    def __init__(self, filename: str, data: bytes):
        super().__init__(data)
        self.filename = filename


def files_from_zip(service_key: str, data: bytes) -> pipeline.ModelFiles:
    """The files of a bundle, checked as an upload of the same files would be.

    :raises Invalid: not a zip, a file outside the four folders, or no single BPMN;
        :raises TooLarge: more files or more bytes (unpacked) than an upload may carry.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Invalid("The bundle is not a zip file.", fields={"bundle": "is not a zip file"}) from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_FILES:
        raise TooLarge(f"At most {MAX_FILES} files at once.")
    if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
        raise TooLarge(f"The bundle unpacks to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB.")
    groups = {folder: [] for folder in FOLDERS}
    for member in members:
        folder, _, name = member.filename.partition("/")
        if folder not in groups or not name or "/" in name:
            raise Invalid("A bundle holds only bpmn/, dmn/, forms/ and certificate_templates/ files.",
                          fields={"bundle": f"unexpected file {member.filename}"})
        groups[folder].append(_Member(name, archive.read(member)))
    if len(groups["bpmn"]) != 1:
        raise Invalid("A bundle holds exactly one BPMN file under bpmn/.", fields={"bundle": "needs one bpmn/*.bpmn"})
    return files_from_upload(service_key, groups["bpmn"][0], groups["dmn"], groups["forms"],
                             groups["certificate_templates"])

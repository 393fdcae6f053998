"""The applicant's photograph on a certificate (the e-District order asks for it).

Typst reads inputs only as text (``sys.inputs``), and a template may read no file outside its
version's folder, so the photo travels like the QR and the seal: an SVG input whose one ``<image>``
holds the uploaded JPEG or PNG as a ``data:`` URL. Typst decodes it and writes the raster into the
PDF as one image XObject of the photo's own pixel size (a JPEG stays DCT-encoded, not re-compressed).
A phone picture larger than :data:`MAX_SIDE` pixels is scaled down first, so a 5 MB upload does not
become a 5 MB certificate (a passport photo printed 30 × 38 mm needs about 450 px at 300 dpi).
"""
import base64
import io

from PIL import Image, UnidentifiedImageError

from ..storage import storage_for

#: Longest side, in pixels, kept as uploaded; larger photos are scaled down to it.
MAX_SIDE = 900
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}

#: What the upload check and the preview print where the photo goes: a grey head and shoulders.
SAMPLE_PHOTO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="380" viewBox="0 0 300 380">'
    '<rect width="300" height="380" fill="#e4e8ee"/><circle cx="150" cy="140" r="70" fill="#a9b4c2"/>'
    '<path d="M30 380 C40 260 260 260 270 380 Z" fill="#a9b4c2"/></svg>')


class PhotoUnreadable(ValueError):
    """The stored photograph is not a JPEG or PNG image that can be decoded."""


def photo_svg(data: bytes) -> str:
    """An SVG showing ``data`` (JPEG or PNG) at its pixel size, scaled down past :data:`MAX_SIDE`."""
    try:
        image = Image.open(io.BytesIO(data))
        kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise PhotoUnreadable(f"the photograph is not a readable image ({exc})") from None
    if kind not in FORMATS:
        raise PhotoUnreadable(f"the photograph is {kind}, not JPEG or PNG")
    if max(width, height) > MAX_SIDE:
        data, kind, (width, height) = _smaller(image)
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'<image width="{width}" height="{height}" xlink:href="data:{FORMATS[kind]};base64,{encoded}"/></svg>')


def _smaller(image: Image.Image) -> tuple[bytes, str, tuple[int, int]]:
    scale = MAX_SIDE / max(image.size)
    size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
    if image.format == "JPEG":
        image.draft("RGB", size)  # decode at a reduced DCT scale: much faster on a phone picture
    image = image.convert("RGB").resize(size, Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue(), "JPEG", size


def photo_input(context: dict, settings=None) -> dict:
    """``{"photo": svg}`` when the context names the applicant's photo (read from storage), else ``{}``."""
    photo = (context.get("applicant") or {}).get("photo")
    if not photo:
        return {}
    if photo.get("sample"):
        return {"photo": SAMPLE_PHOTO_SVG}
    return {"photo": photo_svg(storage_for(settings).get(photo["key"]))}


def sample_photo() -> dict:
    """The context entry of the sample photo (upload check, preview)."""
    return {"document_id": 0, "mime": "image/svg+xml", "sha256": None, "key": None, "sample": True}

"""qrfast draws exactly the modules segno draws (byte mode, EC M, mask 0), for every version."""
import random
import string

import pytest
import segno

from app.certificates import qr, qrfast


def _segno_rows(text, version=None):
    return [bytes(r) for r in segno.make(text, error="m", version=version, mask=0, micro=False,
                                         boost_error=False).matrix]


def _text(rng, n):
    alphabet = string.ascii_letters + string.digits + "-_:/#.?=&%~"
    return "h" + "".join(rng.choice(alphabet) for _ in range(n - 1))


@pytest.mark.parametrize("version", range(1, 41))
def test_same_modules_as_segno_at_every_version(version):
    rng = random.Random(version)
    capacity = next(n for n in range(3000, 0, -1) if qrfast.fits(version, n))
    lower = next((n for n in range(1, capacity + 1) if qrfast.smallest_version(n) == version), 1)
    for n in {lower, (lower + capacity) // 2, capacity}:  # smallest, middle and full for the version
        text = _text(rng, n)
        assert qrfast.rows(text) == _segno_rows(text), (version, n)
    text = _text(rng, max(1, capacity // 3))
    assert qrfast.rows(text, version) == _segno_rows(text, version)  # a forced (larger) version


def test_certificate_url_is_drawn_by_the_fast_path():
    url = "https://pravah.example.gov.in/verify/PRD0012026000042#1:" + "eNq71OK7iFGNxaPun4jb" * 14
    assert qrfast.rows(url) is not None
    assert qr._rows(url, None) == _segno_rows(url)


@pytest.mark.parametrize("text", ["PRD0012026000042", "12345", "নিবেদিতা সেন"])
def test_other_modes_are_left_to_segno(text):
    assert qrfast.rows(text) is None  # alphanumeric, numeric or non-ASCII: segno picks the mode
    assert qr._rows(text, None) == _segno_rows(text)


def test_too_long_for_the_version_raises_like_segno():
    with pytest.raises(segno.DataOverflowError):
        qrfast.rows("h" * 400, 5)
    with pytest.raises(segno.DataOverflowError):
        qrfast.rows("h" * 3000)

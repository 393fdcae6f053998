"""The SignedData template (app/certificates/cmsder.py) and the per-thread event loop of signing:
a signature made from cached state carries this document's digest and validates; nothing of the
previous document stays in it; anything but a plain B-B signature goes through pyHanko."""
import hashlib
import io

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

from app.certificates import cmsder, pki, signing
from app.certificates.verify import verify_pdf
from tests.certificates.test_signature import _strip_signature_source


def _embedded(pdf: bytes):
    return PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]


def _fresh_signer(tmp_path, key_type="ec"):
    keys = tmp_path / "keys"
    pki.create_demo_ca(keys)
    path = pki.issue_signer(keys, "office-t", "Office T", key_type=key_type)
    return signing.load_pkcs12_signer(path, pki.DEMO_PASSPHRASE), pki.trust_root_pem(keys)


@pytest.mark.parametrize("key_type", ["ec", "rsa"])
def test_signatures_after_the_first_come_from_the_template_and_carry_their_own_digest(
        key_type, income_pdf, tmp_path):
    signer, root = _fresh_signer(tmp_path, key_type)
    unsigned = _strip_signature_source(income_pdf)
    documents = [unsigned, unsigned + b"% second\n", unsigned + b"% third, longer than the second\n"]
    signed = [signing.sign_pdf(doc, signer) for doc in documents]
    template = signer._cms_templates[("sha256", "v1")]
    assert template not in (None, False)  # the 2nd and 3rd containers were assembled from it
    digests = []
    for pdf in signed:
        assert verify_pdf(pdf, root)["valid"]
        sig = _embedded(pdf)
        start, first, second, length = (int(n) for n in sig.byte_range)
        signed_bytes = pdf[start:start + first] + pdf[second:second + length]
        attrs = {a["type"].native: a["values"][0].native for a in sig.signer_info["signed_attrs"]}
        assert attrs["message_digest"] == hashlib.sha256(signed_bytes).digest()
        digests.append(attrs["message_digest"])
        der = sig.signed_data.dump()
        container = cms.ContentInfo({"content_type": "signed_data", "content": sig.signed_data}).dump()
        assert cms.ContentInfo.load(container).dump(force=True) == container  # lengths are DER-exact
        assert der in container
        certs = {c.chosen.dump() for c in sig.signed_data["certificates"]}
        assert signer.signing_cert.dump() in certs
    assert len(set(digests)) == 3
    assert len({_embedded(pdf).signer_info["signature"].native for pdf in signed}) == 3


def test_assemble_writes_long_form_lengths():
    head = cmsder.template_from(_container(b"\x01" * 64))
    for size in (10, 127, 128, 255, 256, 70000):
        der = cmsder.assemble(head, _ATTRS, bytes(range(256)) * (size // 256) + bytes(size % 256))
        loaded = cms.ContentInfo.load(der)
        assert len(loaded["content"]["signer_infos"][0]["signature"].native) == size
        assert loaded.dump(force=True) == der


def test_a_container_of_another_shape_gets_no_template():
    two_signers = cms.ContentInfo.load(_container(b"\x01" * 64))
    data = two_signers["content"]
    data["signer_infos"] = [data["signer_infos"][0], data["signer_infos"][0]]
    assert cmsder.template_from(two_signers.dump(force=True)) is None
    assert signing._cms_template(_container(b"\x02" * 64), _ATTRS, b"\x02" * 64,
                                 lambda sig: cms.ContentInfo.load(_container(sig, version="v3"))) is False


def test_a_timestamped_signature_goes_through_pyhanko(income_pdf, tmp_path):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    signer, _ = _fresh_signer(tmp_path, "rsa")  # pyHanko's dummy time-stamping authority is RSA-only
    tsa = DummyTimeStamper(tsa_cert=signer.signing_cert, tsa_key=signer.signing_key)
    unsigned = _strip_signature_source(income_pdf)
    signing.sign_pdf(unsigned, signer)
    signing.sign_pdf(unsigned, signer)  # the B-B template exists now
    pdf = signing.sign_pdf(unsigned, signer, timestamper=tsa)
    unsigned_attrs = _embedded(pdf).signer_info["unsigned_attrs"]
    assert [a["type"].native for a in unsigned_attrs] == ["signature_time_stamp_token"]


def test_each_thread_signs_on_its_own_loop_and_a_running_loop_is_left_alone():
    import asyncio
    import threading

    from app.certificates import loopsafe

    async def current():
        return asyncio.get_running_loop()
    first, second = loopsafe.run(current), loopsafe.run(current)
    assert first is second and not first.is_closed()
    other = []
    thread = threading.Thread(target=lambda: other.append(loopsafe.run(current)))
    thread.start()
    thread.join()
    assert other[0] is not first

    async def inside():
        return loopsafe.run(current)
    assert asyncio.run(inside()) is not first


_ATTRS = cms.CMSAttributes([cms.CMSAttribute({"type": "content_type", "values": ["data"]})]).dump()


def _container(signature: bytes, version="v1") -> bytes:
    info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"subject_key_identifier": b"\x07" * 20}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": cms.CMSAttributes.load(_ATTRS),
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData({
        "version": version, "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "data"}, "signer_infos": [info],
    })}).dump()

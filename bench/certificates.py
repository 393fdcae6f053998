"""Certificate pipeline benchmark: QR, render, security underlay, PAdES sign — per certificate.

    python bench/certificates.py [-n 200] [--runs 2] [--visible] [--qr-study]

Prints, for each of ``--runs`` runs (DESIGN §11: run twice, report both), the machine, the database
(none: the pipeline touches no database), the data size and load (N certificates, one process,
sequential), the median and p95 of each step over N certificates (after 5 warm-up renders), the total,
and the worker's resident memory (RSS, native memory included: tracemalloc cannot see WeasyPrint's
Pango/cairo allocations) at the start, after warm-up and at the end. ``--qr-study`` rasterises the
certificate with QR version auto and 40 at 150/200/300 dpi, with blur, and tries zxing-cpp and zbar
(the figures in docs/qr-version.md). Never asserted: figures only (DESIGN §11).
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.certificates import pki  # noqa: E402
from app.certificates.context import certificate_context  # noqa: E402
from app.certificates.qr import qr_svg  # noqa: E402
from app.certificates.qrkeys import load_signing_key  # noqa: E402
from app.certificates.qrpayload import claims_for, qr_url  # noqa: E402
from app.certificates.render import add_background, render_html, render_pdf  # noqa: E402
from app.certificates.signing import SigningOptions, load_pkcs12_signer, sign_pdf  # noqa: E402
from tests.certificates.conftest import ISSUED_AT, make_application, make_officer  # noqa: E402


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ms(values):
    values = sorted(values)
    return (f"median {statistics.median(values) * 1000:6.1f} ms   "
            f"p95 {values[int(len(values) * 0.95) - 1] * 1000:6.1f} ms")


def pipeline(n: int, visible: bool) -> None:
    keys = Path(tempfile.mkdtemp()) / "keys"
    pki.init_demo(keys)
    signer = load_pkcs12_signer(keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    application, officer = make_application("income"), make_officer()
    settings = {"PUBLIC_BASE_URL": "https://pravah.example.gov.in", "SIGNING_KEYS_DIR": keys}
    steps = {"qr svg": [], "context+html": [], "render": [], "underlay": [], "sign": [], "total": []}
    start_rss = rss_mib()
    warm_rss = None
    for i in range(n + 5):
        uin = f"PRD0012026{i + 1:06d}"
        t0 = time.perf_counter()
        qr_svg(qr_url("https://pravah.example.gov.in/verify/" + uin,
                      claims_for(application, uin, ISSUED_AT, ("308", i)), load_signing_key(settings)))
        t1 = time.perf_counter()
        html = render_html("income.html", certificate_context(application, officer, uin, ISSUED_AT, settings))
        t2 = time.perf_counter()
        pdf = render_pdf(html)
        t3 = time.perf_counter()
        pdf = add_background(pdf)
        t4 = time.perf_counter()
        sign_pdf(pdf, signer, SigningOptions(visible=visible))
        t5 = time.perf_counter()
        if i == 4:
            warm_rss = rss_mib()
        if i >= 5:
            for name, dt in zip(steps, (t1 - t0, t2 - t1 - (t1 - t0), t3 - t2, t4 - t3, t5 - t4, t5 - t1)):
                steps[name].append(dt)
    load = os.getloadavg()[0]
    print(f"machine: {platform.node()} {os.cpu_count()} cpus, Python {platform.python_version()}, "
          f"load average {load:.2f}; database: none (render + QR + sign only)")
    print(f"data: {n} certificates (income, bilingual, one page), one process, sequential; "
          f"signature {'visible' if visible else 'invisible'} PAdES B-B")
    for name, values in steps.items():
        print(f"  {name:13s} {_ms(values)}")
    print("  (context+html: the context builds its own QR; the qr svg time is subtracted)")
    end_rss = rss_mib()
    print(f"  RSS: start {start_rss:.0f} MiB, after warm-up {warm_rss:.0f} MiB, end {end_rss:.0f} MiB "
          f"→ growth {end_rss - warm_rss:+.1f} MiB over {n} certificates")


def _decoders(png: Path):
    from PIL import Image
    out = {}
    try:
        import zxingcpp
        out["zxing"] = bool([r for r in zxingcpp.read_barcodes(Image.open(png))
                             if r.format == zxingcpp.BarcodeFormat.QRCode])
    except ImportError:
        out["zxing"] = None
    try:
        res = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, timeout=60)
        out["zbar"] = res.returncode == 0 and bool(res.stdout.strip())
    except FileNotFoundError:
        out["zbar"] = None
    return out


def qr_study() -> None:
    from PIL import Image, ImageFilter
    keys = Path(tempfile.mkdtemp())
    pki.init_demo(keys / "keys")
    application, officer = make_application("income"), make_officer()
    print("QR study: income certificate, signed verify URL (COSE fragment), EC M, fixed mask, symbol 30 mm")
    for version in ("auto", "40"):
        ctx = certificate_context(application, officer, "PRD0012026000001", ISSUED_AT,
                                  {"PUBLIC_BASE_URL": "https://pravah.example.gov.in", "QR_VERSION": version,
                                   "SIGNING_KEYS_DIR": keys / "keys"}, ("308", 123456))
        pdf = render_pdf(render_html("income.html", ctx))
        svg = str(ctx["qr_svg"])
        n = int(svg.split('viewBox="0 0 ')[1].split()[0]) - 8
        print(f"  version {version:4s}: {n}x{n} modules (v{(n - 17) // 4}), module {30 / n:.3f} mm, "
              f"payload {len(ctx['qr_payload'].encode())} bytes")
        (keys / "c.pdf").write_bytes(pdf)
        for dpi in (150, 200, 300):
            base = keys / f"p{dpi}"
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(keys / "c.pdf"),
                            str(base)], check=True)
            png = Path(str(base) + ".png")
            results = {"clean": _decoders(png)}
            image = Image.open(png)
            for radius in (1.0, 2.0):
                blurred = keys / f"b{dpi}_{radius}.png"
                image.filter(ImageFilter.GaussianBlur(radius * dpi / 300)).save(blurred)
                results[f"blur {radius:.0f}px@300"] = _decoders(blurred)
            print(f"    {dpi} dpi: " + "; ".join(f"{k}: " + ", ".join(f"{d} {'ok' if v else 'FAIL'}"
                                                  for d, v in r.items() if v is not None)
                                                  for k, r in results.items()))


def qr_speed(n: int = 200) -> None:
    """QR encoding of the signed verify URL: segno with the fixed mask (what we ship) vs its mask search."""
    import segno
    keys = Path(tempfile.mkdtemp()) / "keys"
    pki.init_demo(keys)
    settings = {"SIGNING_KEYS_DIR": keys}
    application = make_application("income")
    text = qr_url("https://pravah.example.gov.in/verify/PRD0012026000042",
                  claims_for(application, "PRD0012026000042", ISSUED_AT, ("308", 123456)), load_signing_key(settings))
    print(f"QR speed: {len(text)}-character signed URL, EC M, {n} encodings each")
    for label, fn in (("segno fixed mask + SVG (shipped)", lambda: qr_svg(text)),
                      ("segno fixed mask, matrix only", lambda: segno.make(text, error="m", mask=0, micro=False,
                                                                            boost_error=False)),
                      ("segno best-mask search", lambda: segno.make(text, error="m", micro=False, boost_error=False)),
                      ("sign payload (COSE ES256 + zlib)", lambda: qr_url(
                          "https://x/verify/U", claims_for(application, "PRD0012026000042", ISSUED_AT, ("308", 1)),
                          load_signing_key(settings)))):
        values = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            values.append(time.perf_counter() - t0)
        print(f"  {label:34s} {_ms(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2, help="repeat the whole measurement (default 2)")
    parser.add_argument("--visible", action="store_true")
    parser.add_argument("--qr-study", action="store_true")
    parser.add_argument("--qr-speed", action="store_true")
    args = parser.parse_args()
    if args.qr_study:
        qr_study()
    elif args.qr_speed:
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}")
            qr_speed()
    else:
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}")
            pipeline(args.n, args.visible)


if __name__ == "__main__":
    main()

"""Certificate pipeline benchmark: QR, context, Typst render (PDF/A-2b), PAdES sign — per certificate.

    python bench/certificates.py [-n 1000] [--runs 2] [--visible] [--qr-study]

Prints, for each of ``--runs`` runs (DESIGN §11: run twice, report both), the machine, the database
(none: the pipeline touches no database), the data size and load (N certificates, one process,
sequential), the median and p95 of each step over N certificates (after 5 warm-up renders), the
``total median`` (QR + context + render + sign, what ``build_certificate_pdf`` does per approval)
and its CPU time (the machine is shared: wall-clock medians include waiting for a core),
and the worker's resident memory (RSS, native memory included: tracemalloc cannot see Typst's
Rust allocations) at the start, after warm-up and at the end. The templates are the shipped
``certificate_templates/*.typ`` compiled once into one per-version compiler, as a worker does for a
process version; the signing key is loaded once, as ``signer_for`` caches it.
``--qr-study`` rasterises the certificate with QR version auto and 40 at 150/200/300 dpi, with blur,
and tries zxing-cpp and zbar (the figures in docs/qr-version.md). Never asserted: figures only.
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
from app.certificates.context import certificate_context, qr_image  # noqa: E402
from app.certificates.render import TemplateSet  # noqa: E402
from app.certificates.security import seal_svg  # noqa: E402
from app.certificates.signing import SigningOptions, load_pkcs12_signer, sign_pdf  # noqa: E402
from tests.certificates.conftest import (ISSUED_AT, make_application, make_officer,  # noqa: E402
                                         shipped_template_files)

SETTINGS = {"PUBLIC_BASE_URL": "https://pravah.example.gov.in"}


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ms(values):
    values = sorted(values)
    return (f"median {statistics.median(values) * 1000:6.1f} ms   "
            f"p95 {values[int(len(values) * 0.95) - 1] * 1000:6.1f} ms")


def pipeline(n: int, visible: bool, templates: TemplateSet, signer) -> None:
    application, officer = make_application("income"), make_officer()
    steps = {"context": [], "qr svg": [], "render": [], "sign": [], "total": []}
    cpu = []  # process CPU time per certificate (all threads): less sensitive to other processes' load
    start_rss = rss_mib()
    warm_rss = None
    for i in range(n + 5):
        uin = f"PRD0012026{i + 1:06d}"
        c0 = time.process_time()
        t0 = time.perf_counter()
        context = certificate_context(application, officer, uin, ISSUED_AT, SETTINGS, ("308", i))
        t1 = time.perf_counter()
        images = {"qr": qr_image(context["qr_payload"], SETTINGS), "seal": seal_svg(uin)}
        t2 = time.perf_counter()
        pdf = templates.render("income.typ", context, images, timestamp=ISSUED_AT)
        t3 = time.perf_counter()
        sign_pdf(pdf, signer, SigningOptions(visible=visible, reason=f"Certificate {uin} issued"))
        t4 = time.perf_counter()
        c4 = time.process_time()
        if i == 4:
            warm_rss = rss_mib()
        if i >= 5:
            for name, dt in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
                steps[name].append(dt)
            cpu.append(c4 - c0)
    load = os.getloadavg()[0]
    print(f"machine: {platform.node()} {os.cpu_count()} cpus, Python {platform.python_version()}, "
          f"load average {load:.2f}; database: none (render + QR + sign only)")
    print(f"data: {n} certificates (income, bilingual, one page, PDF/A-2b), one process, sequential; "
          f"signature {'visible' if visible else 'invisible'} PAdES B-B")
    for name, values in steps.items():
        print(f"  {name:13s} {_ms(values)}")
    print(f"total median {statistics.median(steps['total']) * 1000:.1f} ms")
    print(f"  total CPU time median {statistics.median(cpu) * 1000:.1f} ms (process, all threads; "
          f"wall-clock figures above include waiting for the CPU)")
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
    application, officer = make_application("income"), make_officer()
    print("QR study: income certificate, payload with the SoP fields + verify URL, EC M, symbol 30 mm")
    for version in ("auto", "40"):
        settings = {**SETTINGS, "QR_VERSION": version}
        ctx = certificate_context(application, officer, "PRD0012026000001", ISSUED_AT, settings)
        svg = qr_image(ctx["qr_payload"], settings)
        pdf = TEMPLATES.render("income.typ", ctx, {"qr": svg, "seal": seal_svg("PRD0012026000001")})
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


TEMPLATES = TemplateSet(shipped_template_files())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2, help="repeat the whole measurement (default 2)")
    parser.add_argument("--visible", action="store_true")
    parser.add_argument("--qr-study", action="store_true")
    args = parser.parse_args()
    keys = Path(tempfile.mkdtemp()) / "keys"
    pki.init_demo(keys)
    SETTINGS["SIGNING_KEYS_DIR"] = keys   # the QR payload is signed with the demo QR key
    if args.qr_study:
        qr_study()
    else:
        signer = load_pkcs12_signer(keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}")
            pipeline(args.n, args.visible, TEMPLATES, signer)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Refresh every vendored browser bundle under app/static/vendor/ from the npm registry.
#
# app/static/vendor/package.json pins the packages ("dependencies", exact versions) and says which
# files of each to keep ("pravahVendor": a list of {package, dest, files, strip?}). To add a package, add both
# entries and run this script; commit the copied files with their licence. Nothing is loaded from a
# CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=app/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cp "$VENDOR/package.json" "$WORK/package.json"
(cd "$WORK" && npm install --no-audit --no-fund --ignore-scripts --omit=dev --loglevel=error >/dev/null)

python3 - "$WORK" "$VENDOR" <<'PY'
import json, shutil, sys
from pathlib import Path

work, vendor = Path(sys.argv[1]), Path(sys.argv[2])
spec = json.loads((vendor / "package.json").read_text())
for entry in spec["pravahVendor"]:
    package = entry["package"]
    source = work / "node_modules" / package
    version = json.loads((source / "package.json").read_text())["version"]
    wanted = spec["dependencies"][package]
    if version != wanted:
        sys.exit(f"{package}: npm gave {version}, package.json pins {wanted}")
    dest = vendor / entry["dest"]
    if dest.exists():
        shutil.rmtree(dest)
    strip = entry.get("strip")
    for name in entry["files"]:
        relative = name[len(strip):] if strip and name.startswith(strip) else Path(name).name
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target)
    (dest / "VERSION").write_text(f"{package}@{version}\n")
    print(f"{package}@{version} -> {dest}")
PY

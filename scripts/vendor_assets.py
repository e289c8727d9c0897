#!/usr/bin/env python3
"""Copy the front-end files the pages use from node_modules/ into wushe/static/vendor/.

The site runs on an offline intranet, so nothing is loaded from a CDN: `npm ci` fetches
the pinned packages (package.json / package-lock.json), and this script copies only the
built files the templates reference. Standard library only; run from anywhere:

    npm ci && python3 scripts/vendor_assets.py

It is idempotent: a file already identical is left alone, and files in the vendor
folders this script owns that are no longer wanted are removed. Bootstrap's trailing
``sourceMappingURL`` comment is dropped, since the .map files are not shipped (a dangling
reference makes browsers request a missing file and Django's manifest storage fail).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "wushe" / "static" / "vendor"

# destination (under VENDOR) -> source (under node_modules)
FILES: dict[str, str] = {
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap-icons/bootstrap-icons.min.css": "bootstrap-icons/font/bootstrap-icons.min.css",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}
# whole folders: destination -> source; bootstrap-icons.min.css loads url("fonts/...")
FOLDERS: dict[str, str] = {
    "bootstrap-icons/fonts": "bootstrap-icons/font/fonts",
}

SOURCE_MAP = re.compile(rb"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^\n]*?\*/)\s*$")


def fail(message: str) -> None:
    print(f"vendor_assets: {message}", file=sys.stderr)
    sys.exit(1)


def plan() -> dict[Path, Path]:
    """Every destination file with its source, checked to exist."""
    if not NODE_MODULES.is_dir():
        fail(f"{NODE_MODULES} not found: run npm ci first")
    pairs: dict[Path, Path] = {}
    for dest, src in FILES.items():
        pairs[VENDOR / dest] = NODE_MODULES / src
    for dest, src in FOLDERS.items():
        folder = NODE_MODULES / src
        if not folder.is_dir():
            fail(f"{folder} not found: run npm ci first")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                pairs[VENDOR / dest / path.relative_to(folder)] = path
    missing = [str(src) for src in pairs.values() if not src.is_file()]
    if missing:
        fail("missing in node_modules (run npm ci first): " + ", ".join(missing))
    return pairs


def content_of(src: Path) -> bytes:
    data = src.read_bytes()
    if src.suffix in (".js", ".css"):
        data = SOURCE_MAP.sub(b"\n", data)
    return data


def main() -> int:
    pairs = plan()
    for dest, src in pairs.items():
        data = content_of(src)
        rel = dest.relative_to(ROOT)
        if dest.is_file() and dest.read_bytes() == data:
            print(f"unchanged {rel}")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        print(f"copied    {rel}  <- {src.relative_to(ROOT)}")
    # Remove leftovers (e.g. a font renamed by a new version) in the folders we own.
    owned = {(VENDOR / d).parent for d in FILES} | {VENDOR / d for d in FOLDERS}
    for folder in owned:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path not in pairs:
                path.unlink()
                print(f"removed   {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

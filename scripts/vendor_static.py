"""Copy the front-end libraries installed by npm into static/vendor/ (no CDN at run time)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

# package -> files or folders under the package to copy, and their names under static/vendor/
FILES: dict[str, list[tuple[str, str]]] = {
    "htmx.org": [("dist/htmx.min.js", "htmx/htmx.min.js")],
    "bootstrap": [
        ("dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
        ("dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ],
    "leaflet": [
        ("dist/leaflet.js", "leaflet/leaflet.js"),
        ("dist/leaflet.css", "leaflet/leaflet.css"),
        ("dist/images", "leaflet/images"),
    ],
    "leaflet.markercluster": [
        ("dist/leaflet.markercluster.js", "leaflet.markercluster/leaflet.markercluster.js"),
        ("dist/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.css"),
        ("dist/MarkerCluster.Default.css", "leaflet.markercluster/MarkerCluster.Default.css"),
    ],
    "chart.js": [("dist/chart.umd.min.js", "chart.js/chart.umd.min.js")],
    "cytoscape": [("dist/cytoscape.min.js", "cytoscape/cytoscape.min.js")],
}


def main() -> int:
    """Copy every declared file; fail loudly when npm has not installed a package."""
    missing = [pkg for pkg in FILES if not (NODE / pkg).is_dir()]
    if missing:
        sys.stderr.write(f"npm packages missing: {', '.join(missing)}; run `npm ci` first.\n")
        return 1
    for package, pairs in FILES.items():
        for source, target in pairs:
            src, dst = NODE / package / source, VENDOR / target
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
                continue
            shutil.copy2(src, dst)
            # The minified files name their source maps; the production static storage
            # refuses a missing one, so the maps travel with them.
            source_map = src.with_name(src.name + ".map")
            if source_map.exists():
                shutil.copy2(source_map, dst.with_name(dst.name + ".map"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

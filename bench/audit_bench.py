"""Dependency-audit benchmark: synthetic CycloneDX 1.5 SBOMs of 1,000 and 10,000 components.

Usage: python bench/audit_bench.py [--sizes 1000 10000] [--outbound Apache-2.0] [--json] [--write DIR]

The SBOMs are generated here (seeded, so every run audits the same files) with a realistic licence mix:
mostly MIT / Apache-2.0 / BSD / ISC ids, Maven- and pip-style licence names ("Apache Software License",
"GNU Lesser General Public License" + URL), licence URLs only, expressions, LicenseRef texts, NOASSERTION,
UNKNOWN and components without any licence; plus hashes and external references so a component weighs
about what a real one does. Each size is timed with a fresh Auditor (cold caches; the licence engine is
loaded once beforehand, as in a server), then run again under tracemalloc for the audit's peak memory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.licenses.audit import Auditor
from bot.licenses.engine import LicenseEngine

PROJECT_ROOT = Path(__file__).resolve().parent.parent

MIT_TEXT = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and "
    "associated documentation files (the \"Software\"), to deal in the Software without restriction, including "
    "without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell "
    "copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the "
    "following conditions: The above copyright notice and this permission notice shall be included in all "
    "copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF "
    "ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A "
    "PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY "
    "CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF "
    "OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."
)

# (weight, licences entry) — a CycloneDX "licenses" array, or None for no licence at all
LICENCE_MIX: list[tuple[int, list | None]] = [
    (30, [{"license": {"id": "MIT"}}]),
    (14, [{"license": {"id": "Apache-2.0"}}]),
    (5, [{"license": {"name": "Apache Software License"}}]),
    (4, [{"license": {"name": "The Apache License, Version 2.0",
                      "url": "https://www.apache.org/licenses/LICENSE-2.0.txt"}}]),
    (3, [{"license": {"url": "http://www.apache.org/licenses/LICENSE-2.0"}}]),
    (6, [{"license": {"id": "BSD-3-Clause"}}]),
    (3, [{"license": {"name": "BSD License"}}]),
    (2, [{"license": {"id": "BSD-2-Clause"}}]),
    (6, [{"license": {"id": "ISC"}}]),
    (2, [{"expression": "(MIT OR Apache-2.0)"}]),
    (1, [{"expression": "Apache-2.0 WITH LLVM-exception"}]),
    (2, [{"license": {"name": "GNU Lesser General Public License",
                      "url": "http://www.gnu.org/licenses/old-licenses/lgpl-2.1.html"}}]),
    (1, [{"license": {"id": "LGPL-3.0-or-later"}}]),
    (1, [{"license": {"id": "GPL-2.0-only"}}]),
    (1, [{"license": {"id": "GPL-3.0-or-later"}}]),
    (1, [{"license": {"id": "AGPL-3.0-only"}}]),
    (2, [{"license": {"id": "MPL-2.0"}}]),
    (2, [{"license": {"id": "EPL-2.0"}}]),
    (1, [{"license": {"id": "Apache-2.0"}}, {"license": {"id": "EPL-1.0"}}]),
    (1, [{"license": {"name": "CDDL + GPLv2 with classpath exception"}}]),
    (1, [{"license": {"id": "0BSD"}}]),
    (1, [{"license": {"id": "Unlicense"}}]),
    (1, [{"license": {"id": "CC0-1.0"}}]),
    (1, [{"license": {"id": "Python-2.0"}}]),
    (1, [{"license": {"name": "Custom licence of ACME", "text": {"content": MIT_TEXT}}}]),
    (1, [{"license": {"name": "UNKNOWN"}}]),
    (1, [{"expression": "NOASSERTION"}]),
    (4, None),
]


def synthetic_sbom(count: int, seed: int = 14) -> bytes:
    rng = random.Random(seed)
    weights = [w for w, _ in LICENCE_MIX]
    entries = [e for _, e in LICENCE_MIX]
    ecosystems = [("npm", None), ("pypi", None), ("maven", "org.example"), ("golang", "github.com/example")]
    components = []
    for i in range(count):
        eco, group = ecosystems[i % len(ecosystems)]
        name = f"pkg-{i:05d}-{rng.choice(['core', 'utils', 'http', 'json', 'log', 'cli', 'test'])}"
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
        digest = hashlib.sha256(f"{name}@{version}".encode()).hexdigest()
        component = {
            "type": "library",
            "bom-ref": f"pkg:{eco}/{name}@{version}",
            "name": name,
            "version": version,
            "description": f"Synthetic component {i} for the audit benchmark.",
            "hashes": [{"alg": "SHA-256", "content": digest}, {"alg": "SHA-1", "content": digest[:40]}],
            "purl": f"pkg:{eco}/{group + '/' if group else ''}{name}@{version}",
            "externalReferences": [
                {"type": "vcs", "url": f"https://git.example.org/{name}.git"},
                {"type": "website", "url": f"https://example.org/{name}"},
            ],
        }
        if group:
            component["group"] = group
        licences = rng.choices(entries, weights)[0]
        if licences is not None:
            component["licenses"] = licences
        components.append(component)
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "bench-product", "version": "1.0.0"}},
        "components": components,
    }
    return json.dumps(doc, indent=1).encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--outbound", default="Apache-2.0")
    parser.add_argument("--use", default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--write", type=Path, help="also write the generated SBOMs to this folder")
    args = parser.parse_args()
    licences = PROJECT_ROOT / "knowledge" / "licenses"
    engine = LicenseEngine(licences / "engine", licences / "texts")
    engine.identify(MIT_TEXT)  # build the text index once, as a running server has
    results = []
    for size in args.sizes:
        data = synthetic_sbom(size)
        if args.write:
            args.write.mkdir(parents=True, exist_ok=True)
            (args.write / f"synthetic-{size}.cdx.json").write_bytes(data)
        auditor = Auditor(engine, licences / "texts")
        started = time.perf_counter()
        report = auditor.audit_bytes(data, args.outbound, args.use, filename="bench.cdx.json")
        seconds = time.perf_counter() - started
        del report
        tracemalloc.start()
        report = Auditor(engine, licences / "texts").audit_bytes(data, args.outbound, args.use)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results.append(
            {
                "components": size,
                "file_mb": round(len(data) / 1e6, 2),
                "seconds": round(seconds, 2),
                "components_per_second": round(size / seconds),
                "audit_peak_mb": round(peak / 1e6, 1),
                "engine_checks": len(auditor._checks),
                "counts": {c.verdict: c.count for c in report.summary.counts},
                "notice_kb": round(len(report.notice.encode()) / 1e3),
            }
        )
        del report
    summary = {"outbound": args.outbound, "use": args.use, "runs": results, "process_peak_rss_mb": round(peak_rss_mb())}
    if args.json:
        print(json.dumps(summary, indent=1))
        return
    print(f"outbound {args.outbound}, use {args.use or '-'}")
    print("components  file MB  seconds  comp/s  audit peak MB  distinct checks  counts")
    for r in results:
        print(f"{r['components']:>10}  {r['file_mb']:>7}  {r['seconds']:>7}  {r['components_per_second']:>6}  "
              f"{r['audit_peak_mb']:>13}  {r['engine_checks']:>15}  {r['counts']}")
    print(f"process peak RSS: {summary['process_peak_rss_mb']} MB")


if __name__ == "__main__":
    main()

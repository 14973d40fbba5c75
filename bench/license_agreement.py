"""How far the licence engine agrees with the FSF licence list, how often it says "unknown", and whether it
ever calls copyleft or non-free code "compatible" with a permissive project.

    python bench/license_agreement.py            # figures
    python bench/license_agreement.py --details  # also every disagreement / unknown / wrong verdict

1. FSF agreement: every SPDX id the FSF list (with our documented corrections, fsf/corrections.yaml)
   maps to an FSF entry, into GPL-2.0-only and GPL-3.0-only. FSF "gpl-N-compatible" = yes (the engine
   must say compatible or conditional); any other FSF entry = no (the engine must say incompatible).
   "unknown" counts as a disagreement and is also reported on its own.
2. Unknown share over a wide grid: every licence with an SPDX id in the ScanCode LicenseDB index x ten
   common outbound licences: how often the answer is "unknown" although some layer, asked on its own,
   states a verdict for the pair (a higher layer said "unknown": OSADL's "Unknown" or a licence-text rule);
   and the share of "unknown" over every grid pair where ScanCode has a category for both licences (the
   first share leaves out the pairs no layer speaks to; this one does not).
3. Wrong "compatible": ScanCode category Copyleft / Copyleft Limited inbound x permissive outbound, and
   Proprietary Free / Source-available / Commercial / Free Restricted (or FSF non-free) inbound x
   free / open-source outbound. Target: zero.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.licenses.engine import LicenseEngine

GPL = ("GPL-2.0-only", "GPL-3.0-only")
PERMISSIVE_OUT = ("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib")
OPEN_OUT = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "GPL-3.0-only", "LGPL-2.1-only", "MPL-2.0",
            "EPL-2.0", "AGPL-3.0-only")
GRID_OUT = (*OPEN_OUT, "proprietary")
COPYLEFT_CATEGORIES = ("Copyleft", "Copyleft Limited")
NON_FREE_CATEGORIES = ("Proprietary Free", "Source-available", "Commercial", "Free Restricted")


def stance(verdict: str) -> str | None:
    return {"compatible": "yes", "conditional": "yes", "incompatible": "no"}.get(verdict)


def layer_of(engine: LicenseEngine, inbound: str, outbound: str) -> str:
    return engine.pairs.judge(engine.parser.parse(inbound)[0], engine.parser.parse(outbound)[0], None).layer


def fsf_agreement(engine: LicenseEngine, details: bool) -> dict:
    rows = []
    for spdx, entry in sorted(engine.fsf.entries.items()):
        for out in GPL:
            expected = "yes" if entry.gpl_compatible(out[4]) else "no"
            verdict = engine.check(spdx, out).verdict
            rows.append((spdx, out, expected, verdict, entry.corrected is not None))
    agree = sum(1 for r in rows if stance(r[3]) == r[2])
    unknown = sum(1 for r in rows if r[3] == "unknown")
    if details:
        for spdx, out, expected, verdict, _ in rows:
            if stance(verdict) != expected:
                print(f"  FSF {expected:3s} | engine {verdict:12s} | {spdx} -> {out} "
                      f"(decided by: {layer_of(engine, spdx, out)})")
    return {"pairs": len(rows), "ids": len(engine.fsf.entries), "agree": agree, "unknown": unknown,
            "corrected_ids": sum(1 for e in engine.fsf.entries.values() if e.corrected)}


def scancode_ids(engine: LicenseEngine) -> list[str]:
    return sorted(lid for lid in engine.scancode.categories if lid in engine.catalog.licenses
                  and not lid.startswith("LicenseRef-") and not engine.catalog.licenses[lid].deprecated)


def unknown_grid(engine: LicenseEngine, ids: list[str], details: bool) -> Counter:
    """Per pair: does any layer, asked on its own, state a verdict (yes / no)? And what is the answer?"""
    from bot.licenses.pairs import Pair

    counts: Counter = Counter()
    for lid in ids:
        inb = engine.parser.parse(lid)[0]
        for out in GRID_OUT:
            o = engine.parser.parse(out)[0]
            pair = Pair(inb, o, None, engine.rules.osadl_pair(lid, out), engine.rules.overrides.get((lid, out)))
            stated = any(f is not None and stance(f.verdict) for f in (step(pair) for step in engine.pairs.steps))
            final = engine.pairs.judge(inb, o, None)
            counts["stated" if stated else "silent", final.verdict == "unknown"] += 1
            if engine.scancode.category(lid) and engine.scancode.category(out):  # both sides have a type
                counts["typed", final.verdict == "unknown"] += 1
            if details and stated and final.verdict == "unknown":
                print(f"  unknown although a layer states a verdict: {lid} -> {out} (decided by {final.layer})")
    return counts


def wrong_compatible(engine: LicenseEngine, ids: list[str], details: bool) -> dict:
    copyleft = nonfree = checked = 0
    for lid in ids:
        category = engine.scancode.category(lid)
        fsf = engine.fsf.get(lid)
        if category in COPYLEFT_CATEGORIES:
            for out in PERMISSIVE_OUT:
                checked += 1
                if engine.check(lid, out).verdict == "compatible":
                    copyleft += 1
                    if details:
                        print(f"  WRONG compatible: {lid} ({category}) -> {out}")
        if category in NON_FREE_CATEGORIES or (fsf is not None and fsf.non_free):
            for out in (*OPEN_OUT, "proprietary"):
                checked += 1
                if engine.check(lid, out).verdict == "compatible":
                    nonfree += 1
                    if details:
                        print(f"  WRONG compatible: {lid} ({category}, FSF non-free={bool(fsf and fsf.non_free)}) -> {out}")
    return {"checked": checked, "copyleft_into_permissive": copyleft, "non_free_into_open": nonfree}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "knowledge" / "licenses" / "engine")
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    engine = LicenseEngine(args.data_dir)
    print(f"engine built in {time.perf_counter() - t0:.2f} s; FSF entries mapped to SPDX ids: {len(engine.fsf)}; "
          f"ScanCode index: {len(engine.scancode)} keys")

    fsf = fsf_agreement(engine, args.details)
    print(f"\n1. FSF agreement ({fsf['ids']} SPDX ids x GPL-2.0-only / GPL-3.0-only = {fsf['pairs']} pairs, "
          f"{fsf['corrected_ids']} ids with a documented correction)")
    print(f"   agreement {fsf['agree'] / fsf['pairs']:.3f} ({fsf['agree']}/{fsf['pairs']}); "
          f"unknown {fsf['unknown'] / fsf['pairs']:.3f} ({fsf['unknown']})")

    ids = scancode_ids(engine)
    grid = unknown_grid(engine, ids, args.details)
    stated_n = grid["stated", True] + grid["stated", False]
    silent_n = grid["silent", True] + grid["silent", False]
    print(f"\n2. Unknown share: {len(ids)} current SPDX licences in the ScanCode index x {len(GRID_OUT)} outbound "
          f"licences = {stated_n + silent_n} pairs")
    print(f"   some layer states a verdict: {stated_n} pairs, answered unknown {grid['stated', True]} "
          f"({grid['stated', True] / max(stated_n, 1):.3f}) (a higher layer said 'unknown', e.g. OSADL)")
    print(f"   no layer states a verdict: {silent_n} pairs (unknown, with what to check)")
    typed_n = grid["typed", True] + grid["typed", False]
    print(f"   ScanCode has a category for both sides: {typed_n} pairs, answered unknown {grid['typed', True]} "
          f"({grid['typed', True] / max(typed_n, 1):.3f}); over all {stated_n + silent_n} grid pairs "
          f"{(grid['stated', True] + grid['silent', True]) / max(stated_n + silent_n, 1):.3f}")

    wrong = wrong_compatible(engine, ids, args.details)
    print(f"\n3. Wrong 'compatible' ({wrong['checked']} pairs checked): copyleft into permissive "
          f"{wrong['copyleft_into_permissive']}; non-free into free/open or proprietary {wrong['non_free_into_open']}")
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()

"""The published sources the engine cites (titles are proper names, shown as they are)."""

from __future__ import annotations

from bot.types import LicenseReference

OSADL_URL = "https://www.osadl.org/fileadmin/checklists/matrixseqexpl.html"
FSF_LIST_URL = "https://www.gnu.org/licenses/license-list.html"

OSADL_MATRIX = LicenseReference(title="OSADL open-source licence compatibility matrix", url=OSADL_URL)
OSADL_GENERIC_PERMISSIVE = LicenseReference(
    title="OSADL generic rule: non-copyleft licences are mutually compatible", url=OSADL_URL
)
OSADL_GENERIC_COPYLEFT_TO_PERMISSIVE = LicenseReference(
    title="OSADL generic rule: copyleft code cannot be relicensed under a non-copyleft licence", url=OSADL_URL
)
OSADL_GENERIC_COPYLEFT_TO_COPYLEFT = LicenseReference(
    title="OSADL generic rule: different copyleft licences are incompatible unless explicitly allowed",
    url=OSADL_URL,
)
FSF_LIST = LicenseReference(title="FSF, Various Licenses and Comments about Them", url=FSF_LIST_URL)
GPL_FAQ = LicenseReference(title="GNU GPL FAQ", url="https://www.gnu.org/licenses/gpl-faq.html")
OSD = LicenseReference(title="Open Source Definition", url="https://opensource.org/osd")

# File-level copyleft: the licence texts let other files keep their own licence in a combined work.
FILE_LEVEL_COPYLEFT: dict[str, LicenseReference] = {
    "MPL-2.0": LicenseReference(
        title="Mozilla Public License 2.0, §3.3 Distribution of a Larger Work (with §1.7 \"Larger Work\"): a "
              "Larger Work may be distributed under terms of your choice; MPL-2.0 applies to the Covered Software",
        url="https://www.mozilla.org/en-US/MPL/2.0/",
    ),
    "EPL-2.0": LicenseReference(
        title="Eclipse Public License 2.0, §1 definitions of \"Contribution\" and \"Modified Works\": additions "
              "that are not Modified Works (separate files or modules without the Program's contents) are not "
              "Contributions",
        url="https://www.eclipse.org/legal/epl-2.0/",
    ),
}

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

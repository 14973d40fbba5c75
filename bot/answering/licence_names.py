"""The licences a question names, found once per question by the engine's name recognition.

The engine's recognition is thorough (aliases, 木兰宽松许可证, "GPLv3", fuzzy suggestions) and so takes
tens of milliseconds; the facts route and the clause lookup both need it for the same text. A text with
no Latin letter and no licence word (most policy questions) names no licence and is not looked at.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from bot.errors import LicenseError
from bot.ports import LicenseAdvisor
from bot.types import PROPRIETARY, LicenseMention

_MAY_NAME_A_LICENCE = re.compile(r"[A-Za-z]|许可|协议|授权|木兰")
_OPERATORS = re.compile(r"\s+(?:AND|OR|WITH)\s+|[()]")
CACHED_TEXTS = 256


class LicenceNames:
    def __init__(self, advisor: LicenseAdvisor) -> None:
        self.advisor = advisor
        self._seen: OrderedDict[str, list[LicenseMention]] = OrderedDict()
        self._lock = threading.Lock()

    def mentions(self, text: str) -> list[LicenseMention]:
        if not _MAY_NAME_A_LICENCE.search(text):
            return []
        with self._lock:
            if text in self._seen:
                self._seen.move_to_end(text)
                return self._seen[text]
        try:
            found = self.advisor.find_mentions(text)
        except LicenseError:
            found = []
        with self._lock:
            self._seen[text] = found
            while len(self._seen) > CACHED_TEXTS:
                self._seen.popitem(last=False)
        return found

    def ids(self, text: str) -> list[tuple[int, str]]:
        """(position, SPDX id) of each single licence named, in order ("proprietary" is not a licence; a family
        named without a version, "GPL", is in `families`)."""
        out = []
        for mention in self.mentions(text):
            if mention.family:
                continue
            out.extend((mention.start, part.strip()) for part in _OPERATORS.split(mention.expression)
                       if part.strip() and part.strip() != PROPRIETARY)
        return out

    def families(self, text: str) -> list[tuple[int, str]]:
        """(position, family name) of each licence family named without a version ("GPL", "LGPL")."""
        return [(m.start, m.expression) for m in self.mentions(text) if m.family]

"""The clause a question names, fetched directly: "GPL-3.0 第7条", "Apache-2.0 section 4(d)", "MPL 3.3".

The licence comes from the engine's name recognition (so "MPL", "木兰宽松许可证" and "GPLv3" work), the
clause from the question's numbering ("第4条(d)项", "section 4(d)", "§3.3", or a bare "3.3" right
after the licence's name when that licence has such a clause — "Apache 2.0" is a version, not §2.0).
"""

from __future__ import annotations

import re

from bot.answering.clauses import ClauseIndex
from bot.answering.licence_names import LicenceNames
from bot.retrieval.clause_refs import ClauseRef
from bot.retrieval.ranking import clause_mentions
from bot.types import Passage

_BARE_NUMBER = re.compile(r"(?<![\w.-])(\d{1,2}(?:\.\d{1,2})+)((?:\([a-z0-9]\))*)(?![\w.])")
MAX_NAMED = 3


class NamedClauses:
    def __init__(self, clauses: ClauseIndex, names: LicenceNames | None) -> None:
        self.clauses = clauses
        self.names = names

    def licences_named(self, text: str) -> list[str]:
        """SPDX ids of the licences a question names ("MPL" -> MPL-2.0, "木兰宽松许可证" -> MulanPSL-2.0)."""
        return list(dict.fromkeys(spdx for _, spdx in self.names.ids(text))) if self.names else []

    def families_named(self, text: str) -> list[str]:
        """Licence families a question names without a version ("LGPL 动态链接…" -> ["LGPL"])."""
        return list(dict.fromkeys(name.upper() for _, name in self.names.families(text))) if self.names else []

    def passages(self, text: str, lang: str, ids: list[str] | None = None) -> list[Passage]:
        """The passages of the clauses the question names in the licences it names (none otherwise)."""
        ids = self.licences_named(text) if ids is None else ids
        if not ids:
            return []
        numbers = clause_mentions(text)
        bare = [m.group(1) + m.group(2) for m in _BARE_NUMBER.finditer(text)]
        out: dict[str, Passage] = {}
        for spdx in ids:
            for clause in numbers + [b for b in bare if b not in numbers]:
                for passage in self.clauses.resolve(ClauseRef(spdx, clause), lang):
                    out.setdefault(passage.id, passage)
        return list(out.values())[:MAX_NAMED]

"""Small text helpers shared by the answer composers."""

from __future__ import annotations

import re

# split after Chinese sentence ends, after English sentence ends followed by a capital, and at line breaks
_SENTENCE = re.compile(r"(?<=[。！？；!?])\s*|\n+|(?<=[.;])\s+(?=[A-Z(\"“])")


def split_sentences(text: str) -> list[str]:
    out = []
    for piece in _SENTENCE.split(text):
        piece = piece.strip()
        if piece and re.search(r"\w", piece):
            out.append(piece)
    return out


def clean_sentence(sentence: str) -> str:
    """Drop list dashes and collapse the spaces PDF extraction leaves in Chinese text."""
    sentence = re.sub(r"^[-—–•\uf0ff\s]+", "", sentence)
    sentence = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", sentence)
    return sentence.strip()

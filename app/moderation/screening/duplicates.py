"""Near-duplicate postings across organizations: MinHash over character shingles, with LSH.

The signature is one-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification
(Shrivastava & Li 2014): each 5-character shingle is hashed once (BLAKE2b, stable across
processes, so signatures can be stored), its hash picks one of 128 bins and each bin keeps its
minimum. Two signatures agree in a bin with probability equal to the Jaccard similarity of the
shingle sets. LSH with 32 bands of 4 rows makes nearly every pair above 0.6 a candidate
(0.998 at 0.65); the estimate then has to reach `threshold`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from hashlib import blake2b
from typing import Final

from app.moderation.screening.model import PostingText
from app.moderation.screening.normalize import CJK, fold

NUM_HASHES: Final = 128
BANDS: Final = 32
ROWS: Final = NUM_HASHES // BANDS
SHINGLE: Final = 5
# Tuned on dev.jsonl: its near-duplicate pairs have Jaccard 0.75-0.91 (short scam postings
# that differ only in a WeChat ID lose many 5-grams), unrelated pairs at most 0.09. 0.65
# leaves room for the estimate's noise (sd ~0.04 at 128 bins) on both sides.
THRESHOLD: Final = 0.65
EMPTY: Final = (1 << 57) - 1  # larger than any bin value (hash >> 7)
_ROTATION: Final = 1 << 50  # offset per rotation step, keeps borrowed values distinct
_NOISE: Final = re.compile(rf"[^0-9a-z{CJK}]+")


def posting_text(posting: PostingText) -> str:
    """The text of a posting that duplicate detection compares."""
    return "\n".join((posting.title, posting.description, posting.requirements, posting.benefits))


def _shingles(text: str) -> set[str]:
    # Only letters, digits and ideographs: reformatting, punctuation and spacing do not
    # make a copied posting look new.
    clean = _NOISE.sub("", fold(text))
    if len(clean) <= SHINGLE:
        return {clean} if clean else set()
    return {clean[i : i + SHINGLE] for i in range(len(clean) - SHINGLE + 1)}


def signature(text: str) -> list[int]:
    """The MinHash signature of `text`: NUM_HASHES integers below 2**57, JSON-safe."""
    bins = [EMPTY] * NUM_HASHES
    for shingle in _shingles(text):
        h = int.from_bytes(blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little")
        b = h & (NUM_HASHES - 1)
        v = h >> 7
        if v < bins[b]:
            bins[b] = v
    if all(v == EMPTY for v in bins):
        return bins
    # Densify: an empty bin borrows from the next non-empty bin to its right.
    out = list(bins)
    for i in range(NUM_HASHES):
        if bins[i] == EMPTY:
            step = 1
            while bins[(i + step) % NUM_HASHES] == EMPTY:
                step += 1
            out[i] = (bins[(i + step) % NUM_HASHES] + step * _ROTATION) % EMPTY
    return out


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b) or not a:
        return 0.0
    if all(v == EMPTY for v in a) or all(v == EMPTY for v in b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


class DuplicateIndex:
    """Signatures of earlier postings, answering "which one does this nearly repeat?".

    Built from stored signatures as easily as from texts: `add(id, org, signature)`.
    """

    signature = staticmethod(signature)

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._entries: list[tuple[str, str | None, list[int]]] = []
        self._ids: dict[str, int] = {}
        self._bands: dict[tuple[int, tuple[int, ...]], list[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self, posting_id: str, org_key: str | None, text_or_signature: str | Sequence[int]
    ) -> None:
        """Remember a posting; adding an id again replaces nothing (the first one stays)."""
        if posting_id in self._ids:
            return
        sig = self._signature(text_or_signature)
        if all(v == EMPTY for v in sig):
            return
        index = len(self._entries)
        self._entries.append((posting_id, org_key, sig))
        self._ids[posting_id] = index
        for band in range(BANDS):
            key = (band, tuple(sig[band * ROWS : (band + 1) * ROWS]))
            self._bands.setdefault(key, []).append(index)

    def match(
        self,
        text_or_signature: str | Sequence[int],
        org_key: str | None,
        *,
        exclude_id: str | None = None,
    ) -> tuple[str, float] | None:
        """The earliest most similar posting of a different organization, or None.

        An unknown organization (None) counts as different from every other one.
        """
        sig = self._signature(text_or_signature)
        candidates: set[int] = set()
        for band in range(BANDS):
            candidates.update(
                self._bands.get((band, tuple(sig[band * ROWS : (band + 1) * ROWS])), ())
            )
        best: tuple[float, int] | None = None
        for index in sorted(candidates):
            other_id, other_org, other_sig = self._entries[index]
            if other_id == exclude_id or (org_key is not None and other_org == org_key):
                continue
            sim = similarity(sig, other_sig)
            if sim >= self.threshold and (best is None or sim > best[0]):
                best = (sim, index)
        if best is None:
            return None
        return self._entries[best[1]][0], best[0]

    @staticmethod
    def _signature(value: str | Sequence[int]) -> list[int]:
        if isinstance(value, str):
            return signature(value)
        sig = [int(v) for v in value]
        if len(sig) != NUM_HASHES:
            raise ValueError(f"a signature has {NUM_HASHES} values, not {len(sig)}")
        return sig

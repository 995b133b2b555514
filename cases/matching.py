"""Text matching for referral suggestions: what a case is about against what people know.

Japanese has no spaces, so texts are compared as character bigrams (NFKC, lower case), weighted
by how rare they are among the candidates (TF-IDF) and compared by cosine similarity. Bigrams
made only of hiragana are mostly particles and endings (から, して, たい) and are left out.
"""

import math
import re
import unicodedata
from collections import Counter

_HIRAGANA = re.compile(r"^[\u3040-\u309f]+$")
_SPLIT = re.compile(r"[\s、。，．,.・/／:：;；()（）「」『』【】\[\]!！?？〜~\-ー]+")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def bigrams(text: str) -> Counter:
    """Character bigrams of each run of text between punctuation; single-letter runs count too."""
    grams: Counter = Counter()
    for run in _SPLIT.split(normalise(text)):
        if not run:
            continue
        if len(run) == 1:
            if not _HIRAGANA.match(run):
                grams[run] += 1
            continue
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if not _HIRAGANA.match(gram):
                grams[gram] += 1
    return grams


def tfidf_vectors(documents: list[Counter]) -> tuple[list[dict], dict]:
    """Weighted, length-normalised vectors for documents, and the idf table they share."""
    count = len(documents)
    df: Counter = Counter()
    for doc in documents:
        df.update(doc.keys())
    idf = {gram: math.log((1 + count) / (1 + n)) + 1 for gram, n in df.items()}
    return [weigh(doc, idf) for doc in documents], idf


def weigh(doc: Counter, idf: dict) -> dict:
    vector = {g: (1 + math.log(n)) * idf.get(g, 0.0) for g, n in doc.items() if g in idf}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {g: v / norm for g, v in vector.items()}


def cosine(a: dict, b: dict) -> tuple[float, list[str]]:
    """Similarity and the shared bigrams that contribute most (for the reasons shown to staff)."""
    if len(a) > len(b):
        a, b = b, a
    shared = {g: a[g] * b[g] for g in a if g in b}
    top = sorted(shared, key=shared.get, reverse=True)[:4]
    return sum(shared.values()), top


def keyword_hits(text: str, words: list[str]) -> list[str]:
    """The words (expertise names and their related words) found in the text."""
    haystack = normalise(text)
    return sorted({w.strip() for w in words if w.strip() and normalise(w.strip()) in haystack})

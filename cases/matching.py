"""Text matching for referral suggestions: what a request is about, in words.

Japanese has no spaces, so texts are analysed into words by SudachiPy with its core dictionary
(installed with the package; nothing is downloaded at run time). Each word is normalised: full
and half width (NFKC), case, and the dictionary's normal form, which folds 表記ゆれ and kana
spellings (ｽﾏﾎ → スマホ, FAX → ファックス, Web → ウェブ). A text becomes the sequence of its
shortest words ("atoms"); a longer word or a staff-written phrase matches another text when its
atoms occur there in a row, so a match always starts and ends on a word boundary and a fragment
of a word can never match nor be shown.
"""

import functools
import math
import unicodedata
from dataclasses import dataclass, field

from sudachipy import Dictionary, SplitMode

# Words that appear in requests of every kind and say nothing about the need.
STOP_WORDS = frozenset(
    [
        "職員",
        "社員",
        "従業員",
        "スタッフ",
        "事務員",
        "社長",
        "役員",
        "会員",
        "メンバー",
        "担当",
        "担当者",
        "人",
        "方",
        "皆",
        "皆さん",
        "私",
        "自分",
        "うち",
        "当社",
        "弊社",
        "相談",
        "情報",
        "質問",
        "お願い",
        "依頼",
        "紹介",
        "件",
        "こと",
        "事",
        "もの",
        "物",
        "ため",
        "為",
        "よう",
        "様",
        "感じ",
        "場合",
        "関係",
        "中",
        "上",
        "下",
        "前",
        "後",
        "他",
        "今",
        "現在",
        "方法",
        "やり方",
        "仕方",
        "仕組み",
        "方",
        "コツ",
        "必要",
        "検討",
        "利用",
        "活用",
        "導入",
        "支援",
        "対応",
        "対策",
        "改善",
        "管理",
        "作業",
        "業務",
        "事業",
        "仕事",
        "会社",
        "企業",
        "団体",
        "組織",
        "町",
        "市",
        "村",
        "県",
        "役場",
        "市役所",
        "町役場",
        "役所",
        "地域",
        "住民",
        "市民",
        "地区",
        "全部",
        "全て",
        "毎日",
        "毎月",
        "毎朝",
        "毎年",
        "毎週",
        "時間",
        "手間",
        "負担",
        "大変",
        "簡単",
        "無料",
        "多い",
        "少ない",
        "良い",
        "悪い",
        "欲しい",
        "無い",
        "ない",
        "ある",
        "有る",
        "居る",
        "成る",
        "出来る",
        "思う",
        "考える",
        "分かる",
        "判る",
        "知る",
        "教える",
        "使う",
        "作る",
        "基本",
        "覚える",
        "作り",
        "づくり",
        "手続き",
        "為る",
        "行く",
        "来る",
        "見る",
        "言う",
        "始める",
        "変える",
        "増やす",
        "減らす",
        "楽",
        "デジタル",
        "デジタル化",
        "DX",
        "IT",
        "システム",
        "ツール",
        "ソフト",
        "アプリ",
        "サービス",
        "化",
        "的",
        "向け",
        "等",
        "など",
        "年",
        "月",
        "日",
        "回",
        "人数",
        "ところ",
        "所",
        "程度",
        "どう",
        "何",
    ]
)

# Parts of speech that carry meaning; particles, auxiliaries, symbols and numbers do not.
_CONTENT = {"名詞", "動詞", "形容詞", "形状詞"}
_SEPARATORS = {"補助記号", "空白", "記号"}
_MAX_PHRASE = 6


@functools.cache
def _tokenizer():
    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


@dataclass(frozen=True)
class Word:
    """One word of a text as written (`surface`) and as compared (`key`: its atoms joined)."""

    surface: str
    key: str
    atoms: tuple[str, ...]
    content: bool


@dataclass
class Analysis:
    words: list[Word]
    phrases: frozenset = field(default_factory=frozenset)

    def has(self, key: str) -> bool:
        return key in self.phrases


def _norm(morpheme) -> str:
    return normalise(morpheme.normalized_form()) or normalise(morpheme.surface())


@functools.lru_cache(maxsize=20000)
def analyse(text: str) -> Analysis:
    """Words of `text` and every run of up to six consecutive atoms (what phrases match against)."""
    words: list[Word] = []
    runs: list[list[str]] = [[]]
    for morpheme in _tokenizer().tokenize(unicodedata.normalize("NFKC", text or "")):
        pos = morpheme.part_of_speech()
        if pos[0] in _SEPARATORS:
            if runs[-1]:
                runs.append([])
            continue
        parts = morpheme.split(SplitMode.A) or [morpheme]
        atoms = tuple(_norm(p) for p in parts if _norm(p))
        if not atoms:
            continue
        runs[-1].extend(atoms)
        content = pos[0] in _CONTENT and pos[1] not in {"数詞", "非自立可能"}
        words.append(Word(morpheme.surface(), "".join(atoms), atoms, content))
    phrases = set()
    for run in runs:
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + _MAX_PHRASE) + 1):
                phrases.add("".join(run[i:j]))
    return Analysis(words, frozenset(phrases))


@functools.lru_cache(maxsize=5000)
def phrase_key(phrase: str) -> str:
    """How a staff-written word or phrase is compared: its atoms, joined."""
    return "".join(a for w in analyse(phrase).words for a in w.atoms)


def is_telling(key: str) -> bool:
    """A word worth matching on: not a stop word, not a lone kana or kanji, not a number."""
    if not key or key in STOP_WORDS or key.isdigit():
        return False
    return len(key) >= 2 or key.isascii()


@dataclass(frozen=True)
class Term:
    """Something the request is about: what to look for in an expert's texts, and why."""

    keys: tuple[str, ...]  # any of these phrase keys counts as a match
    shown: str  # the request's own word(s), or the vocabulary entry's label
    weight: float
    group: str  # terms of one group count once per expert


def request_terms(text: str, vocabulary: list[tuple[str, list[str], list[str]]]) -> list[Term]:
    """The telling words of a request, then the vocabulary entries its words call up."""
    analysis = analyse(text)
    terms: dict[str, Term] = {}
    for word in analysis.words:
        if not word.content:
            continue
        if is_telling(word.key) and word.key not in terms:
            terms[word.key] = Term((word.key,), word.surface, 1.0, word.key)
        if len(word.atoms) > 1:
            for atom in word.atoms:
                if is_telling(atom) and atom not in terms:
                    terms[atom] = Term((atom,), atom, 0.3, atom)
    for label, requester_words, expert_words in vocabulary:
        said = [phrase_key(w) for w in requester_words if analysis.has(phrase_key(w))]
        if not said:
            continue
        # The word that called the entry up counts once, as part of the entry.
        for key in said:
            terms.pop(key, None)
        keys = tuple(
            dict.fromkeys(phrase_key(w) for w in [*expert_words, *requester_words] if w.strip())
        )
        terms["vocab:" + label] = Term(keys, label, 1.0, "vocab:" + label)
    return list(terms.values())


@dataclass
class Source:
    """One of an expert's texts: where it is shown (専門分野：…, キーワード, …) and its weight."""

    where: str
    text: str
    weight: float


@dataclass
class Hit:
    term: Term
    where: str
    value: float


def analyse_sources(sources: list[Source]) -> dict[str, tuple[float, str]]:
    """Every phrase of an expert's texts with the best place it occurs (weight, where)."""
    return _places(tuple((s.where, s.text, s.weight) for s in sources if s.text))


@functools.lru_cache(maxsize=4096)
def _places(sources: tuple) -> dict[str, tuple[float, str]]:
    # Cached per expert's texts, so a running process analyses each profile once.
    places: dict[str, tuple[float, str]] = {}
    for where, text, weight in sources:
        for phrase in analyse(text).phrases:
            if phrase not in places or weight > places[phrase][0]:
                places[phrase] = (weight, where)
    return places


def _best(term: Term, document: dict) -> tuple[float, str] | None:
    """The best place a term occurs; an entry found through several of its words counts more."""
    best, found = None, 0
    for key in term.keys:
        place = document.get(key)
        if place is not None:
            found += 1
            if best is None or place[0] > best[0]:
                best = place
    if best is None:
        return None
    return best[0] * (1 + 0.25 * min(found - 1, 4)), best[1]


def rank(terms: list[Term], documents: list[dict]) -> list[list[Hit]]:
    """For each expert, the terms found in their texts and where, rarer terms counting more.

    A term's weight is its inverse document frequency among the experts (a word every expert
    uses tells nothing); each term counts once per expert, at the best place it was found.
    """
    found = [[(term, _best(term, doc)) for term in terms] for doc in documents]
    count = len(documents) or 1
    df = dict.fromkeys((t.group for t in terms), 0)
    for row in found:
        for term, place in row:
            if place is not None:
                df[term.group] += 1
    idf = {group: math.log((count + 1) / (n + 1)) + 1 for group, n in df.items()}
    ranked = []
    for row in found:
        hits = [
            Hit(term, place[1], term.weight * place[0] * idf[term.group])
            for term, place in row
            if place is not None
        ]
        hits.sort(key=lambda h: -h.value)
        ranked.append(hits)
    return ranked

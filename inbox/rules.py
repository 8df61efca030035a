"""The rule engine: weighted patterns, literal prefilters derived from them, noisy-OR scores.

A table is a tuple of ``Rule(pattern, weight, reason)``. ``score(table, text)`` runs on
*flattened* text (``flatten``: lower case, straight quotes, single spaces) and returns
the noisy-OR of the weights of the rules that match, with their reasons. Each rule
carries the literals one of which any match must contain (derived from the pattern
itself), so a rule whose literals are absent is skipped without running its regex.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from re import _compiler as sre_compile  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick_rs


@dataclass(frozen=True, slots=True)
class Rule:
    """A weighted pattern; ``needles`` are literals one of which every match starts with."""

    pattern: re.Pattern[str]
    weight: float
    reason: str
    needles: tuple[str, ...] | None = None
    anchored: bool = False  # starts with ^: can only match at the start of a line
    # the pattern without its leading \b, which the engine searches several times faster
    # (a leading \b stops it skipping to the characters a match can start with)
    loose: re.Pattern[str] | None = None


class _Needles:
    """Every table's needles in one Aho-Corasick automaton (ahocorasick-rs).

    For a text, one pass finds every needle; that is remembered for the few texts of
    the message at hand, so the dozen tables scored on one text share the pass and each
    only intersects it with its own needles.
    """

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.finder: ahocorasick_rs.AhoCorasick | None = None

    def add(self, needles: tuple[str, ...]) -> None:
        """Register a new table's needles."""
        if not self.words.issuperset(needles):
            self.words.update(needles)
            self.finder = None
            self.found.cache_clear()

    @functools.lru_cache(maxsize=16)  # noqa: B019 -- one module-level instance, never freed
    def found(self, text: str) -> frozenset[str]:
        """Every registered needle that occurs in *text* (overlapping ones included)."""
        if self.finder is None:
            # a contiguous NFA: within a few per cent of a DFA's speed here, 5 MB smaller
            self.finder = ahocorasick_rs.AhoCorasick(
                sorted(self.words), implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        try:
            return frozenset(self.finder.find_matches_as_strings(text, overlapping=True))
        except UnicodeEncodeError:  # a lone surrogate: the automaton takes UTF-8 only
            return frozenset(n for n in self.words if n in text)


_NEEDLES = _Needles()


class Table(tuple[Rule, ...]):
    """Rules scored together; a rule whose needles all miss is skipped without its regex.

    The needles of all tables are found in one automaton pass per text (``_Needles``),
    not one ``in`` test each: a table of two hundred needles costs what one of ten does.
    """

    needle_list: tuple[str, ...]
    _needle_set: frozenset[str]
    _always: frozenset[int]  # rules without needles: always run
    _always_rules: list[Rule]
    _by_needle: dict[str, tuple[int, ...]]  # the rules a needle lets run

    def __new__(cls, items: tuple[Rule, ...] | list[Rule]) -> Table:
        table = super().__new__(cls, items)
        table.needle_list = tuple(sorted({n for r in table for n in (r.needles or ())}))
        table._needle_set = frozenset(table.needle_list)
        table._always = frozenset(i for i, r in enumerate(table) if not r.needles)
        table._always_rules = [r for r in table if not r.needles]
        _NEEDLES.add(table.needle_list)
        table._by_needle = {n: tuple(i for i, r in enumerate(table) if n in (r.needles or ()))
                            for n in table.needle_list}
        return table

    def candidates(self, text: str) -> list[Rule]:
        """The rules that can match *text*, in table order (the others' needles are absent)."""
        present = _NEEDLES.found(text) & self._needle_set
        if not present:
            return self._always_rules
        admitted = set(self._always)
        by_needle = self._by_needle
        for n in present:
            admitted.update(by_needle[n])
        return [self[i] for i in sorted(admitted)]

    def present(self, text: str) -> frozenset[str]:
        """The needles of this table that occur in *text* (overlapping ones included)."""
        return _NEEDLES.found(text) & self._needle_set


def rules(*rows: tuple[str, float, str]) -> Table:
    """A table of rules from ``(pattern, weight, reason)`` rows."""
    out = []
    for source, weight, reason in rows:
        pattern = re.compile(source, re.M)  # ^ and $ also at the subject's end, see read()
        found = _minimal(needles(pattern))
        out.append(Rule(pattern, weight, reason, found, _anchored(pattern), _loose(pattern)))
    return Table(out)


def _loose(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """*pattern* compiled without its leading ``\\b``, or None when it has none."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        if len(parsed.data) < 2 or parsed.data[0] != (sre.AT, sre.AT_BOUNDARY):
            return None
        del parsed.data[0]
        prefix, _, _ = sre_compile._get_literal_prefix(parsed, pattern.flags)
        if not prefix and not sre_compile._get_charset_prefix(parsed, pattern.flags):
            return None  # nothing for the engine to skip ahead to: no faster without the \b
        loose: re.Pattern[str] = sre_compile.compile(parsed, pattern.flags)
        return loose
    except Exception:  # an internal compiler we do not depend on: search as written
        return None


class Finder:
    """One regex searched the way rules are: skipped when none of its literals occurs in the
    text (found in the same automaton pass as the tables'), and without a leading ``\\b``.

    ``search`` returns what ``re.compile(source).search`` returns.
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = re.compile(source, flags)
        self.needles = frozenset(_minimal(needles(self.pattern)) or ())
        self.loose = _loose(self.pattern)
        if self.needles:
            _NEEDLES.add(tuple(sorted(self.needles)))

    def search(self, text: str) -> re.Match[str] | None:
        if self.needles and self.needles.isdisjoint(_NEEDLES.found(text)):
            return None
        if self.loose is None:
            return self.pattern.search(text)
        m = self.loose.search(text)
        while m is not None:
            at = m.start()
            if (at > 0 and _is_word(text[at - 1])) != (at < len(text) and _is_word(text[at])):
                return m  # the match the pattern with its \b finds: same start, same rest
            m = self.loose.search(text, at + 1)
        return None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _search_at_boundary(loose: re.Pattern[str], text: str) -> bool:
    """Whether *loose* matches *text* starting at a word boundary (what ``\\b...`` finds)."""
    m = loose.search(text)
    while m is not None:
        at = m.start()
        if (at > 0 and _is_word(text[at - 1])) != (at < len(text) and _is_word(text[at])):
            return True
        m = loose.search(text, at + 1)
    return False


def _anchored(pattern: re.Pattern[str]) -> bool:
    """The whole pattern starts with ``^`` (no top-level alternative escapes the anchor)."""
    try:
        items = list(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:
        return False
    return bool(items) and items[0] == (sre.AT, sre.AT_BEGINNING)


def _minimal(found: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Drop needles that contain another: "join" present or not decides "joining" too."""
    if not found:
        return None
    return tuple(n for n in found if not any(m != n and m in n for m in found))


def needles(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which every match contains, or None when there are none.

    ``\\b(?:i|we) (?:commit|pledge)`` can only match where ``commit`` or ``pledge``
    occurs, and ``in`` finds that far faster than the regex engine (a leading ``\\b``
    defeats the engine's own literal search). Derived from the pattern itself, so the
    filter never changes what matches; the most selective required literals are used.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _required(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an internal parser we do not depend on: no filter, same result
        return None
    return tuple(sorted(found)) if found else None


def _required(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The most selective set of literals one of which any match of *items* contains."""
    options: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            options.append({run})
            run = ""
        found: set[str] | None = None
        if op is sre.BRANCH:
            alts = [_required(list(alt)) for alt in av[1]]
            if alts and all(alts):
                found = set().union(*alts)  # type: ignore[arg-type]
        elif op is sre.SUBPATTERN:
            found = _required(list(av[-1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            found = _required(list(av[2]))
        if found:
            options.append(found)
    if run:
        options.append({run})
    if not options:
        return None
    return max(options, key=_selectivity)


# Fragments found in nearly every message: useless as needles when a rarer choice exists.
_COMMON = frozenset({"the", "in", "to", "a", "i", "we", "you", "and", "is", "of", "on", "it",
                     "for", "at", "me", "my", "?", "are", "re", "do", "can", "so", "be"})


def _selectivity(option: set[str]) -> tuple[bool, int]:
    """Rarer first: no common fragment and three letters or more, then the longer shortest."""
    shortest = min(len(x.strip()) for x in option)
    return (shortest >= 3 and not any(x.strip() in _COMMON for x in option), shortest)


_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2013": "-",
                       "\u2014": "-", "\u201c": '"', "\u201d": '"'})
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|tr|rif|antw|odp|res|enc|r)\s*(?:\[\d+\])?\s*:\s*"
    r"|\[[^\]]{1,60}\]\s*)+", re.I)


def slips(word: str, doubled: bool = False) -> list[str]:
    """*word* with the commonest typing slips: two neighbours swapped ("jion"), one letter
    left out ("delte"), and with *doubled* one letter typed twice ("remoove")."""
    swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)]
    dropped = [word[:i] + word[i + 1:] for i in range(len(word))]
    twice = [word[:i] + word[i] + word[i:] for i in range(len(word))] if doubled else []
    return sorted({*swapped, *dropped, *twice} - {word})


def flatten(text: str) -> str:
    """Lower case, typographic quotes and dashes made plain, whitespace collapsed."""
    if not text.isascii():
        text = text.translate(_APOS)
    return " ".join(text.lower().split())


def bare_subject(subject: str) -> str:
    """The subject without reply/forward prefixes and list tags."""
    return _SUBJECT_PREFIX.sub("", subject).strip()


def score(table: Table, text: str) -> tuple[float, list[str]]:
    """Noisy-OR of the weights of the matching rules, and their reasons."""
    miss = 1.0
    reasons = []
    for rule in table.candidates(text):
        hit: bool
        if rule.anchored:  # only line starts can match (the text has one line break at most)
            hit = bool(rule.pattern.match(text)) or any(
                rule.pattern.match(text, i + 1) for i in _line_breaks(text))
        else:
            hit = _search_at_boundary(rule.loose, text) if rule.loose is not None \
                else rule.pattern.search(text) is not None
        if hit:
            miss *= 1.0 - rule.weight
            reasons.append(rule.reason)
    return 1.0 - miss, reasons


def _line_breaks(text: str) -> list[int]:
    out, at = [], text.find("\n")
    while at >= 0:
        out.append(at)
        at = text.find("\n", at + 1)
    return out

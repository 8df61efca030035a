"""Scots (Doric, Glaswegian and the rest) read as the English the rules know.

A message that uses several words only Scots has ("tae jine", "pit us doon", "ah've",
"cannae") has its Scots words swapped for their English ones before the tables read it,
so "I'd like tae jine" is "I'd like to join". Words that are also English ("fit", "een",
"pit") are swapped only in such a message, never on their own.
"""

from __future__ import annotations

import re

# Words no English sentence uses: three different ones make a message Scots.
_MARKERS = frozenset({
    "tae", "jine", "jinin", "jined", "jinan", "doon", "aboot", "ilka", "nae", "didnae", "cannae",
    "canna", "dinnae", "dinna", "wisnae", "widnae", "wouldnae", "isnae", "wantae", "yous",
    "youse", "oan", "gaun", "awright", "ah've", "ah'm", "ah'd", "whit", "masel", "frae", "fae",
    "guid", "mair", "oot", "tellt", "hame", "awfy", "fer", "yer", "doot", "hud", "aff", "ony",
    "daein"})

_ENGLISH = {
    "tae": "to", "jine": "join", "jinin": "joining", "jined": "joined", "jinan": "joining",
    "doon": "down", "aboot": "about", "ilka": "every", "een": "one", "o": "of", "nae": "no",
    "ah": "i", "ah'm": "i'm", "ah've": "i've", "ah'd": "i'd", "ma": "my", "yer": "your",
    "ye": "you", "yous": "you", "youse": "you", "fer": "for", "fur": "for", "oan": "on",
    "pit": "put", "wi": "with", "fae": "from", "frae": "from", "whit": "what", "hud": "had",
    "hid": "had", "guid": "good", "aa": "all", "aw": "all", "masel": "myself", "oot": "out",
    "cannae": "can't", "canna": "can't", "dinnae": "don't", "dinna": "don't", "didnae": "didn't",
    "wouldnae": "wouldn't", "widnae": "wouldn't", "isnae": "isn't", "wisnae": "wasn't",
    "wantae": "want to", "hame": "home", "mair": "more", "gaun": "going", "tellt": "told",
    "doot": "doubt", "awfy": "very", "tak": "take", "aff": "off", "ony": "any", "daein": "doing",
    "readin": "reading"}

_WORD = re.compile(r"(?<![\w'])[a-z]+(?:'[a-z]+)?(?![\w'])")


def plain_scots(text: str) -> str:
    """*text* (flattened) with its Scots words in English, when it is written in Scots."""
    words = set(_WORD.findall(text))
    if len(words & _MARKERS) < 3:
        return text
    return _WORD.sub(lambda m: _ENGLISH.get(m.group(0), m.group(0)), text)

"""Who a message is from or about: their name, their address, their organisation.

Names come from the display name, the sign-off and phrases such as "my name is ..."
or "this is ...", and the fuller consistent one wins (``Tunde`` + ``Tunde Okoye``;
``Geoff Hunter`` over ``G. Hunter``). Titles go; "Sent from my iPhone" and closing
words never count as names. Addresses are checked by `lists.addresses` (no DNS).
"""

from __future__ import annotations

import re

_TITLES = {"dr", "dr.", "cllr", "cllr.", "councillor", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
           "miss", "mx", "mx.", "prof", "prof.", "professor", "rev", "rev.", "revd", "sir",
           "dame", "lord", "lady", "fr", "fr.", "rt", "hon", "hon.", "cde", "comrade", "canon",
           "imam", "rabbi", "pastor", "baroness", "baron", "sister",
           # post-nominals: "Jane Smith MBE", "Cllr Jo Bloggs MSP"
           "mp", "msp", "mla", "mep", "obe", "mbe", "cbe", "kbe", "dbe", "qc", "kc", "jp",
           "phd", "frsa"}
_NOT_NAMES = {
    "thanks", "thank", "thankyou", "cheers", "best", "regards", "kind", "warm", "warmest",
    "many", "love", "yours", "sincerely", "faithfully", "truly", "hi", "hello", "hey",
    "dear", "all", "everyone", "friends", "solidarity", "in", "sent", "from", "get",
    "outlook", "iphone", "android", "the", "team", "committee", "best,", "ta", "bye", "x",
    "xx", "xxx", "peace", "take", "care", "wishes", "speak", "soon", "later", "yes", "no",
    "ok", "please", "hiya", "greetings", "good", "morning", "afternoon", "evening", "day",
    "secretary", "chair", "treasurer", "officer", "manager", "coordinator", "co-ordinator",
    "steering", "group", "hub", "branch", "events", "admin", "for", "on", "behalf", "of",
    "and", "&", "a", "an", "i", "we", "me", "us", "you", "my", "our", "their", "thx",
    "tnx", "diolch", "merci", "danke", "gracias", "dziękuję", "go", "raibh", "maith", "agat",
    "cordialement", "mit", "freundlichen", "grüßen", "saludos", "pozdrawiam", "postcode",
    "address", "phone", "tel", "mobile", "email", "sign", "signed", "up", "count", "join",
    "stop", "help", "status", "yours,", "sorry", "apologies", "also", "ps", "p.s.", "re",
    "aye", "yep", "yeah", "welcome", "regards,", "nb", "note", "agenda", "date", "time",
    "where", "when", "venue", "speakers", "bring", "minutes", "subject", "to", "fwd",
    "forwarded", "message", "original", "wrote", "at", "by", "via", "unsubscribe",
    "remove", "delete", "confirm", "confirmed", "mum", "dad", "son", "daughter", "wife",
    "husband", "partner", "website", "form", "forms", "noreply", "no-reply", "notification",
    "notifications", "mailer", "daemon", "postmaster", "unknown", "user", "member",
    # thanks as people type it
    "thanx", "thanxs", "thnx", "thnks", "thanq", "thankx", "thanku", "tx", "ty", "tyvm",
    "cheerz", "chrs", "ta-ra", "tara",
}
_PARTICLES = {"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "le", "la",
              "ní", "nic", "ni", "mac", "mc", "bin", "ibn", "al", "el", "y", "ap", "ó", "o'",
              "dos", "das", "ter", "ten", "st", "st."}
_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ\u0100-\u024f\u0370-\u03ff\u0400-\u04ff][\w'’\-]*\.?"
                    r"|(?:[A-Z]\.){1,3})$")  # initials: "J.", "J.P."
# Words that make a display name an organisation's rather than a person's.
_ORG_WORDS = frozenset({
    "branch", "union", "council", "society", "soc", "association", "campaign", "collective",
    "co-op", "coop", "cooperative", "co-operative", "committee", "club", "federation",
    "forum", "alliance", "coalition", "tenants", "residents", "charity", "cic", "ltd",
    "limited", "organisation", "organization", "group", "network", "trust", "foundation",
    "centre", "center", "project", "team", "office", "support", "info", "admin", "newsletter",
    "news", "services", "the", "church", "mosque", "hub", "party", "university", "college",
    "school", "food", "justice", "action", "solidarity", "mail", "delivery", "system",
    "website", "form", "forms", "noreply", "no-reply", "mailer", "daemon", "postmaster",
    "notification", "notifications", "unknown",
})
# any particle of _PARTICLES inside a name ("Aled ap Rhys", "Marie de la Haye")
_PARTICLE_RE = "|".join(re.escape(w) for w in sorted(_PARTICLES, key=len, reverse=True))
_NAME_PHRASE = re.compile(
    r"\b(?i:my name is|my name's|this is|it'?s|i am|i'?m|name:)\s+([A-ZÀ-ÖØ-Þ][\w'’\-]+"
    r"(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+|(?:" + _PARTICLE_RE + r")(?=\s)))"
    r"{0,3})(?=\s*(?:[.,;:!\-–—(]|and\b|here\b|$))")
_CLOSING = re.compile(r"^(?:thanks|thank you|many thanks|cheers|best|best wishes|regards"
                      r"|thanx|thnx|thnks|thanq|thanku|ty|tyvm|cheerz"
                      r"|kind regards|warm regards|all the best|in solidarity|solidarity"
                      r"|yours|yours sincerely|yours faithfully|love|take care|ta|thx"
                      r"|cordialement|mit freundlichen grüßen|go raibh maith agat|diolch"
                      r"|pozdrawiam|saludos)\b[,.!]*\s*$", re.I)


def clean_display(name: str) -> str:
    """A display name as a person's name: quotes, ``(via ...)``, titles and addresses out."""
    name = re.sub(r"\s*\([^)]*\)|\s+via\s+.*$", "", name, flags=re.I)
    name = re.sub(r"[\"“”<>\[\]{}]|\S+@\S+", " ", name)
    name = " ".join(name.replace("'", "'").split()).strip(" ,.-'")
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if last and first and " " not in last and len(first.split()) <= 2:
            name = f"{first} {last}"
    words = [w for w in name.split() if w.lower() not in _TITLES]
    name = " ".join(words)
    if name.isupper() or name.islower():
        return _titlecase(name)
    return _surname_in_capitals(name)


def _surname_in_capitals(name: str) -> str:
    """ "DALGLEISH Fiona" -> "Fiona Dalgleish", "Fiona DALGLEISH" -> "Fiona Dalgleish": a
    surname written in capitals (the French and academic way) put last, in title case."""
    words = name.split()
    upper = [len(w) >= 3 and w.isupper() and w.isalpha() for w in words]
    if len(words) not in (2, 3) or not any(upper) or all(upper):
        return name
    if upper[0] and not upper[-1]:  # surname first: move it after the given names
        cut = upper.index(False)
        words = words[cut:] + words[:cut]
    return " ".join(_titlecase(w) if w.isupper() and len(w) >= 3 else w for w in words)


def _titlecase(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() if len(w) > 1 else w.upper()
                    for w in name.split())


def is_person_name(name: str) -> bool:
    """One to five name-like words, no digits, no "&", no organisation words."""
    if not name or any(ch.isdigit() for ch in name) or "&" in name or "@" in name:
        return False
    words = name.split()
    if not 1 <= len(words) <= 5 or " and " in f" {name.lower()} ":
        return False
    if any(w.lower().strip(".,'’") in _ORG_WORDS for w in words):
        return False
    if len(words) == 1 and words[0].lower() in _NOT_NAMES:  # "Help", "Admin", "Welcome"
        return False
    return all(_TOKEN.match(w) or w.lower() in _PARTICLES for w in words)


def _name_in_line(line: str) -> str | None:
    """The name at the start of a sign-off line ("Darren, WV10 0QR", "Tunde Okoye | Chair")."""
    line = line.strip().strip("-–— ")
    line = re.split(r"\s*(?:[,|(]|\s[-–—]\s|\s{2,}|\bx+\b$)", line, maxsplit=1)[0].strip()
    line = re.sub(r"\s+x+$", "", line).strip(" .")
    words = [w for w in line.split() if w.lower().strip(".") not in _TITLES]
    if not words or len(words) > 4:
        return None
    if any(w.lower().strip(",.!") in _NOT_NAMES for w in words):
        return None
    candidate = " ".join(words)
    return candidate if is_person_name(candidate) else None


_CLOSING_PREFIX = re.compile(r"^(?:thanks|thank you|many thanks|cheers|best|best wishes|regards"
                             r"|kind regards|warm regards|in solidarity|solidarity|love|ta|thx"
                             r"|yours|take care|all the best)\s*[,!.:-]\s*", re.I)


# "... to your list. Thanks, Gill": a sign-off at the end of the last line.
_INLINE_SIGNOFF = re.compile(r"(?i:thanks|thank you|cheers|regards|best|love|ta|many thanks)"
                             r"[,!.]?\s+([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2})(?:,[^\n]*)?\W*$")


_KISSES = re.compile(r"(?:\s+|^)x+\W*$|\s+$", re.I)


def signoff_names(text: str) -> list[str]:
    """Names written at the end of the new text, nearest the end first (at most three)."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    found: list[str] = []
    # the last line without kisses ("cheers\ndave x") or end punctuation; "thanx" keeps its x
    last = _KISSES.sub("", lines[-1]).strip(".,! ") if lines else ""
    if last.isalpha() and last.islower() and 2 < len(last) < 15 and last not in _NOT_NAMES:
        found.append(last.capitalize())  # "cheers\ndave": a name written in lower case
    inline = _INLINE_SIGNOFF.search(lines[-1]) if lines else None
    if inline and is_person_name(inline.group(1)) \
            and inline.group(1).split()[0].lower() not in _NOT_NAMES:
        found.append(inline.group(1))
    tail = lines[-8:]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        if len(line) > 80:
            continue
        if _CLOSING.match(line.strip()):
            continue
        line = _CLOSING_PREFIX.sub("", line.strip())
        is_last = i == len(tail) - 1
        after_closing = i > 0 and _CLOSING.match(tail[i - 1].strip())
        short_para = len(line.split()) <= 4
        if not (is_last or after_closing or short_para):
            continue
        name = _name_in_line(line)
        if name and name not in found:
            found.append(name)
        if len(found) == 3:
            break
    return found


_PHRASE_NEEDLES = ("name", "this is", "it's", "its ", "i am", "i'm", "im ")


def phrase_names(text: str) -> list[str]:
    """Names introduced in the text: "my name is Jo Bloggs", "this is Karen"."""
    low = text[:2000].lower()
    if not any(n in low for n in _PHRASE_NEEDLES):
        return []
    out = []
    for m in _NAME_PHRASE.finditer(text[:2000]):
        words = [w for w in m.group(1).split() if w.lower() not in _NOT_NAMES]
        name = " ".join(words)
        if name and is_person_name(name) and name.split()[0].lower() not in _NOT_NAMES:
            out.append(name)
    return out


def _compatible(a: str, b: str) -> bool:
    """Two spellings of one person: same surname (or one has none), matching first names.

    First names match when equal, when one is the other's initial ("G." / "Geoff"), or
    when one starts the other ("Tom" / "Tommy"); surnames when equal or one is the other's
    initial ("Nadia K" / "Nadia Karimi").
    """
    wa, wb = a.lower().replace(".", "").split(), b.lower().replace(".", "").split()
    if len(wa) > 1 and len(wb) > 1 and not _same_word(wa[-1], wb[-1], initial_only=True):
        return False
    return _same_word(wa[0], wb[0])


def _same_word(a: str, b: str, initial_only: bool = False) -> bool:
    """Equal, or one the other's initial ("K" / "Karimi"); for first names also one
    the start of the other ("Tom" / "Tommy")."""
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return not initial_only and (a.startswith(b) or b.startswith(a))


def choose_name(display: str, text: str, signature: str = "") -> str | None:
    """The person's name as a careful human records it, or None.

    The display name, unless it is no person's name (``J & K Barker``, an address); a
    name written in the text, or heading the signature block after ``-- ``, replaces it
    when it is a fuller spelling of the same person (``F Hussain`` -> ``Fatima Hussain``,
    ``Tunde`` -> ``Tunde Okoye``).
    """
    shown = clean_display(display)
    person = shown if is_person_name(shown) else ""
    words = person.split()
    if len(words) >= 2 and all(len(w.strip(".")) > 1 for w in words):
        return person  # a full name already: the text can only repeat or shorten it
    written = [*phrase_names(text), *signoff_names(text)]
    first = next((ln for ln in signature.split("\n") if any(c.isalpha() for c in ln)), "")
    signed = _name_in_line(first) if first else None
    if signed and signed not in written:
        written.append(signed)  # last: the text's own names come first
    if person:
        fuller = [c for c in written if _compatible(c, person) and len(c.split()) >= 2
                  and len(c.replace(".", "")) > len(person.replace(".", ""))]
        return max(fuller, key=len) if fuller else person
    if not written:
        return None
    # no usable display name: "this is Karen" + "Karen Barker" -> the fuller of them
    best = written[0]
    same = [c for c in written if _compatible(c, best)]
    name = max(same, key=len)
    shared = _SHARED.match(shown)
    if shared and len(name.split()) == 1:  # "J & K Barker" signed "Karen": Karen Barker
        name = f"{name} {shared.group(1)}"
    return name


# A couple's or family's display name: "J & K Barker", "John and Karen Smith".
_SHARED = re.compile(r"^[A-Z][\w.]*(?: [A-Z][\w.]*)? (?:&|and) [A-Z][\w.]*(?: [A-Z][\w.]*)*"
                     r" ([A-Z][a-z'’-]+)$")


def name_near(text: str, addr: str) -> str | None:
    """A name written just before an address ("Joan Baker, joan@example.org"), or in a
    "Name:" field of the same block of details ("Name: Joan Baker / Email: joan@..."), or None.
    """
    at = text.lower().find(addr.lower())
    if at <= 0:
        return None
    m = _NAME_BY_ADDRESS.search(text[max(0, at - 60):at])
    if m and is_person_name(m.group(1)) and m.group(1).split()[0].lower() not in _NOT_NAMES:
        return m.group(1)
    start = text.rfind("\n\n", 0, at) + 1
    end = text.find("\n\n", at)
    fields = [clean_display(f.group(1)) for f in _NAME_FIELD.finditer(
        text, start, end if end >= 0 else len(text))]
    fields = [f for f in fields if is_person_name(f)]
    return fields[0] if len(fields) == 1 else None


_NAME_BY_ADDRESS = re.compile(r"([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,3})\W{1,4}$")
# A labelled field in a block of details: "Name: Joan Baker", "Full name - Joan Baker".
_NAME_FIELD = re.compile(r"^[ \t*-]*(?i:(?:full |her |his |their )?name)[ \t]*[:=–-][ \t]*"
                         r"([^\n]{2,60}?)[ \t]*$", re.M)


def organisation_name(display: str, text: str) -> str | None:
    """An organisation's name: the fuller of its display name and how it names itself."""
    shown = _bilingual_half(" ".join(re.sub(r"[\"“”<>]|\S+@\S+", " ", display).split()))
    bare = _ROLE_AROUND.sub("", shown).strip(" ,-–") or shown  # "Barnsley TUC Secretary"
    named = [m.group(1).strip(" ,.-") for m in _ROLE_LINE.finditer(text[:3000])]
    for m in _ORG_PHRASE.finditer(text[:3000]):
        phrase = m.group(1).strip(" ,.-")
        words = phrase.split()
        if any(w.lower() in _ORG_WORDS for w in words) and 2 <= len(words) <= 8:
            named.append(phrase)
    for m in _ROLE_OF.finditer(text[:3000]):
        phrase = m.group(1).strip(" ,.-")
        if 1 <= len(phrase.split()) <= 8:
            named.insert(0, phrase)  # "as secretary of Unite Community Hastings": it names itself
    named = [_TRAILING_MINOR.sub("", n) for n in named]
    for phrase in named:
        if bare and (bare.lower() in phrase.lower() or _abbreviates(bare, phrase)) \
                and len(phrase) > len(bare):
            return phrase
    if named and (not shown or is_person_name(shown)):
        return named[0]  # a person wrote for the organisation: it names itself in the text
    return bare or None


_ROLES = (r"(?:(?:branch|membership|general|joint|acting|assistant|vice)[ -])?(?:secretary|chair"
          r"|chairperson|treasurer|convenor|convener|organiser|organizer|co-?ordinator|president"
          r"|officer|delegate)")
# "Barnsley TUC Secretary", "Chair - Leeds Tenants": the role around an organisation's name
_ROLE_AROUND = re.compile(r"^\s*" + _ROLES + r"\b\s*(?:[,:–-]|of|for)?\s*|\s*[,(–-]?\s*\b"
                          + _ROLES + r"\)?\s*$", re.I)
# A signature line "Secretary, Barnsley Trades Union Council": the body the officer signs for
_ROLE_LINE = re.compile(
    r"^[ \t]*(?i:" + _ROLES + r")[ \t]*(?:,|–|-|/|(?i:of|for))[ \t]*(?i:the[ \t]+)?"
    r"((?:[A-Z][\w'’&\-]*)(?:[ \t]+(?:[A-Z][\w'’&\-]*|of|the|and|for|&))*)[ \t.]*$", re.M)
_MINOR = frozenset({"of", "the", "and", "for", "&", "at", "in"})
_TRAILING_MINOR = re.compile(r"(?:\s+(?:of|the|and|for|&|at|in))+$")


def _abbreviates(short: str, full: str) -> bool:
    """*short* is *full* with a run of its words cut to initials ("Barnsley TUC" for
    "Barnsley Trades Union Council")."""
    words = [w for w in full.split() if w.lower() not in _MINOR]
    initials = "".join(w[0] for w in words).upper()
    rest = [w for w in short.split() if not (w.isupper() and len(w) >= 2)]
    acronyms = [w for w in short.split() if w.isupper() and len(w) >= 2]
    lowered = [w.lower() for w in words]
    return bool(acronyms) and all(a in initials for a in acronyms) \
        and all(w.lower() in lowered for w in rest)


def _bilingual_half(name: str) -> str:
    """One half of a bilingual "Welsh / English" name: the English one (the second when
    neither half has an English organisation word)."""
    halves = [h.strip() for h in re.split(r"\s+[/|]\s+", name)]
    if len(halves) != 2 or any(len(h.split()) < 2 for h in halves):
        return name
    english = [h for h in halves if any(w.lower() in _ORG_WORDS for w in h.split())]
    return english[0] if len(english) == 1 else halves[1]


# "I'm writing as secretary of X", "chair of X": an officer naming the body they write for.
_ROLE_OF = re.compile(
    r"\b(?i:as|i'?m|i am)\s+(?i:the\s+)?(?:(?i:branch|membership|general|joint|acting|assistant"
    r"|vice)\s+)?(?i:secretary|chair|chairperson|treasurer|convenor|convener|organiser|organizer"
    r"|co-?ordinator|president|officer|delegate)\s+(?i:of|for|at)\s+(?i:the\s+)?"
    r"((?:[A-Z][\w'’&\-]*|of|the|and|for|at|in|&)(?:\s+(?:[A-Z][\w'’&\-]*|of|the|and|for|at"
    r"|in|&))*)")
_ORG_PHRASE = re.compile(
    r"\b(?i:we'?re|we are|this is|on behalf of|writing from|writing for)\s+(?i:the\s+)?"
    r"((?:[A-Z][\w'’&\-]*|of|the|and|for|at|in|&)(?:\s+(?:[A-Z][\w'’&\-]*|of|the|and|for|at"
    r"|in|&))*)")


_USE_OTHER = re.compile(
    r"\b(?:please )?(?:use|send (?:it|them|everything|mail|emails|things) to|contact me (?:at|on)"
    r"|write to me at|switch (?:me |it )?to|change (?:it|my (?:email|address)) to|my (?:new|other"
    r"|personal|home|preferred|main) (?:email|e-mail|address)(?: address)? is"
    r"|(?:use|send (?:it|them|everything|mail|emails|things|stuff) to|write to|contact me"
    r" (?:at|on)) (?:my|this|the|her|his) (?:\w+ ){0,2}(?:e-?mail|address|account)"
    r"(?: address)?)\s*[,:(-]?\s*$", re.I)
# What follows an address the writer prefers: "... instead", "... rather than this one".
_USE_AFTER = re.compile(r"\W*(?:instead|from now on|in future|rather than|not this"
                        r"|(?:as )?this (?:one )?is (?:my )?(?:work|office|old|shared))", re.I)


def preferred_address(text: str, own: str, others: list[str]) -> str | None:
    """Another address of theirs the writer asks us to use ("please use jo@home.org instead")."""
    for addr in others:
        at = text.lower().find(addr)
        if at < 0 or addr == own:
            continue
        before = text[max(0, at - 60):at]
        after = text[at + len(addr):at + len(addr) + 30].lower()
        if _USE_OTHER.search(before) or _USE_AFTER.match(after):
            return addr
    return None

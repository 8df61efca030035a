"""Absence notices in any language, by their shape rather than one wording.

An out-of-office reply that carries no RFC 3834 header still has a shape: it answers
mail (ours, usually), it is short, it asks nothing, and it says the writer is away
(holiday, leave, abroad) and when they are back ("until Monday 18 August", "back on
5 October"), often adding that mail goes unread or that the answer is automatic. The
words for each part are listed in the languages a UK network meets: English, Welsh,
Scottish Gaelic, Polish, Romanian, Portuguese, Spanish, Italian, French, German,
Lithuanian, Turkish, Somali, and Urdu/Hindi, Punjabi, Bengali and Arabic as they are
typed in Latin letters. Month and weekday names are listed the same way, so a return
date is seen whatever language it is written in.

``notice(body)`` scores a flattened text; ``inbox.intent`` only asks it about short
replies that ask nothing, so a person's "I'm back on Monday, see you there" with a
question or a request in it is not taken for a machine.
"""

from __future__ import annotations

import re


def _words(*groups: str) -> str:
    return "(?:" + "|".join(groups) + ")"


# being away: holiday, leave, travelling, abroad, out of the office
_AWAY = _words(
    # en
    r"holidays?", r"vacation", r"annual leave", r"on leave", r"away", r"out of (?:the )?office",
    r"out of the country", r"abroad", r"travell?ing", r"off work", r"sabbatical",
    # cy: gwyliau (ngwyliau, wyliau after mutation), i ffwrdd, absennol, oddi cartref
    r"n?g?wyliau", r"i ffwrdd", r"absennol", r"oddi cartref",
    # gd: air saor-làithean, air falbh, às an oifis
    r"saor-l[àa]ithean", r"air falbh", r"[àa]s an oifis",
    # pl: na urlopie, nieobecny/a, poza biurem, na wyjeździe
    r"urlop\w*", r"nieobecn\w*", r"poza biurem", r"wyje[źz]dzie",
    # ro: în concediu, în vacanță, plecat(ă)
    r"concediu", r"vacan[țţt][ăa]", r"plecat[ăa]?",
    # pt / es / it / fr / de
    r"f[ée]rias", r"ausente", r"fora do escrit[óo]rio", r"vacaciones", r"fuera de la oficina",
    r"ferie", r"in vacanza", r"assente", r"fuori ufficio", r"cong[ée]s?", r"vacances",
    r"absente?", r"urlaub", r"abwesend", r"nicht im b[üu]ro",
    # lt: atostogauju, atostogose, nebūsiu
    r"atostog\w*", r"neb[ūu]siu",
    # tr / so
    r"izin(?:deyim|de)", r"tatil(?:deyim|de)", r"fasax",
    # ur/hi/pa (Latin letters): chutti, chhuttiyan, bahar gaya hua, mulk se bahar
    r"c?chh?utt?i(?:yon|yan|yaan|an|te|ti|yo)?", r"bahar (?:gay[ae]|gayi|hoon|hun|hai)",
    r"gay[ae] hu(?:a|e|i) (?:hoon|hun|hai|haan)", r"(?:mulk|shehar) se bahar",
    # bn (Latin letters): chhutite, chhutir, baire achhi
    r"chh?utite", r"chh?utir", r"baire ach?hi",
    # ar (Latin letters): fi ijaza, kharij al-maktab
    r"ij[aā]z[ae]h?", r"kh[aā]rij al-?makt[aā]b",
)

# coming back, or "until": the half of a return date that is not the date
_BACK = _words(
    r"until", r"till", r"(?:be )?back (?:on|in|at|from|after)", r"returning", r"return(?:s)? on",
    r"i return", r"from \w+ to",
    # cy: tan, yn ôl / 'n ôl, dychwelyd
    r"tan", r"(?:yn|'n) [ôo]l", r"dychwel\w*",
    # gd: gu ruige, air ais, tillidh mi
    r"gu ruige", r"air ais", r"tillidh",
    # pl: do (dnia), wracam, wrócę, po powrocie
    r"do dnia", r"do(?= \d)", r"wracam", r"wr[óo]c[ęe]", r"powro\w*",
    # ro: până la / pe / în, mă întorc, revin
    r"p[âa]n[ăa](?: la| pe| [îi]n)?", r"m[ăa] [îi]ntorc", r"revin",
    # pt / es / it / fr / de
    r"até", r"regress\w*", r"volto", r"de volta", r"hasta", r"vuelvo", r"volver[ée]",
    r"fino al?", r"rientr\w*", r"torner[òo]", r"jusqu'?au", r"de retour", r"reviendrai",
    r"bis(?: zum| einschlie[ßs]lich)?", r"zur[üu]ck",
    # lt / tr / so
    r"iki", r"gr[įi][šs]\w*", r"kadar", r"d[öo]nece[ğg]im", r"ilaa", r"soo laab\w*",
    # ur/hi/pa/bn/ar (Latin letters): tak, wapas/vapas, lautunga, porjonto, phirbo, hatta
    r"tak", r"w[ae]p[ae]s", r"vap[ae]s", r"laut\w*", r"porjon?to", r"ph?irbo", r"fire ash?bo",
    r"hatt?a",
)

_MONTHS = _words(
    # en, cy, gd
    r"jan(?:uary)?", r"feb(?:ruary)?", r"march", r"mar", r"april", r"apr", r"may", r"june?",
    r"july?", r"aug(?:ust)?", r"sept?(?:ember)?", r"oct(?:ober)?", r"nov(?:ember)?",
    r"dec(?:ember)?", r"ionawr", r"chwefror", r"mawrth", r"ebrill", r"mai", r"mehefin",
    r"gorffennaf", r"awst", r"medi", r"hydref", r"tachwedd", r"rhagfyr", r"faoilleach",
    r"gearran", r"m[àa]rt", r"giblean", r"c[èe]itean", r"[òo]gmhios", r"iuchar",
    r"l[ùu]nastal", r"sultain", r"d[àa]mhair", r"samhain", r"d[ùu]bhlachd",
    # pl (genitive, as dates are written)
    r"stycznia", r"lutego", r"marca", r"kwietnia", r"maja", r"czerwca", r"lipca", r"sierpnia",
    r"wrze[śs]nia", r"pa[źz]dziernika", r"listopada", r"grudnia",
    # ro, pt, es, it, fr, de
    r"ianuarie", r"februarie", r"martie", r"aprilie", r"iunie", r"iulie", r"septembrie",
    r"octombrie", r"noiembrie", r"decembrie", r"janeiro", r"fevereiro", r"mar[çc]o", r"abril",
    r"maio", r"junho", r"julho", r"agosto", r"setembro", r"outubro", r"novembro", r"dezembro",
    r"enero", r"febrero", r"marzo", r"mayo", r"junio", r"julio", r"septiembre", r"octubre",
    r"noviembre", r"diciembre", r"gennaio", r"febbraio", r"aprile", r"maggio", r"giugno",
    r"luglio", r"settembre", r"ottobre", r"dicembre", r"janvier", r"f[ée]vrier", r"mars",
    r"avril", r"juin", r"juillet", r"ao[ûu]t", r"septembre", r"octobre", r"novembre",
    r"d[ée]cembre", r"januar", r"februar", r"m[äa]rz", r"juni", r"juli", r"oktober",
    r"dezember",
    # lt, tr
    r"sausio", r"vasario", r"kovo", r"baland[žz]io", r"gegu[žz][ėe]s", r"bir[žz]elio",
    r"liepos", r"rugpj[ūu][čc]io", r"rugs[ėe]jo", r"spalio", r"lapkri[čc]io", r"gruod[žz]io",
    r"ocak", r"[şs]ubat", r"nisan", r"may[ıi]s", r"haziran", r"temmuz", r"a[ğg]ustos",
    r"eyl[üu]l", r"ekim", r"kas[ıi]m", r"aral[ıi]k",
)

_WEEKDAYS = _words(
    r"monday", r"tues(?:day)?", r"wednesday", r"thurs(?:day)?", r"friday", r"saturday",
    r"sunday",
    # cy (dydd Llun ...), gd (Diluain ...)
    r"d?dydd (?:llun|mawrth|mercher|iau|gwener|sadwrn|sul)", r"diluain", r"dim[àa]irt",
    r"diciadain", r"diardaoin", r"dihaoine", r"disathairne", r"did[òo]mhnaich",
    # pl, ro, pt, es, it, fr, de, lt, tr
    r"poniedzia[łl]\w*", r"wtor\w*", r"[śs]rod\w*", r"czwart\w*", r"pi[ąa]t\w*", r"sobot\w*",
    r"niedziel\w*", r"luni", r"mar[țţt]i", r"miercuri", r"joi", r"vineri", r"s[âa]mb[ăa]t[ăa]",
    r"duminic[ăa]", r"segunda-feira", r"ter[çc]a-feira", r"quarta-feira", r"quinta-feira",
    r"sexta-feira", r"lunes", r"martes", r"mi[ée]rcoles", r"jueves", r"viernes", r"s[áa]bado",
    r"domingo", r"luned[ìi]", r"marted[ìi]", r"mercoled[ìi]", r"gioved[ìi]", r"venerd[ìi]",
    r"lundi", r"mardi", r"mercredi", r"jeudi", r"vendredi", r"samedi", r"dimanche", r"montag",
    r"dienstag", r"mittwoch", r"donnerstag", r"freitag", r"samstag", r"sonntag",
    r"pirmadien\w*", r"antradien\w*", r"tre[čc]iadien\w*", r"ketvirtadien\w*",
    r"penktadien\w*", r"pazartesi", r"sal[ıi]", r"[çc]ar[şs]amba", r"per[şs]embe", r"cuma",
)

# a date: "18 Awst", "5 October", "October 5th", "18/08", "18.08.2025", a weekday
_DATE = (r"\b(?:\d{1,2}(?:st|nd|rd|th|\.|eg|fed|ain|ed)?(?: de| o| of| d')? " + _MONTHS
         + r"\b|" + _MONTHS + r" \d{1,2}\b|\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|"
         + _WEEKDAYS + r"\b)")
_AWAY_RE = re.compile(r"\b" + _AWAY + r"\b")
# "until Monday 18 August", "5 October ko wapas", "bis zum 3. März": a return word near a date
_RETURN_DATE = re.compile(r"\b" + _BACK + r"\b[^.!?]{0,30}" + _DATE + "|" + _DATE
                          + r"[^.!?]{0,20}\b" + _BACK + r"\b")
# mail goes unread: the word for e-mail in these languages (with "not" nearby, see below)
_MAIL = re.compile(r"\b(?:e-?mail\w*|e-?byst|e-?bost|e-?bostau|post-?d|poczt\w*|e-?maili"
                   r"|correos?|courriels?|posta|e-?postas?|e-?posta|ebost)\b")
_NOT = re.compile(r"\b(?:not|no|won'?t|can'?t|cannot|unable|ddim|chan|nie|nu|n[ãa]o|no|non|ne"
                  r"|pas|ni|nid|nicht|kein\w*|nebus\w*|negal\w*|nahi|nahin|nahee|na|naa|la)\b")
# the reply says it is automatic
_AUTOMATIC = re.compile(r"\b(?:automatic|automated|auto-?reply|awtomatig|f[èe]in-obrachail"
                        r"|automatyczn\w*|automat\w*|autom[áa]tic\w*|automatique|otomatik"
                        r"|khud ?kar|sw[ao]yong?kri[iy]o)\b")


def notice(body: str) -> tuple[float, list[str]]:
    """How surely *body* (flattened) is an absence notice, and why; 0 when nothing says so.

    >>> notice("i'm on holiday until monday 18 august and won't read email.")[0] >= 0.8
    True
    """
    away = _AWAY_RE.search(body) is not None
    back = _RETURN_DATE.search(body) is not None
    if not (away or back):
        return 0.0, []
    reasons = []
    if away:
        reasons.append("says the writer is away")
    if back:
        reasons.append("gives a return date")
    mail = _MAIL.search(body)
    unread = mail is not None and _NOT.search(body[max(0, mail.start() - 40):mail.end() + 40])
    if unread:
        reasons.append("says mail goes unread")
    if _AUTOMATIC.search(body):
        reasons.append("says it is automatic")
    strength = {1: 0.35, 2: 0.75, 3: 0.85, 4: 0.92}[len(reasons)]
    return strength, reasons


# the commonest English words: a text with almost none of them is not in English
_ENGLISH = frozenset(re.findall(r"\w+", """
    i me my we our you your the a an and but or to of in on at for with from by is are was
    be been will would can could not no it this that have has had do am as so if all just
    about there here what when back see thanks thank please hi hello dear"""))
_DATE_RE = re.compile(_DATE)


def foreign_date(body: str) -> bool:
    """*body* gives a date and is not in English (fewer than one word in ten is common English).

    >>> foreign_date("bydda i'n ôl ddydd llun 18 awst")
    True
    """
    if _DATE_RE.search(body) is None:
        return False
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", body)
    return bool(words) and sum(w in _ENGLISH for w in words) < 0.1 * len(words)


__all__ = ["foreign_date", "notice"]

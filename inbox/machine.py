"""Mail written by machines: automatic replies, by RFC 3834 headers and by content.

``auto_reply`` returns a score in 0..1 and the reasons behind it. Headers are authoritative
(``Auto-Submitted`` other than ``no`` means "never answer this"); content rules cover
the out-of-office replies that carry no header, in the languages members write in.
Bounces live in ``inbox.bounce``, unsolicited mass mail in ``inbox.spam``.
"""

from __future__ import annotations

import re

from inbox.parse import Parsed
from inbox.rules import Rule, rules, score

AUTO_SUBJECT = re.compile(
    r"^\s*(?:auto(?:matic)?[ -]?(?:reply|response|answer)|auto:|autoreply|auto-reply|out of"
    r" (?:the )?office|ooo\b|away from (?:the )?office|on (?:annual )?leave|on holiday"
    r"|vacation|r[ée]ponse automatique|abwesenheit|automatische antwort"
    r"|respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori ufficio"
    r"|automatisch antwoord|afwezig|odpowied[źz] automatyczna|resposta autom[áa]tica"
    r"|autosvar|automatisk svar|automatiskt svar|fr[åa]nvaro|ateb awtomatig|allan o'?r swyddfa"
    r"|automaattinen vastaus|otomatik yan[ıi]t|automatick[áa] odpov[ěe]ď|automatikus v[áa]lasz"
    r"|r[ăa]spuns automat|automatski odgovor|automatinis atsakymas|autom[āa]tisk[āa] atbilde"
    r"|automaatvastus|resposta autom[àa]tica|αυτόματη απάντηση|автоматический ответ|автоответ"
    r"|自动回复|自動回覆|自動応答|自動返信|자동 ?응답|thank you for (?:your|contacting)"
    r"|we(?:'ve| have) received your|received: )", re.I)

AUTO_TEXT = rules(
    (r"\bout of (?:the )?office\b", 0.75, "says out of the office"),
    (r"\b(?:i'?m|i am|i will be|i'?ll be|i shall be) (?:currently |now )?(?:away|out|off"
     r"|travelling|traveling|on (?:annual |parental |maternity |paternity |sick |study )?leave"
     r"|on holiday|on vacation|on sabbatical|not in the office|out of the country)\b[^.!?]{0,60}"
     r"\b(?:until|till|returning|back on|back in|from|between|this week|next week)\b", 0.8,
     "says they are away until a date"),
    (r"\bon (?:annual|parental|maternity|paternity|sick|study|compassionate) leave\b", 0.6,
     "says they are on leave"),
    (r"\b(?:limited|no|intermittent|patchy|restricted|little|occasional) (?:access to"
     r" (?:my )?(?:email|e-mail|emails|the internet)|email access|signal|wifi)\b", 0.7,
     "has no access to email"),
    (r"\b(?:i'?ll|i will|i shall|we will|we'?ll) (?:reply|respond|get back to you|answer|deal"
     r" with (?:it|your)|read (?:it|your)|be in touch)\b[^.!?]{0,40}\b(?:when i (?:get back"
     r"|return|am back|'?m back)|on my return|upon my return|as soon as (?:possible|i can"
     r"|i return)|when i'?m back|after|within)\b", 0.7, "promises a reply on return"),
    (r"\b(?:for (?:urgent|anything urgent|urgent matters)|if (?:it is|it'?s) urgent|in my"
     r" absence)\b", 0.6, "redirects urgent matters"),
    (r"\bthis (?:mailbox|inbox|email address|address|account) is (?:not|no longer|un)"
     r" ?(?:monitored|checked|in use|attended|read)\b", 0.9, "says the mailbox is unmonitored"),
    (r"\b(?:this is an? )?(?:automated|automatic|auto-generated) (?:reply|response|message"
     r"|acknowledg(?:e)?ment|email|notification)\b", 0.85, "says it is automatic"),
    (r"\b(?:thank you|thanks) for (?:your|contacting)\b[^.!?]{0,60}\b(?:we (?:will|aim to"
     r"|'?ll) (?:respond|reply|get back|be in touch)|(?:has|have) been received|your"
     r" (?:ticket|reference|case) (?:number|id)|within \d+ (?:working |business )?(?:days"
     r"|hours))", 0.8, "acknowledges receipt automatically"),
    (r"\byour (?:request|message|e-?mail|enquiry|inquiry|query|ticket|case) has been (?:received"
     r"|logged|assigned|created|opened|forwarded)\b|\bassigned (?:the )?(?:ticket|case|reference)"
     r" (?:number|no\.?|id|#)", 0.8, "acknowledges receipt automatically"),
    (r"\b(?:ticket|case|reference) (?:number|no\.?|id|#)\s*:?\s*[a-z]*\d", 0.5,
     "quotes a ticket number"),
    (r"\b(?:je suis|nous sommes) (?:absente?s?|en cong[ée]s?|en vacances)|absente? du bureau"
     r"|de retour le\b|r[ée]ponse automatique", 0.85, "French out-of-office"),
    (r"\b(?:ich bin|bin ich)\b[^.!?]{0,40}\b(?:abwesend|nicht im b[üu]ro|im urlaub|au[ßs]er"
     r" haus)|abwesenheitsnotiz|automatische antwort|nicht erreichbar", 0.85,
     "German out-of-office"),
    (r"\b(?:estoy|estar[ée]) (?:fuera de la oficina|de vacaciones|ausente)|respuesta"
     r" autom[áa]tica|fuera de la oficina", 0.85, "Spanish out-of-office"),
    (r"\b(?:sono|sar[òo]) (?:assente|fuori ufficio|in ferie)|risposta automatica|fuori ufficio",
     0.85, "Italian out-of-office"),
    (r"\b(?:ik ben|ben ik)\b[^.!?]{0,40}\b(?:afwezig|niet op kantoor|met vakantie)"
     r"|automatisch antwoord", 0.85, "Dutch out-of-office"),
    (r"\b(?:estou|estarei) (?:fora do escrit[óo]rio|de f[ée]rias|ausente)|resposta"
     r" autom[áa]tica", 0.85, "Portuguese out-of-office"),
    (r"\b(?:jestem|b[ęe]d[ęe]) (?:poza biurem|nieobecn[ya]|na urlopie)|odpowied[źz]"
     r" automatyczna|poza biurem", 0.85, "Polish out-of-office"),
    (r"\b(?:i ffwrdd o'?r swyddfa|allan o'?r swyddfa|ateb awtomatig)", 0.85,
     "Welsh out-of-office"),
    (r"\b(?:jeg er|jag [äa]r)\b[^.!?]{0,40}\b(?:fraværende|p[åa] ferie|p[åa] semester"
     r"|fr[åa]nvarande|ikke p[åa] kontoret)|autosvar|automatisk svar", 0.85,
     "Scandinavian out-of-office"),
)



def auto_reply(p: Parsed, body: str) -> tuple[float, list[str], bool]:
    """(score, reasons, by_header): how surely this is an automatic answer.

    *body* is the new text flattened (``inbox.rules.flatten``).
    """
    reasons: list[str] = []
    auto = p.header("auto-submitted").lower()
    if auto and not auto.startswith("no"):
        return 1.0, [f"Auto-Submitted: {auto[:40]}"], True
    for name in ("x-autoreply", "x-autorespond"):
        if p.header(name):
            return 0.95, [f"{name} header"], True
    prec = p.header("precedence").lower() or p.header("x-precedence").lower()
    if prec.startswith("auto"):
        return 0.95, [f"Precedence: {prec[:20]}"], True
    miss = 1.0
    if AUTO_SUBJECT.search(p.subject):
        miss *= 0.25
        reasons.append("subject reads as an automatic reply")
    s, why = score(AUTO_TEXT, body)
    miss *= 1.0 - s
    reasons.extend(why)
    if p.header("x-auto-response-suppress") and reasons:
        miss *= 0.7
        reasons.append("X-Auto-Response-Suppress header")
    return 1.0 - miss, reasons, False


# a web form's notice: "New submission", "You have a new form submission", "Form: ..."
_FORM = re.compile(r"\b(?:new (?:form )?submission|form submission|submitted via|sent via (?:the"
                   r" )?(?:contact |web ?)?form|contact form)\b", re.I)
_FIELD = re.compile(r"^\s*e-?mail(?: address)?\s*:\s*<?([^\s<>]+@[^\s<>]+)", re.I | re.M)


def form_relay(p: Parsed) -> bool:
    """A web form's notice of what a person typed: generated by a machine, written by them.

    It carries ``Auto-Submitted: auto-generated`` (not ``auto-replied``: it answers
    nothing), is not a reply, says it is a form submission and gives the person's
    address both in an ``Email:`` field and as Reply-To. Its words are read as the
    person's; ``inbox.interpret`` still holds anything it asks for for review.
    """
    auto = p.header("auto-submitted").lower()
    if not auto.startswith("auto-generated") or p.in_reply_to:
        return False
    if not _FORM.search(p.subject + "\n" + p.new[:500]):
        return False
    field = _FIELD.search(p.new)
    return field is not None and field.group(1).lower() in {a.lower() for a in p.reply_to}


__all__ = ["AUTO_SUBJECT", "AUTO_TEXT", "Rule", "auto_reply", "form_relay"]

"""Mail written by machines: auto-replies (RFC 3834 and by content) and unsolicited mass mail.

Both return a score in 0..1 and the reasons behind it. Headers are authoritative
(``Auto-Submitted`` other than ``no`` means "never answer this"); content rules cover
the out-of-office replies that carry no header, in the languages members write in.
Bounces live in ``inbox.bounce``.
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

SPAM_TEXT = rules(
    (r"\bverify (?:your )?(?:account|identity|email|mailbox|details|payment)\b", 0.6,
     "asks to verify an account"),
    (r"\bclick (?:here|the link|below|this link|on the link)\b", 0.45, "says click here"),
    (r"\b(?:account|mailbox|password|access) (?:has been |will be |is )?(?:suspended|deactivated"
     r"|locked|closed|disabled|expired?|terminated)\b", 0.6, "threatens account closure"),
    (r"\b(?:storage|quota|mailbox)\b[^.!?]{0,30}\b(?:limit|full|exceeded|almost full)\b", 0.6,
     "claims storage is full"),
    (r"\b(?:unpaid|outstanding|overdue) (?:postage|fee|balance|invoice|payment|tax|toll)"
     r"|\bredelivery\b|\b(?:parcel|package|delivery|shipment) (?:is waiting|could not be"
     r" delivered|on hold|is pending)", 0.7, "parcel or payment scam"),
    (r"\b(?:bitcoin|crypto(?:currency)?|btc|wallet address|forex|trading platform|investment"
     r" opportunity)\b", 0.6, "crypto or investment pitch"),
    (r"\b(?:you have won|you'?ve won|winner|lottery|prize|claim your|inheritance|beneficiary"
     r"|next of kin|wire transfer|western union|gift cards?)\b", 0.7, "prize or inheritance scam"),
    (r"\b(?:webinar|free trial|limited (?:time|places|offer|spaces)|book (?:now|your place)"
     r"|sign up now|register now|discount|\d+% off|offer ends|special offer|raise \d+x"
     r"|10x|grow your|boost your)\b", 0.45, "marketing language"),
    (r"\b(?:(?:exciting|great|unique) (?:opportunity|role)|our clients?|recruit\w*|salary"
     r"|£\d+k\b|\d+k \+ benefits|quick (?:chat|call)|open to a (?:chat|call|conversation))\b",
     0.45, "recruitment pitch"),
    (r"\b(?:i|we) came across your (?:organisation|organization|company|website|profile"
     r"|group|page)\b", 0.5, "cold outreach"),
    (r"\b(?:business proposal|bank (?:account )?details|(?:urgent|confidential|private) (?:business"
     r"|transaction|matter)|transfer (?:of )?(?:the )?funds|million (?:dollars|pounds|usd|euros)"
     r"|risk[- ]free|guaranteed (?:returns|profit|income))\b", 0.7, "advance-fee or money scam"),
    (r"\b(?:tickets (?:are )?(?:now )?(?:on sale|available)|early[- ]bird"
     r"|(?:promo|discount|voucher) code|use (?:the )?code|buy now|order now|shop now"
     r"|sale ends|free (?:shipping|delivery)"
     r"|limited stock|exclusive offer)\b", 0.5, "sales pitch"),
    (r"\b(?:seo|backlinks?|guest post|web design services|search rankings|lead generation"
     r"|marketing services)\b", 0.6, "sells services"),
    (r"\byou are receiving this (?:email |message )?because\b|\bview (?:this email )?in"
     r" (?:your )?browser\b|\bmanage (?:your )?(?:email )?preferences\b"
     r"|\bto unsubscribe from (?:these|this|our)\b", 0.6, "mass-mail footer"),
    (r"\b(?:you(?:'ve| have) been (?:selected|chosen|pre-?approved)|congratulations[!,]"
     r"|act now|limited time only)", 0.5, "too-good-to-be-true offer"),
    (r"\b(?:donate (?:now|today|here)|make a donation|chip in|support our (?:work|campaign))\b",
     0.35, "asks for donations"),
    (r"\bdear (?:user|customer|client|beneficiary|account holder|valued customer|sir/madam"
     r"|member of staff)\b", 0.4, "generic greeting"),
    (r"https?://\S+", 0.15, "contains a link"),
)
_BRANDS = {"royal mail": "royalmail.com", "gmail": "google.com", "google": "google.com",
           "microsoft": "microsoft.com", "outlook": "microsoft.com", "paypal": "paypal.com",
           "amazon": "amazon.co.uk", "hmrc": "gov.uk", "dvla": "gov.uk", "netflix": "netflix.com",
           "dhl": "dhl.com", "evri": "evri.com", "dpd": "dpd.co.uk", "tv licensing":
           "tvlicensing.co.uk", "apple support": "apple.com", "icloud": "apple.com"}
_BRAND = re.compile(r"\b(" + "|".join(re.escape(b) for b in _BRANDS) + r")\b", re.I)
_BULK = re.compile(r"^\s*(?:bulk|list|junk)\b", re.I)


def auto_reply(p: Parsed, body: str) -> tuple[float, list[str], bool]:
    """(score, reasons, by_header): how surely this is an automatic answer.

    *body* is the new text flattened (``signals.flatten``).
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


def spam(p: Parsed, text: str) -> tuple[float, list[str]]:
    """(score, reasons): how surely this is mass mail, a scam or irrelevant marketing.

    *text* is the subject and new text flattened (``signals.flatten``).
    """
    reasons: list[str] = []
    miss = 1.0
    sender_domain = p.from_addr.rpartition("@")[2].lower()
    prec = p.header("precedence") or p.header("x-precedence")
    if _BULK.match(prec):
        miss *= 0.5
        reasons.append(f"Precedence: {prec[:20]}")
    listy = [h for h in ("list-id", "list-unsubscribe", "list-post", "feedback-id",
                         "x-mailchimp-campaign", "x-campaign") if p.header(h)]
    if listy:
        miss *= 0.45
        reasons.append(f"mass-mail headers ({', '.join(listy)})")
    if p.header("x-spam-flag").lower().startswith("yes"):
        miss *= 0.2
        reasons.append("X-Spam-Flag: YES")
    brand = _BRAND.search(p.from_name)
    if brand and not sender_domain.endswith(_BRANDS[brand.group(1).lower()]):
        miss *= 0.35
        reasons.append(f"sender name claims {brand.group(1)!r} from another domain")
    s, why = score(SPAM_TEXT, text)
    miss *= 1.0 - s
    reasons.extend(why)
    return 1.0 - miss, reasons


__all__ = ["AUTO_SUBJECT", "AUTO_TEXT", "SPAM_TEXT", "Rule", "auto_reply", "spam"]

"""Unsolicited mail: scams, phishing, sales pitches and other organisations' mass mail.

``spam(p, text)`` returns a score in 0..1 and the reasons behind it, from headers (bulk
precedence, list headers, a spam flag, a sender name that claims a brand from another
domain) and from the words of the subject and new text. Rules describe kinds of mail,
in the languages such mail arrives in, never one message.
"""

from __future__ import annotations

import re

from inbox.parse import Parsed
from inbox.rules import rules, score

SPAM_TEXT = rules(
    (r"\bverify (?:your )?(?:account|identity|email|mailbox|details|payment)\b", 0.6,
     "asks to verify an account"),
    (r"\bclick (?:here|the link|below|this link|on the link)\b", 0.45, "says click here"),
    (r"\b(?:account|mailbox|password|access) (?:has been |will be |is )?(?:suspended|deactivated"
     r"|locked|closed|disabled|expired?|terminated)\b", 0.6, "threatens account closure"),
    (r"\b(?:storage|quota|mailbox)\b[^.!?]{0,30}\b(?:limit|full|exceeded|almost full)\b", 0.6,
     "claims storage is full"),
    (r"\binvoice\b[^.!?]{0,80}\b(?:overdue|outstanding|unpaid|past due|remains unpaid|due for"
     r" payment)\b|\b(?:late payment|collections? agen(?:t|cy)|debt collect\w*|final (?:notice"
     r"|demand)|amount (?:outstanding|due|owing))\b", 0.6, "demands payment of an invoice"),
    (r"\b(?:make|making|complete|submit|arrange|process) (?:the |your |a |this )?payment\b"
     r"|\b(?:secure )?online payment\b|\bpay (?:now|today|online|here|immediately)\b"
     r"|\b(?:usd|gbp|eur|us\$)\s?\d", 0.4, "asks for payment"),
    (r"\bdomain (?:name|service|services|renewal|registration|listing|expir\w*|notice)\b"
     r"|\bsearch engine (?:submission|listing|registration|optimi[sz]ation)\b", 0.5,
     "domain or listing notice"),
    (r"\b(?:this (?:notice|letter|offer) is not an? (?:bill|invoice)|under no obligation to"
     r" (?:pay|accept|buy|purchase)|(?:expiration|expiry) (?:date|notice))\b", 0.5,
     "a solicitation dressed as a bill"),
    (r"\b(?:factory|manufacturer|supplier|wholesaler|exporter|oem|odm)\b[^.!?]{0,60}\b(?:price"
     r"|prices|direct|quality|products?|samples?)\b|\b(?:best|competitive|factory|wholesale"
     r"|lowest) prices?\b|\bfree samples?\b|\bfast (?:shipping|delivery)\b|\bmoq\b", 0.6,
     "trade or product pitch"),
    (r"\b(?:your|the) (?:website|site|web ?site|domain|online (?:presence|visibility))\b"
     r"[^.!?]{0,40}\b(?:rank\w*|traffic|visibility|google|first page|top (?:10|ten)|seo"
     r"|optimi[sz]\w*|errors?|broken|outdated|redesign\w*|slow|mobile[- ]friendly|not secure"
     r"|issues)", 0.6, "sells website services"),
    (r"\bfree (?:quote|audit|consultation|demo|review|analysis|report|assessment)\b|\bfor (?:only"
     r"|just) (?:£|\$|€|usd |gbp )?\d|\b(?:i'?m|i am|we'?re|we are) reaching out\b|\breaching out"
     r" (?:from|on behalf)\b", 0.45, "sales outreach"),
    (r"\bwe help (?:\w+ ){0,3}(?:organisations|organizations|charities|non-?profits|businesses"
     r"|companies|campaigns|groups|teams|brands)\b|\bour (?:platform|software|tool|solution|app"
     r"|product|agency)\b|\b(?:book|schedule|hop on|jump on|grab|arrange) (?:a |an )?(?:quick )?"
     r"(?:\d+[- ]min(?:ute)?s? )?(?:call|chat|demo)\b", 0.45, "sells a service"),
    (r"(?:продвижени|раскрутк|оптимизаци|сайт|рассылк|скидк|推广|优化|排名|网站|外贸|工厂|直销"
     r"|价格|优惠|报价|posicionamiento|p[áa]gina web|sitio web|r[ée]f[ée]rencement|site internet"
     r"|suchmaschinen|webseite|pozycjonowanie|strona internetowa|strony www|posizionamento"
     r"|sito web|otimiza[çc][ãa]o de sites|web sitesi)", 0.45,
     "sells services in another language"),
    (r"(?:\b(?:ofrecemos|nous (?:proposons|offrons)|wir bieten|oferujemy|offriamo|oferecemos"
     r"|gratis|gratuit|gratuita|kostenlos|bezp[łl]atn\w*)\b|предлагаем|бесплатн|我司|本公司"
     r"|我们提供|免费|تحسين محركات البحث|خدمات|أسعار|عروض|dịch vụ|giá rẻ|\bjasa\b|\bharga\b)", 0.4,
     "offers something in another language"),
    (r"\b(?:unusual|suspicious|unauthori[sz]ed) (?:sign-?in|log-?in|login|activity|access)\b"
     r"|\bnew (?:sign-?in|log-?in|login) (?:to|on|from|attempt)\b"
     r"|\b(?:password|credentials?) (?:will )?(?:expire|expires|expired|reset)\b"
     r"|\b(?:confirm|update|validate|re-?activate|restore) (?:your )?(?:account|password|billing"
     r"|payment (?:details|information|method)|credentials|mailbox|details|information)\b"
     r"|\b(?:tried|attempted|attempts?) to (?:sign|log) ?in\b|\b(?:sign|log)-?in attempt\b"
     r"|\bif this (?:wasn'?t|was not) you\b|\bsecure your account\b", 0.55,
     "account-security phishing"),
    (r"\b(?:pending|held|blocked|undelivered|quarantined) (?:incoming )?(?:messages|e-?mails"
     r"|mails)\b|\brelease (?:them|your messages|the messages)\b|\bto avoid (?:deletion"
     r"|suspension|closure|termination|losing)\b", 0.55, "mailbox phishing"),
    (r"\b(?:please find attached|attached (?:is|please find)|see attached)"
     r" (?:the |your |an? |our )?(?:invoice|statement|remittance|payment|receipt"
     r"|purchase order|document|quotation)\b"
     r"|\bpayment (?:is )?(?:due|overdue|required)\b", 0.45, "an invoice or document to open"),
    (r"\b(?:business|company|trade|charity) (?:directory|listing|register)\b|\b(?:premium"
     r"|free|your|annual) listing\b|\+ ?vat\b", 0.5, "directory listing pitch"),
    (r"\b(?:shared (?:a |an )?(?:document|file|folder|pdf) with you|(?:document|file) (?:has"
     r" been )?shared with you|docusign|sharepoint|onedrive|wetransfer|review (?:and|&) sign"
     r"|new (?:voicemail|voice message|fax)|(?:payment|billing) (?:failed|declined|unsuccessful"
     r"|could not be processed))\b", 0.5, "fake document, voicemail or billing notice"),
    (r"\b(?:unpaid|outstanding|overdue) (?:postage|fee|balance|invoice|payment|tax|toll)"
     r"|\bredelivery\b|\b(?:parcel|package|delivery|shipment) (?:is waiting|could not be"
     r" delivered|on hold|is pending)", 0.7, "parcel or payment scam"),
    (r"\b(?:bitcoin|crypto(?:currency)?|btc|wallet address|forex|trading platform|investment"
     r" opportunity)\b", 0.6, "crypto or investment pitch"),
    (r"\b(?:you have won|you'?ve won|winner|lottery|prize|claim your|inheritance|beneficiary"
     r"|next of kin|wire transfer|western union|gift cards?)\b", 0.7, "prize or inheritance scam"),
    (r"\b(?:webinar|free trial|limited (?:time|places|offer|spaces)|book (?:now|your (?:place"
     r"|seat|ticket|tickets|space|coach))"
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
    (r"\b(?:you(?:'ve| have) been (?:selected|chosen|pre-?approved)|congratulations[!,]"
     r"|act now|limited time only)", 0.5, "too-good-to-be-true offer"),
    (r"\b(?:donate (?:now|today|here)|make a donation|chip in|support our (?:work|campaign))\b",
     0.35, "asks for donations"),
    (r"\bdear (?:user|customer|client|beneficiary|account holder|valued customer|sir/madam"
     r"|member of staff|purchasing manager|webmaster|site owner|business owner)\b", 0.4,
     "generic greeting"),
    (r"https?://\S+", 0.15, "contains a link"),
    # advance-fee fraud as it comes from ordinary webmail: a fortune, a dying donor, a lawyer,
    # and a request for your details at another address
    (r"[$£€] ?\d{1,3}(?:,\d{3}){2,}|\b\d+(?:[.,]\d+)? ?(?:million|m) (?:us )?(?:dollars|pounds"
     r"|usd|euros|gbp)\b|\bmillion\b[^.!?]{0,40}\b(?:dollars|pounds|usd|euros|gbp)\b", 0.4,
     "names a fortune"),
    (r"\b(?:dear(?:est)? (?:beloved|one|friend in (?:christ|god)|esteemed)"
     r"|(?:widow|widower)\b[^.!?]{0,40}\b(?:cancer|ill|illness|health|dying|terminal)|before i die"
     r"|on my (?:death ?bed|sick ?bed)|my late husband)\b", 0.45, "a scammer's story"),
    (r"\b(?:reply|respond|write|contact me|get back to me) (?:to|on|at|via|through) (?:my|this)"
     r" (?:private|personal|alternative|direct|confidential|other) (?:e-?mail|address|line)\b"
     r"|\b(?:kindly|please) (?:send|reply with|forward|provide|get back to me with)\b[^.!?]{0,30}"
     r"\b(?:full name|telephone|phone number|bank|age|occupation|home address)\b", 0.55,
     "asks for personal details"),
    (r"\b(?:the sum of|compensation (?:payment|fund)|(?:my|our) (?:lawyer|attorney|barrister"
     r"|bank manager|banker|diplomat|agent) (?:can|will|shall) (?:contact|reach)|unclaimed"
     r" (?:funds?|money|deposit)|consignment box|atm card|payment of (?:your )?(?:fund|funds))\b",
     0.5, "money from a stranger"),
    (r"\b(?:i have (?:access to|hacked|infected) your (?:device|computer|account|phone)"
     r"|(?:recorded|filmed) you|your (?:webcam|camera|device) (?:was|has been) (?:hacked"
     r"|infected|compromised))\b", 0.7, "extortion"),
    (r"\b(?:we (?:offer|give|grant) (?:out )?(?:loans|a loan)|loan (?:offer|lender|at \d)"
     r"|(?:\d+(?:\.\d+)?% interest rate))\b", 0.6, "loan offer"),
)
# Another organisation's newsletter: its footer and furniture. Not read in mail to our hub
# and bulletin addresses, where members' posts and our own bulletins look just like it.
NEWSLETTER_TEXT = rules(
    (r"\byou(?:'re| are) (?:receiving|getting) this (?:email |message |newsletter )?because\b"
     r"|\bbecause you (?:signed up|subscribed|registered) (?:to|for|at|on)\b|\b(?:view|read"
     r"|open) (?:this (?:email|newsletter) )?(?:in|on) (?:your |a |the )?(?:browser|web)\b"
     r"|\b(?:manage|update) (?:your )?(?:email |mailing |subscription )?(?:preferences"
     r"|subscriptions?)\b|\bto unsubscribe from (?:these|this|our)\b|\bunsubscribe from (?:this"
     r"|our|these) (?:list|mailing|e-?mails|newsletter)\b|\bforward (?:this|it) to a friend\b"
     r"|\bour mailing address is\b|\bwhy (?:did i|am i) (?:get|getting|receive|receiving)"
     r" this\b|\bno longer wish to receive these\b|\bto stop receiving (?:these|this|our"
     r"|further|future)\b|\breply (?:with )?(?:stop|remove|unsubscribe) to\b", 0.6,
     "mass-mail footer"),
    (r"\b(?:share|forward|circulate|pass) (?:this|it)(?: (?:e-?mail|message|on))?"
     r" (?:with|to|among|around) (?:all )?(?:your|our) (?:members|friends|networks?|contacts"
     r"|supporters|branch|group|lists?)\b|\bplease (?:circulate|share widely)\b", 0.5,
     "asks us to pass it on"),
    (r"\b(?:follow us on|like us on|find us on) (?:twitter|x|facebook|instagram|bluesky|tiktok"
     r"|linkedin|mastodon|social)\b|\ball rights reserved\b|(?:©|\(c\)|copyright) ?(?:19|20)\d\d",
     0.35, "newsletter furniture"),
    (r"\b(?:our|this|the)(?: [\w'-]+){0,3} newsletter\b|\bin this"
     r" (?:issue|edition|week'?s (?:issue|edition))\b|\b(?:issue|edition) (?:no\.?|number|#)"
     r" ?\d|\bjoin (?:over |more than |our )?\d[\d,]* (?:supporters|members|people|others"
     r"|activists|campaigners)\b", 0.45, "another organisation's newsletter"),
)
_BRANDS = {"royal mail": "royalmail.com", "gmail": "google.com", "google": "google.com",
           "microsoft": "microsoft.com", "outlook": "microsoft.com", "paypal": "paypal.com",
           "amazon": "amazon.co.uk", "hmrc": "gov.uk", "dvla": "gov.uk", "netflix": "netflix.com",
           "dhl": "dhl.com", "evri": "evri.com", "dpd": "dpd.co.uk", "tv licensing":
           "tvlicensing.co.uk", "apple support": "apple.com", "icloud": "apple.com"}
_BRAND = re.compile(r"\b(" + "|".join(re.escape(b) for b in _BRANDS) + r")\b", re.I)
# "40945345:user:proton": a Feedback-ID naming a person's account, not a bulk campaign
_USER_FEEDBACK = re.compile(r"(?:^|:)\s*user\s*(?::|$)", re.I)
_BULK = re.compile(r"^\s*(?:bulk|list|junk)\b", re.I)


def spam(p: Parsed, text: str, ours: bool = False) -> tuple[float, list[str]]:
    """(score, reasons): how surely this is mass mail, a scam or irrelevant marketing.

    *text* is the subject and new text flattened (``inbox.rules.flatten``); *ours* says it
    was sent to one of our hub or bulletin addresses (newsletter furniture is not read there).
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
    if "feedback-id" in listy and (_USER_FEEDBACK.search(p.header("feedback-id"))
                                   or len(listy) == 1):
        # a mailbox provider (Proton) tags each user's own mail this way; bulk senders must
        # also give List-Unsubscribe, so a Feedback-ID alone is no mass-mail sign
        listy.remove("feedback-id")
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
    for table in (SPAM_TEXT,) if ours else (SPAM_TEXT, NEWSLETTER_TEXT):
        s, why = score(table, text)
        miss *= 1.0 - s
        reasons.extend(why)
    if not text.isascii() and foreign_script_share(text) >= 0.5:
        miss *= 0.7
        reasons.append("written mostly in a script other than the Latin alphabet")
    return 1.0 - miss, reasons


def foreign_script_share(text: str) -> float:
    """The share of letters beyond the Latin and Greek blocks (Cyrillic, CJK, Arabic, ...)."""
    letters = foreign = 0
    for ch in text[:4000]:
        if ch.isalpha():
            letters += 1
            if ord(ch) >= 0x400:
                foreign += 1
    return foreign / letters if letters else 0.0

"""General rules about machine mail, spam, who a message is about and the rule engine itself."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from inbox.result import ACTING
from tests.mailmaker import mail

CTX = Context()

HUB = "forthemany.network+hub-leeds-north@gmail.com"
BULLETIN = "forthemany.network+bulletin@gmail.com"

SPAM: list[tuple[str, bytes]] = [
    # --- invoices and payment demands nobody here ordered ---------------------------------
    ("overdue invoice", mail(
        "Dear Customer,\n\nInvoice 55120 for your banner order remains unpaid. The amount "
        "outstanding is GBP 230.00. Please make payment today to avoid a late payment fee.\n\n"
        "Accounts\nQuickPrint Ltd, 2 Mill Road, Leeds LS1 4AB",
        subject="Payment reminder: invoice 55120", sender="Accounts <ar@quickprint.example>")),
    ("final demand", mail(
        "FINAL NOTICE. Your account is overdue and will be passed to our collections agency "
        "unless payment is made within 48 hours. Pay online: https://pay.example/x",
        subject="Final notice", sender="Billing <billing@services.example>")),
    # --- domain, listing and SEO renewals --------------------------------------------------
    ("domain listing renewal", mail(
        "Your domain listing for forthemany.network is due for renewal. Expiration date: 2 "
        "June 2025. This notice is not a bill. Renew: https://dom-list.example/r",
        subject="Domain listing renewal", sender="Domain Listing <notice@dom-list.example>")),
    ("search rankings", mail(
        "Hi, I checked your website and it is not on the first page of Google. We can get "
        "your site to the top 10 with our SEO package. Reply for a free audit.",
        subject="Your website", sender="Raj <raj@rankfast.example>")),
    # --- trade and product pitches, also in other languages ---------------------------------
    ("banner factory", mail(
        "Hello, we are a professional manufacturer of flags and banners in Ningbo with "
        "competitive prices and free samples. Fast shipping to the UK.",
        subject="Flags and banners supplier", sender="Nancy <nancy@flags-cn.example>")),
    ("Spanish SEO", mail(
        "Hola, ofrecemos posicionamiento web en Google para su página web. Primer mes "
        "gratis. Responda a este correo.", subject="Posicionamiento web",
        sender="Marketing <info@posiciona.example>")),
    ("German SEO", mail(
        "Guten Tag, wir bieten Suchmaschinenoptimierung für Ihre Webseite. Mehr Besucher, "
        "garantiert. Antworten Sie für ein Angebot.", subject="Mehr Besucher",
        sender="Web Team <team@seo-de.example>")),
    ("Polish SEO", mail(
        "Dzień dobry, oferujemy pozycjonowanie stron www w Google. Bezpłatna analiza "
        "strony internetowej.", subject="Pozycjonowanie",
        sender="Biuro <biuro@pozycja.example>")),
    ("Russian promotion without the word SEO", mail(
        "Здравствуйте! Предлагаем раскрутку вашего сайта и рассылку по базе клиентов. "
        "Скидка 20%.", subject="Реклама", sender="Реклама <ad@promo.example>",
        charset="koi8-r")),
    ("Chinese trade", mail(
        "您好！我司专业生产LED显示屏，工厂直销，价格优惠。如有需要，请回复。",
        subject="LED显示屏", sender="Amy <amy@led.example>", charset="gb2312")),
    # --- phishing in other guises ----------------------------------------------------------
    ("unusual sign-in", mail(
        "We detected unusual sign-in activity on your account. Confirm your account within "
        "24 hours or it will be locked: https://acc0unt-check.example",
        subject="Security alert", sender="Account Team <security@acc0unt-check.example>")),
    ("password expiry", mail(
        "Your password expires today. Keep your current password by logging in here: "
        "https://portal-keep.example", subject="Password expiry notice",
        sender="IT Helpdesk <it@portal-keep.example>")),
    ("shared document", mail(
        "A document has been shared with you: 'FTM payment schedule.pdf'. Review and sign "
        "via DocuSign: https://docu-sign.example/v", subject="Document for review",
        sender="DocuSign <dse@docu-sign.example>")),
    ("failed billing", mail(
        "Your payment failed. Update your billing details to keep your subscription: "
        "https://billing-fix.example", subject="Action required",
        sender="Netflix <info@billing-fix.example>")),
    # --- another organisation's newsletter with its own events ------------------------------
    ("newsletter with its own event", mail(
        "RIVERSIDE RESIDENTS NEWSLETTER - Issue 14\n\nIn this issue: the new bin rota, our "
        "summer fair and the library campaign.\n\nSummer fair: Saturday 14 June, 12pm to "
        "4pm, St Mark's Church Hall, Leeds LS6 2QQ. All welcome!\n\nFollow us on Facebook.\n"
        "You are receiving this email because you signed up at one of our events. Unsubscribe "
        "from this list: https://rra.example/u", subject="Riverside news: summer fair",
        sender="Riverside Residents <news@rra.example>", date="Mon, 02 Jun 2025 09:00:00 "
        "+0100")),
    ("website redesign pitch", mail(
        "Dear Sir/Madam, we noticed your website has errors and is not mobile friendly. Our "
        "team can redesign it for only £199. Reply YES for a free quote.",
        subject="Website redesign", sender="Web Pro <sales@webpro.example>")),
    ("platform cold pitch", mail(
        "Hello, I'm reaching out from GrowthHackers. We help non-profits double their "
        "donations with our fundraising platform. Can we book a 15 minute call next week?",
        subject="Quick question", sender="Amy <amy@growthhackers.example>")),
    ("garden newsletter with its open day", mail(
        "Hi there! Our community garden newsletter: Spring open day Sunday 6 April 2pm, "
        "Allotment Lane, Leeds LS8 1AA. Seed swap, cake, music!\n\nTo stop receiving these "
        "emails reply STOP.", subject="Open day!", sender="Green Fingers <g@greenfingers.example>",
        date="Mon, 24 Mar 2025 10:00:00 +0000")),
    ("national march mail-out", mail(
        "MARCH FOR HOMES\nSaturday 17 May, 12 noon, Hyde Park Corner, London W1J 7NT\nCoaches "
        "from 30 cities. Book your seat now: https://pa.example/coach\nShare this email with "
        "your members!", subject="March for Homes - book your coach",
        sender="People's Assembly <office@pa.example>", date="Mon, 05 May 2025 10:00:00 +0100")),
    ("French SEO", mail(
        "Bonjour, nous proposons des services de référencement naturel pour votre site "
        "internet. Premier audit gratuit.", subject="Référencement",
        sender="SEO <contact@seo.example>")),
    ("sign-in attempt", mail(
        "Someone just tried to sign in to your account from Moscow. If this wasn't you, "
        "secure your account here: https://secure-login.example", subject="Sign-in blocked",
        sender="Security <no-reply@secure-login.example>")),
    ("messages held in the mailbox", mail(
        "You have 3 pending messages on hold in your mailbox. Release them now to avoid "
        "deletion: http://mail-release.example", subject="Pending messages",
        sender="Mailbox Admin <admin@mail-release.example>")),
    ("business directory listing", mail(
        "Your organisation is listed in the UK Business Directory 2025. To keep your free "
        "listing, confirm your details. The premium listing costs £299 + VAT.",
        subject="Directory listing", sender="UKBD <listings@ukbd.example>")),
    ("Portuguese SEO", mail("Olá! Oferecemos otimização de sites e posicionamento no Google. "
                            "Orçamento grátis.", subject="SEO", sender="SEO <c@seo-br.example>")),
    ("Indonesian SEO", mail("Kami menawarkan jasa SEO profesional untuk website Anda. Harga "
                            "murah.", subject="Jasa SEO", sender="SEO <seo@indo.example>")),
    ("another body's update with its public meeting", mail(
        "CLEAN AIR LEEDS - MAY UPDATE\n\nOur next public meeting: Wednesday 21 May, 7pm, Leeds "
        "Civic Hall LS1 1UR. Volunteer with us! Donate today.\n\nYou're getting this because "
        "you signed up to our updates. Unsubscribe.", subject="May update: public meeting",
        sender="Clean Air Leeds <updates@cleanair.example>", date="Mon, 12 May 2025 09:00:00 "
        "+0100")),
    ("a trades council's rally for circulation", mail(
        "Dear friends,\n\nThe Trades Council invites your members to our May Day rally: "
        "Thursday 1 May, 5.30pm, Victoria Gardens. Please circulate to your members.",
        subject="May Day rally", sender="Leeds Trades Council <sec@ltc.example>",
        date="Mon, 21 Apr 2025 09:00:00 +0100")),
    ("campaign round-up", mail(
        "Our monthly newsletter. Join 12,000 supporters taking action this month: rally on "
        "Friday 20 June at 6pm, City Square. Donate now: https://camp.example/d\n\nForward "
        "this to a friend.", subject="June round-up",
        sender="Clean Air Now <hello@cleanair.example>")),
]


@pytest.mark.parametrize("name, raw", SPAM, ids=[c[0] for c in SPAM])
def test_unsolicited_mail_is_spam(name: str, raw: bytes) -> None:
    # scams, sales pitches and other bodies' mass mail are spam, never an acting intent
    got = classify(raw, CTX)
    assert got.intent == "spam", (got.intent, got.reasons)
    assert got.postcode is None and got.name is None


NOT_SPAM: list[tuple[str, bytes, str]] = [
    ("formal join letter", mail(
        "Dear Sir/Madam,\n\nI would like to become a member of For the Many.\n\nYours "
        "faithfully,\n\nEdna Price\n4 Bryn Road\nWrexham\nLL11 2AB",
        sender="Edna Price <edna.price@example.com>"), "join"),
    ("treasurer about a hall invoice", mail(
        "Hi all, I've paid the invoice for the hall hire, so the meeting is on. Thanks to "
        "everyone who chipped in.\n\nSue", to=HUB, subject="Hall paid",
        sender="Sue Kaur <sue.kaur@example.com>"), "hub_post"),
    ("bulletin with newsletter furniture", mail(
        "Dear friends,\n\nIn this issue: the conference, the bus campaign and the new hubs. "
        "Follow us on Bluesky. Forward this to a friend who should join.\n\nThe steering "
        "group", to=BULLETIN, subject="June bulletin",
        sender="Tomasz Nowak <tomasz.nowak@example.com>"), "bulletin"),
    ("hub officer's event to the main address", mail(
        "Public meeting on the bus cuts: Thursday 20 March 2025, 7pm, Friends Meeting House, "
        "6 Mount Street, Manchester M2 5NS. All welcome.", subject="Public meeting",
        sender="Manchester Hub <manchester.hub@example.com>", date="Mon, 10 Mar 2025 10:00:00 "
        "+0000"), "event"),
    ("member asking about their website", mail(
        "Hi, I built a website for our hub - could it be linked from yours? How do I get it "
        "added?\n\nDev", sender="Dev Rao <dev.rao@example.com>"), "help"),
]


@pytest.mark.parametrize("name, raw, intent", NOT_SPAM, ids=[c[0] for c in NOT_SPAM])
def test_people_are_not_spam(name: str, raw: bytes, intent: str) -> None:
    # a person's own mail that shares words with spam still gets its own intent
    got = classify(raw, CTX)
    assert got.intent == intent, (got.intent, got.reasons)


WHO: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- a workplace in a signature block is not a home, whatever the job ------------------
    ("press: producer's studio address", mail(
        "Hi, we're doing a segment on the rent strike and would love a guest from the "
        "network tomorrow morning.\n\nThanks,\nAl\n\nAl Green\nSenior Producer\nValley Radio, "
        "12 Bridge Street, Cardiff CF10 1EP", subject="Guest for our show",
        sender="Al Green <al.green@valleyradio.example>"), {"intent": "review", "postcode": None}),
    ("join: journalist joins, office in signature", mail(
        "I'd like to join as a member please, I live in LS7.\n\nPriya Patel\nChief "
        "Correspondent\nNorthern Post, 1 Wellington Street, Leeds LS1 4DL",
        sender="Priya Patel <priya@northernpost.example>"), {"intent": "join", "postcode": "LS7"}),
    ("join: home address signature still counts", mail(
        "Please sign me up.\n\nMary Jones\n14 Station Road\nChester\nCH1 3AB",
        sender="Mary Jones <mary.jones@example.com>"), {"intent": "join", "postcode": "CH1 3AB"}),
    # --- the address the writer asks us to use -------------------------------------------
    ("join: use my personal address rather than this one", mail(
        "I want to join, but please use my personal address, sam.home@example.org, rather "
        "than this one. Postcode M20 2AB.\n\nSam", sender="Sam Lee <s.lee@work.example>"),
     {"intent": "join", "email": "sam.home@example.org", "postcode": "M20 2AB"}),
    ("join: use my gmail", mail(
        "Sign me up please - could you use my gmail account: sam.lee@gmail.com. L8 1AB",
        sender="Sam Lee <s.lee@work.example>"), {"intent": "join", "email": "sam.lee@gmail.com"}),
    ("join: send everything to my personal email", mail(
        "I'd like to join. Please send everything to my personal email, k.obi@proton.me - "
        "this is my work account. SE5 8AA\n\nKemi", sender="Kemi Obi <kemi.obi@corp.example>"),
     {"intent": "join", "email": "k.obi@proton.me", "postcode": "SE5 8AA"}),
    ("join: another address only mentioned", mail(
        "I'd like to join. My colleague (jo@work.example) told me about you. L8 1AB",
        sender="Sam Lee <sam.lee@gmail.com>"), {"intent": "join", "email": "sam.lee@gmail.com"}),
    # --- an automatic answer speaks for the member we wrote to ----------------------------
    ("auto: challenge-response filter", mail(
        "You recently sent a message to kay.ross@example.net. To protect against junk mail, "
        "Kay only accepts mail from approved senders. Visit the link below to be approved.",
        subject="Please verify your message to kay.ross@example.net",
        sender="Kay Ross (via SpamStop) <verify@spamstop.example>",
        headers={"Auto-Submitted": "auto-replied"}, reply_to_ours=71),
     {"intent": "auto_reply", "email": "kay.ross@example.net"}),
    ("auto: helpdesk acknowledgement", mail(
        "Thank you for your email to enquiries@tenants.example. This is an automatic "
        "acknowledgement; we will reply within 5 working days.",
        subject="Automatic reply: Welcome to the Leeds hub",
        sender="Tenants Union <no-reply@helpdesk.example>", reply_to_ours=72),
     {"intent": "auto_reply", "email": "enquiries@tenants.example"}),
    ("auto: out of office naming a colleague", mail(
        "I am out of the office until Monday. For anything urgent please email "
        "sam.deputy@example.org.", subject="Out of office: Welcome",
        sender="Chris Bell <chris.bell@example.org>", reply_to_ours=73),
     {"intent": "auto_reply", "email": "chris.bell@example.org"}),
]


@pytest.mark.parametrize("name, raw, want", WHO, ids=[c[0] for c in WHO])
def test_who_and_where(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # the person a message is about and their home, not a workplace or a service's address
    got = classify(raw, CTX)
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.intent, got.reasons)


def test_needle_finder_agrees_with_plain_substring_search() -> None:
    # the one-pass needle finder finds exactly what `in` finds, overlaps and non-ASCII included
    from inbox import commitment, signals, spam
    from inbox.rules import flatten

    texts = ["", "i'd like to join and sign me up", "signed up? sign up!", "dzień dobry, "
             "oferujemy pozycjonowanie stron www", "我司专业生产, 工厂直销", "ab\udcffjoin",
             flatten("Please take me off your list, I no longer want to be a member.")]
    for table in (signals.JOIN, signals.STATUS, commitment.NOT_COMMIT, spam.SPAM_TEXT):
        for text in texts:
            assert table.present(text) == {n for n in table.needle_list if n in text}, text


MACHINE_WITH_REQUEST_WORDS: list[tuple[str, bytes]] = [
    ("helpdesk ticket answering our confirmation", mail(
        "Your request has been received and assigned ticket number 48213. What information "
        "do you hold? Our team will respond within 2 working days.",
        subject="[Ticket 48213] Re: Please confirm your membership",
        sender="Support <support@helpdesk.example>", reply_to_ours=7)),
    ("unmonitored mailbox mentioning unsubscribing", mail(
        "Thank you for your email. This mailbox is not monitored. If you wish to unsubscribe "
        "from our services please visit our website.", subject="Re: Welcome", reply_to_ours=5)),
    ("away with a question in it", mail(
        "Hello, I'm away until 3 June with no access to email. Is it possible to wait? Thanks",
        subject="Automatic reply: Leeds hub digest", reply_to_ours=6)),
    ("DSN that quotes a deletion request", mail(
        "Delivery to the following recipient failed permanently:\n\n    jo@example.com\n\n"
        "The response was: 550 5.1.1 user unknown. Please delete my address",
        subject="Delivery Status Notification (Failure)",
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>")),
    ("bulk newsletter that says sign me up", mail(
        "Newsletter: join us! Sign me up for the next event? Book your place now. You are "
        "receiving this because you subscribed.", subject="Our news",
        sender="News <news@org.example>",
        headers={"List-Unsubscribe": "<mailto:u@org.example>", "Precedence": "bulk"})),
]


@pytest.mark.parametrize("name, raw", MACHINE_WITH_REQUEST_WORDS,
                         ids=[c[0] for c in MACHINE_WITH_REQUEST_WORDS])
def test_machine_mail_with_request_words_is_never_acted_on(name: str, raw: bytes) -> None:
    # automatic answers, bounces and bulk mail that contain a request's words never act
    got = classify(raw, CTX)
    assert got.intent not in ACTING, (got.intent, got.reasons)


def test_a_reference_word_ending_a_sentence_does_not_hide_a_postcode() -> None:
    # "... my work account. SE5 8AA" is a postcode; "order no. N12 5AA" stays a reference
    from lists.postcodes import find_postcodes

    assert [m.text for m in find_postcodes("this is my work account. SE5 8AA")] == ["SE5 8AA"]
    assert [m.text for m in find_postcodes("I lost my case. M14")] == ["M14"]
    assert find_postcodes("order no. N12 5AA") == []
    assert find_postcodes("invoice SE5 8AA") == []


def test_rules_searched_without_their_leading_boundary_find_what_they_would_with_it() -> None:
    # the faster search (\b dropped, boundary checked after) agrees with the pattern as written
    import random

    from inbox import bounce, machine, signals, spam
    from inbox.rules import Table, _search_at_boundary

    tables = [v for mod in (signals, spam, machine, bounce) for v in vars(mod).values()
              if isinstance(v, Table)]
    loose = [r for t in tables for r in t if r.loose is not None]
    assert len(loose) > 50
    sample = ("i'd like to join sign me up the twelve principles one of 12 but not number 3 "
              "someone phone unsubscribe me take me off your list delete my data what data do "
              "you hold am i a member account. update your account confirm your mailbox seo "
              "café naïve 我司 сайт _x x_ 2025 £199 http://x.example/a?b=c")
    words = sample.split(" ")
    rng = random.Random(4)
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        for rule in loose:
            assert rule.loose is not None
            assert _search_at_boundary(rule.loose, text) == (rule.pattern.search(text) is not None)


def test_finders_return_what_their_patterns_return() -> None:
    # a Finder (needle prefilter, \b dropped) gives the same match as its plain pattern
    import random

    from inbox import concerns, signals
    from inbox.rules import Finder

    finders = [v for mod in (concerns, signals) for v in vars(mod).values()
               if isinstance(v, Finder)]
    assert len(finders) >= 10
    sample = ("please sign up my wife unsubscribe my ex take my mum off i'm a journalist "
              "writing for the leeds post my landlord evicted me steering group our steering "
              "committee happy to be treasurer you idiots signed up with my work email address "
              "she says yes in a personal capacity we'd like to join digest mode keep me on "
              "someone café 2025 x_ _x")
    words = sample.split(" ")
    rng = random.Random(7)
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        for f in finders:
            got, want = f.search(text), f.pattern.search(text)
            assert (got and got.span()) == (want and want.span()), (f.pattern.pattern, text)

"""Absence notices without RFC 3834 headers, in the languages a UK network meets: never acted on."""

from __future__ import annotations

import pytest

from inbox.absence import foreign_date, notice
from inbox.classify import classify
from inbox.context import Context
from inbox.result import ACTING
from tests.mailmaker import confirm_reply, mail

CTX = Context()
HUB = "forthemany.network+hub-leeds@gmail.com"
DIGEST = "Re: [Leeds] Digest, 3 March 2025"

# away, a return date, and that mail goes unread or the answer is automatic: auto_reply
NOTICES = [
    ("English", "Hello, I'm on annual leave until Tuesday 11 March and won't be reading email."
     " Best wishes, Jo"),
    ("Welsh", "Helo. Rydw i i ffwrdd tan ddydd Gwener 14 Mawrth ac ni fydda i'n gweld fy"
     " e-bost. Hwyl, Siân"),
    ("Scottish Gaelic", "Tha mi air saor-làithean gu ruige 20 Màrt. Chan fhaic mi post-d gus"
     " an till mi. Mòrag"),
    ("Polish", "Dzień dobry, jestem na urlopie do dnia 17 marca. Nie mam dostępu do poczty."
     " Pozdrawiam, Kasia"),
    ("Romanian", "Bună ziua, sunt în concediu până la 21 martie și nu pot citi e-mailurile."
     " Mulțumesc, Ioana"),
    ("Portuguese", "Olá, estou de férias até 24 de março, sem acesso ao email. Obrigado,"
     " João"),
    ("Spanish", "Hola, estoy de vacaciones hasta el 18 de marzo y no leeré el correo."
     " Saludos, Lucía"),
    ("Italian", "Buongiorno, sono in ferie fino al 19 marzo e non leggo la posta. Cordiali"
     " saluti, Marco"),
    ("French", "Bonjour, je suis en congés jusqu'au lundi 17 mars. Ceci est une réponse"
     " automatique. Claire"),
    ("German", "Guten Tag, ich bin im Urlaub bis zum 20. März und lese keine E-Mails."
     " Viele Grüße, Jens"),
    ("Lithuanian", "Laba diena, atostogauju iki kovo 25 d. El. paštu neatsakysiu, tai"
     " automatinis atsakymas. Rūta"),
    ("Urdu (Latin letters)", "Salaam, main chhutti par hoon, 20 March ko wapas aaunga. Email"
     " nahi dekh sakta. Bilal"),
    ("Punjabi (Latin letters)", "Sat sri akal ji, main bahar gaya hoon, 22 March tak. Eh"
     " automatic jawab hai. Harpreet"),
    ("Bengali (Latin letters)", "Assalamu alaikum, ami ekhon chhutite achhi, 18 March e"
     " phirbo. Email dekhte parbo na. Rumana"),
]


@pytest.mark.parametrize("language,body", NOTICES, ids=[n[0] for n in NOTICES])
def test_an_absence_notice_replying_to_a_hub_digest_is_an_auto_reply(language: str,
                                                                    body: str) -> None:
    # a vacation reply with no auto-reply header, sent back to the hub address our digest came from
    c = classify(mail(body, subject=DIGEST, to=HUB, reply_to_ours=77), CTX)
    assert c.intent == "auto_reply", (language, c.reasons)


@pytest.mark.parametrize("language,body", NOTICES, ids=[n[0] for n in NOTICES])
def test_an_absence_notice_replying_to_the_confirmation_mail_commits_no_one(language: str,
                                                                           body: str) -> None:
    # the same notice answering the confirmation mail is not assent
    c = classify(confirm_reply(body, quote=False), CTX)
    assert c.intent not in ACTING, (language, c.reasons)
    assert not c.commitment


@pytest.mark.parametrize("body", [
    "Rydw i i ffwrdd tan 20 Mawrth. Nia",
    "Sunt plecată până pe 3 aprilie. Maria",
    "Estou fora até 2 de abril. Paulo",
])
def test_away_until_a_date_and_nothing_more_goes_to_review(body: str) -> None:
    # away and a return date, but no word that it is automatic: a person decides
    c = classify(mail(body, subject=DIGEST, to=HUB, reply_to_ours=77), CTX)
    assert c.intent == "review", c.reasons


@pytest.mark.parametrize("body", [
    "Bydda i'n ôl ddydd Llun 17 Mawrth. Gwen",
    "Waxaan ku maqnahay fasax ilaa 20 March. Cali",
    "Wrócę w poniedziałek 24 marca. Ania",
])
def test_a_short_reply_to_our_mail_giving_a_date_in_another_language_is_not_posted(
        body: str) -> None:
    # a return date (or any date, in a language we do not read) in a short reply to a digest
    c = classify(mail(body, subject=DIGEST, to=HUB, reply_to_ours=77), CTX)
    assert c.intent not in ACTING, c.reasons


@pytest.mark.parametrize("body,intent", [
    ("I can chair the next meeting if Priya is away. Tom", "hub_post"),
    ("Back from holiday - are we still on for the 14 March litter pick? Dev", "hub_post"),
    ("Great digest. I'll bring the banner on Saturday. Ola", "hub_post"),
])
def test_people_replying_to_a_digest_are_still_posted(body: str, intent: str) -> None:
    # someone else's absence, a question, a date with no return: a member's post
    c = classify(mail(body, subject=DIGEST, to=HUB, reply_to_ours=77), CTX)
    assert c.intent == intent, c.reasons


@pytest.mark.parametrize("body", [
    "Yes, I commit to all twelve. Off on holiday until 20 March, speak then!",
    "Yes please. Sam",
])
def test_assent_to_the_confirmation_mail_still_commits(body: str) -> None:
    # assent in words wins over an absence mentioned in passing
    assert classify(confirm_reply(body), CTX).intent == "commit"


def test_notice_and_foreign_date_read_the_shape() -> None:
    # the parts: away, a return date, mail unread, automatic; a date in a language not English
    assert notice("i am on holiday until 5 october. this is an automatic reply.")[0] >= 0.85
    assert notice("see you at the meeting")[0] == 0.0
    assert foreign_date("bydda i'n ôl ddydd llun")
    assert not foreign_date("see you on monday at the meeting")

"""More general rules for mail the classifier had not met: each in several new phrasings."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from inbox.event import find_times
from tests.mailmaker import mail

CTX = Context()
HUB = "forthemany.network+hub-leeds@gmail.com"
# Wednesday 5 March 2025
WED = "Wed, 05 Mar 2025 10:00:00 +0000"

CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- erasure with typing slips ("delte", "detials", "remoove") ----------------------------
    ("erase: delte my detials", mail(
        "pls take me off and delte all my detials. ta, Kez", subject="stop"),
     {"intent": "erase"}),
    ("erase: eraes all my data", mail(
        "Unsubscribe me and eraes all my data please", subject="Emails"), {"intent": "erase"}),
    ("erase: remoove my deatils", mail(
        "hello can u remoove all of my deatils from ur system thx", subject="data"),
     {"intent": "erase"}),
    # --- a count of people is not an organisation ("we are 3 carers for 40 residents") -------
    ("join: a carer counting residents", mail(
        "Hi, I'm a nurse, we are two nurses for 30 residents on nights. I want to become a"
        " member please. LN1 1AA", subject="Member"), {"intent": "join"}),
    ("join: a caretaker counting tenants", mail(
        "I'm the caretaker on our estate, we are 2 caretakers for 300 tenants. I'd like to"
        " join. WN1 1AA", subject="Joining"), {"intent": "join"}),
    ("org_join: a residents' association still joins", mail(
        "We are the Moss Side Residents Association and we would like to join the network."
        " M14 4AA", subject="Affiliation"), {"intent": "org_join"}),
    # --- events with times as people say them ("half seven", "11 till 2") --------------------
    ("event: half seven at the pub", mail(
        "Hi all, this Thursday we're meeting upstairs at the Red Lion, half seven. Agenda:"
        " the housing campaign. Everyone welcome.", subject="Thursday", to=HUB, date=WED),
     {"intent": "event"}),
    ("event: stall 10 till 1", mail(
        "Right folks, we're running the stall this Saturday, 10 till 1, in the market square"
        " by the clock. Bring leaflets.", subject="Saturday stall", to=HUB, date=WED),
     {"intent": "event"}),
    ("event: half past six at the library", mail(
        "Meeting next Monday at the Central Library community room, half past six. All"
        " members welcome.", subject="Next meeting", to=HUB, date=WED), {"intent": "event"}),
    ("hub_post: offering hours is not a notice", mail(
        "I can help on the 15th from 10 till 12 if that suits.", subject="Re: Digest",
        to=HUB, reply_to_ours=88, date=WED), {"intent": "hub_post"}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_unseen_kind(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # each phrasing of a general rule gets the intent and fields a careful human gives it
    got = classify(raw, CTX)
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.intent, got.reasons)


@pytest.mark.parametrize("text, want", [
    ("see you at half seven", ("19:30", None)),
    ("starts half past six", ("18:30", None)),
    ("quarter to eight in the hall", ("19:45", None)),
    ("from ten o'clock", ("10:00", None)),
    ("stall 11 till 2", ("11:00", "14:00")),
    ("6 to 8 at the hall", ("18:00", "20:00")),
    ("for ages 5 to 11 years", (None, None)),
])
def test_times_as_people_say_them(text: str, want: tuple[str | None, str | None]) -> None:
    # spoken and bare-hour times, read when no clock time is written
    assert find_times(text) == want


def _form(message: str, email: str, sender: str = "Site Forms <notify@forms.example>",
          subject: str = "New submission: contact", auto: str = "auto-generated") -> bytes:
    body = (f"You have a new form submission.\n\nName:     Rosa Kemp\nEmail:    {email}\n"
            f"Postcode: ls6 1aa\nMessage:  {message}\n\n--\nSent by the form service.\n")
    return mail(body, subject=subject, sender=sender,
                headers={"Reply-To": email, "Auto-Submitted": auto})


@pytest.mark.parametrize("message, intent", [
    ("Please sign me up, I'd love to get involved.", "join"),
    ("I want to become a member of the network.", "join"),
    ("Am I already on your list? I filled in a card at the fair.", "status"),
])
def test_a_web_form_relay_is_read_as_the_persons_words(message: str, intent: str) -> None:
    # Auto-Submitted: auto-generated from a form service, the person in Reply-To and Email:
    got = classify(_form(message, "rosa.kemp@mail.example"), CTX)
    assert (got.intent, got.email) == (intent, "rosa.kemp@mail.example"), got.reasons
    assert got.auto_submitted  # interpret still holds it for review, never acts on it


def test_an_auto_replied_form_notice_stays_machine_mail() -> None:
    # auto-replied answers something: whatever the fields, it is an automatic reply
    got = classify(_form("Please sign me up.", "rosa.kemp@mail.example", auto="auto-replied"),
                   CTX)
    assert got.intent == "auto_reply"


@pytest.mark.parametrize("body, intent", [
    ("Hi, a friend forwarded this and I'd really like to join. LS6 1AA", "join"),
    ("Please sign me up! M14 5RT", "join"),
    ("Please unsubscribe me.", "leave"),
    ("", "leave"),
])
def test_mail_to_the_unsubscribe_address_that_asks_to_join(body: str, intent: str) -> None:
    # a forwarded bulletin's unsubscribe link used to write in: the person's words decide
    to = "forthemany.network+unsub-Zx9Yw8Vu7Ts6@gmail.com"
    assert classify(mail(body, subject="Re: Bulletin", to=to), CTX).intent == intent


@pytest.mark.parametrize("body, intent", [
    ("How is the steering group chosen? And do hubs get a vote on the bulletin?", "help"),
    ("Who decides what goes in the bulletin - is it the steering group?", "help"),
    ("How do I get elected to the steering group? I've chaired a union branch.", "review"),
    ("I'd like to be on the steering group, I have lots of experience.", "review"),
])
def test_questions_about_the_steering_group(body: str, intent: str) -> None:
    # how the network's national roles work is a question; the writer's own role is for a person
    assert classify(mail(body, subject="Question"), CTX).intent == intent


@pytest.mark.parametrize("body", [
    "You lot are a pathetic cult. What do you even stand for, eh?",
    "Bunch of idiots with clipboards. Who runs you anyway.",
])
def test_hostile_mail_with_a_rhetorical_question_is_for_a_person(body: str) -> None:
    # hostility with no real request goes to review, not an automatic help reply
    assert classify(mail(body, subject="You"), CTX).intent == "review"


@pytest.mark.parametrize("body", [
    "Please stop sending me the Leeds hub emails, but keep me as a member.",
    "Can I just get the weekly digest from this hub instead of every message? Thanks",
    "Too many hub emails for me - I'd like to remain a member and only get the bulletins.",
])
def test_a_change_of_mail_sent_to_a_hub_is_not_posted(body: str) -> None:
    # about what the writer receives, written to the hub address: a person handles it
    got = classify(mail(body, subject="Emails", to=HUB), CTX)
    assert got.intent == "review", got.reasons


@pytest.mark.parametrize("subject, body", [
    ("Unsubscribe", "This message was automatically generated by Gmail."),
    ("Re: Join us on Saturday - sign up for the canvass!", ""),
    ("unsubscribe", "Sent from my iPhone"),
])
def test_a_mail_clients_unsubscribe_always_leaves(subject: str, body: str) -> None:
    # the List-Unsubscribe mailto used by a client's button: whatever the list mail said
    to = "forthemany.network+unsub-Zx9Yw8Vu7Ts6@gmail.com"
    assert classify(mail(body, subject=subject, to=to), CTX).intent == "leave"

"""General rules for mail the classifier had not met (round 6): each in several new phrasings."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.context import Context
from inbox.home import home_postcode
from inbox.people import choose_name
from tests.mailmaker import assert_reads_as, mail

CTX = Context()
CONFIRM = "Re: Please confirm: your For the Many membership"

CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- litotes: "no principle I'd reject" is agreement with all of them --------------------
    ("join_commit: not a single one I would argue with", mail(
        "Went through your 12 principles last night. Not a single one I would argue with."
        " Please add me. LS6 2AB", subject="Membership"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: there is not one of the twelve I don't support", mail(
        "Honestly, there is not one of the twelve that I"
        " don't support. Count me in as a member, NE4 5TT.", subject="joining"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: nothing in there I'd object to", mail(
        "Read the principles. Nothing in there I'd object to. I'd like to join, B29 6AA.",
        subject="join"), {"intent": "join_commit", "commitment": True}),
    ("commit: couldn't find one I'd change", mail(
        "Took my time over the twelve. I couldn't find one I would change. Yes from me.",
        subject=CONFIRM, reply_to_ours=501), {"intent": "commit", "commitment": True}),
    ("review: litotes with an exception stays partial", mail(
        "Not one of the 12 I'd argue with, except number 7 which goes too far. Sign me up."
        " L8 1AA", subject="join"), {"intent": "review", "commitment": False}),
    ("join: 'not one I'd argue with' about something else is no commitment", mail(
        "Your reasons for starting this - not one I'd argue with. I'd like to join. CF10 3NB",
        subject="join"), {"intent": "join", "commitment": False}),
    # --- "everyone" is people, not "every" principle -----------------------------------------
    ("commit: disagreeing with everyone in a party is no reservation", mail(
        "I don't agree with everyone in my union, but I've read the principles and I commit"
        " to all twelve.", subject=CONFIRM, reply_to_ours=502),
     {"intent": "commit", "commitment": True}),
    ("join_commit: disagreeing with everybody else", mail(
        "I disagree with everybody at work about politics! I agree with all 12 principles"
        " though, please sign me up. G12 8QQ", subject="join"),
     {"intent": "join_commit", "commitment": True}),
    # --- "I should like to join": the older British "should" of a wish -----------------------
    ("join: I should like to join", mail(
        "Dear Sir or Madam, I should like to join your network. My postcode is EX4 4QJ.",
        subject="Enquiry"), {"intent": "join", "postcode": "EX4 4QJ"}),
    ("join: we should very much like to become members", mail(
        "My husband and I should very much like to become members. TR1 2HE", subject="Hello"),
     {"intent": "join"}),
    ("join: should like to sign up, if you'd take us", mail(
        "If you accept people from Guernsey I should like to sign up. GY1 1AA",
        subject="Guernsey"), {"intent": "join", "postcode": "GY1 1AA"}),
    # --- offering oneself as a member: "happy to be your first member", "if you'll have me" ---
    ("join: happy to be a member", mail(
        "Saw the leaflet in the library. Happy to be a member. PL4 8AA", subject="leaflet"),
     {"intent": "join"}),
    ("join: proud to be one of your members if you'll have me", mail(
        "Retired teacher in Hexham. I'd be proud to be one of your members. NE46 1AA",
        subject="hello"), {"intent": "join"}),
    ("join: if you will have me", mail(
        "Long-time lurker on your site, put me forward if you will have me. SA1 1AA",
        subject="hi"), {"intent": "join"}),
    # --- asking what we recorded: "which hub have you put me in?" ----------------------------
    ("status: which hub have you put me in", mail(
        "Which hub have you put me in? Can't work it out from the emails.", subject="hub"),
     {"intent": "status"}),
    ("status: what address have you got for me", mail(
        "hiya what address have u got for me, might be the old one", subject="address"),
     {"intent": "status"}),
    ("status: which group did you assign me to", mail(
        "Quick question, which group did you assign me to when I signed up?", subject="q"),
     {"intent": "status"}),
    ("status: what name have you registered", mail(
        "What name have you registered me under? My married name or my maiden name?",
        subject="name"), {"intent": "status"}),
    # --- a question in statement order, as learners of English write it ----------------------
    ("help: where I can find the principles", mail(
        "Hello, where I can find the principles in my language? Thank you", subject="question"),
     {"intent": "help"}),
    ("help: how we can start a hub", mail(
        "Good morning. How we can start a hub in our town? There is none near.", subject="hub"),
     {"intent": "help"}),
    ("help: what I must do to bring a friend", mail(
        "Hi, what I must do to bring my neighbour to the meeting? She has no computer.",
        subject="neighbour"), {"intent": "help"}),
    # --- Scots (Doric, Glaswegian) read as English --------------------------------------------
    ("join: Glaswegian 'ah want tae jine'", mail(
        "Awright, ah've been readin aboot yous oan the bus. Ah want tae jine. G31 2AA",
        subject="jine"), {"intent": "join", "postcode": "G31 2AA"}),
    ("join: Doric 'pit me doon'", mail(
        "Fit like. Ma quine tellt me aboot ye. Pit me doon as a member, AB10 1AA.",
        subject="hullo"), {"intent": "join"}),
    ("join_commit: Scots 'I'm fer ilka een o them'", mail(
        "I'd like tae jine. Read yer twelve principles an I'm fer ilka een o them, nae"
        " question. DD1 1AA", subject="jinin"), {"intent": "join_commit", "commitment": True}),
    ("leave: Scots 'dinnae want yer emails'", mail(
        "Ah dinnae want yer emails ony mair, tak me aff yer list. Cannae be daein wi it.",
        subject="emails"), {"intent": "leave"}),
    ("join: English with one Scots word stays English", mail(
        "Och, I'd like to join. Nae bother if not. KY1 1AA", subject="join"),
     {"intent": "join"}),
    # --- "I'm for every one of them": plain English too ---------------------------------------
    ("join_commit: we're all for every one of them", mail(
        "Read the twelve principles together. We're all for every one of them. Please sign us"
        " both up - me at SE15 4AA.", subject="join"), {"intent": "join_commit"}),
    ("commit: I am for all of the principles", mail(
        "I am for all of the principles, yes.", subject=CONFIRM, reply_to_ours=503),
     {"intent": "commit", "commitment": True}),
    # --- a mail filter's block or quarantine notice to the sender is a bounce ----------------
    ("bounce: a gateway quarantine notice", mail(
        "Your message to k.obi@council.example.gov.uk has been quarantined and will not be"
        " delivered.\nReason: policy (bulk mail)", subject="Message quarantined: Hello",
        sender="Mail Shield <notices@shield.example>",
        headers={"Return-Path": "<>", "Auto-Submitted": "auto-generated"}),
     {"intent": "bounce", "email": "k.obi@council.example.gov.uk"}),
    ("bounce: a filter's 'message blocked' notice", mail(
        "Notification: your email was blocked by the recipient's security policy.\n"
        "Recipient: dee.lam@school.example.sch.uk", subject="Message blocked",
        sender="Gateway <alerts@gw.example>", headers={"Auto-Submitted": "auto-generated"}),
     {"intent": "bounce", "email": "dee.lam@school.example.sch.uk"}),
    ("bounce: rejected, cannot be delivered", mail(
        "Your email cannot be delivered to pat@firm.example: content filtering stopped it.",
        subject="Message rejected", sender="Filter <nr@filter.example>",
        headers={"Return-Path": "<>"}), {"intent": "bounce", "email": "pat@firm.example"}),
    ("join: a person whose mail was blocked is not a bounce", mail(
        "My work email was blocked when I tried to sign up, so I'd like to join from this"
        " one. M20 2AA", subject="signing up"), {"intent": "join"}),
    # --- the terse "in." (with a postcode) is "I'm in" ---------------------------------------
    ("join: 'In!' and a postcode", mail("In! BS5 6QQ\n\nSent from my iPhone", subject="ftm"),
     {"intent": "join", "postcode": "BS5 6QQ"}),
    ("join: 'me in.' and an outcode", mail("me in. NE6", subject="hi"),
     {"intent": "join", "postcode": "NE6"}),
    ("join: 'in please.'", mail("in please. CF24 3AA", subject="membership"),
     {"intent": "join"}),
    ("review: 'in the meantime' is not 'in.'", mail(
        "In the meantime, thanks for the leaflet.", subject="leaflet"), {"intent": "review"}),
    # --- asking about a process: "what's the process for starting a hub?" ---------------------
    ("help: what is the procedure for setting up a hub", mail(
        "Hi, what is the procedure for setting up a hub in a small town? Is there a minimum"
        " size, and does someone from the steering group have to approve it?",
        subject="new hub"), {"intent": "help"}),
    ("help: what are the steps to start a group", mail(
        "What are the steps to start a local group? We have six of us keen.",
        subject="local group"), {"intent": "help"}),
    ("help: is there a minimum number of members", mail(
        "Is there a minimum number of members before a hub can hold a vote?",
        subject="question"), {"intent": "help"}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_unseen_kind(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # each phrasing of a general rule gets the intent and fields a careful human gives it
    assert_reads_as(raw, want)


@pytest.mark.parametrize("body, want", [
    # a correction of what we hold: "you have me at X ... I'm actually at Y"
    ("Your letter has me at LS6 2AB, but I'm actually at LS7 3DE.", "LS7 3DE"),
    ("You've got me down as BS3 1AA. The right postcode is BS5 6QQ.", "BS5 6QQ"),
    ("Small thing: you have me at N16 8AA - it should be N17 9BB.", "N17 9BB"),
    ("You have me at CF5 1AA, in fact I live at CF14 2BB.", "CF14 2BB"),
    # moving "for the new job" or "for work" is why, not a work address
    ("Moving for the new job - from June I'll be at 3 Mill Lane, YO10 5DD.", "YO10 5DD"),
    ("Relocating for work, so my address will be 8 Park Road, PL4 6AA.", "PL4 6AA"),
    ("Off to Hull for a job in the docks; I'll live at 2 Spring Bank, HU3 1AA.", "HU3 1AA"),
    # a work address still stays out
    ("I'd like to join. My work address is 1 Office Park, M1 1AA.", None),
])
def test_postcode_corrections_and_moves(body: str, want: str | None) -> None:
    assert home_postcode(body) == want


@pytest.mark.parametrize("display, text, want", [
    # a lower-case particle inside a name written in the text
    ("", "Name: Siôn ap Dafydd\nEmail: sion@example.org", "Siôn ap Dafydd"),
    ("", "Hello, my name is Luis dos Santos, and I'd like to join.", "Luis dos Santos"),
    ("", "Name: Anneke ter Horst\nPostcode: NR2 1AA", "Anneke ter Horst"),
    # initials for a first name: "J.P. Okafor", "A.J. Hale"
    ("A.J. Hale", "Please add me.", "A.J. Hale"),
    ("K.T. Mensah", "sign me up", "K.T. Mensah"),
    ("R.S.M. Tait", "join please", "R.S.M. Tait"),
])
def test_particles_and_initials_in_names(display: str, text: str, want: str) -> None:
    assert choose_name(display, text) == want


@pytest.mark.parametrize("display, text, signature, want", [
    # the surname only in the signature block after "-- "
    ("Callum", "Please add me.\n\nCallum", "-- \nCallum Rennie\n2 High St\nPO5 1AA",
     "Callum Rennie"),
    ("Priya", "Join me up. Priya", "--\nPriya Nair\n07700 900000", "Priya Nair"),
    ("", "Sign me up please.", "-- \nTom O'Neill\nLeeds", "Tom O'Neill"),
    # a signature naming someone else does not replace the writer
    ("Sam Green", "Add me please. Sam", "-- \nJo Bloggs\nCaseworker", "Sam Green"),
    ("Sam", "Add me please. Sam", "-- \nMorley Tenants Association", "Sam"),
])
def test_fuller_name_in_signature(display: str, text: str, signature: str, want: str) -> None:
    assert choose_name(display, text, signature) == want

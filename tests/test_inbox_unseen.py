"""General rules for mail of kinds the classifier had not met: each in several new phrasings."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from tests.mailmaker import assert_reads_as, mail

CTX = Context()
HUB = "forthemany.network+hub-leeds@gmail.com"

CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- commitment in casual words ("behind all 12", "on board with every one") --------------
    ("join_commit: 100% behind all twelve", mail(
        "want to join!! 100% behind all twelve principles. B29 6AA"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: fully on board with every principle", mail(
        "Please sign me up, I'm fully on board with every one of the principles. NE6 1AA"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: right behind the 12", mail(
        "Hiya, add me please - right behind the 12 principles. LS6 1AA"),
     {"intent": "join_commit", "commitment": True}),
    ("join: behind the network is support, not commitment", mail(
        "I'd like to join, I'm 100% behind what you're doing. LS6 1AA"),
     {"intent": "join", "commitment": False}),
    ("review: behind all but one", mail(
        "I'd like to join. Behind all the principles except number 4. LS6 1AA"),
     {"intent": "review", "commitment": False}),
    # --- a join that rejects one principle ----------------------------------------------------
    ("review: agrees with 10 of 12, would like to join", mail(
        "I would like to join. I agree with 10 of the 12 principles, not the ones on housing."
        " M1 1AA"), {"intent": "review", "commitment": False}),
    ("review: can't accept principle 7", mail(
        "Please sign me up, though I can't accept principle 7 as written. BS5 6AA"),
     {"intent": "review"}),
    ("review: won't sign up to number three", mail(
        "Count me in, but I won't sign up to number three. G12 8AA"), {"intent": "review"}),
    ("review: principle 9 I can't support", mail(
        "I want to become a member. Principle 9 I cannot support. CF10 3NB"),
     {"intent": "review"}),
    # --- leave in other languages -------------------------------------------------------------
    ("leave: Italian, remove me from the list", mail(
        "Salve, per favore rimuovetemi dalla lista. Grazie.", subject="Lista"),
     {"intent": "leave"}),
    ("leave: Italian, cancel me", mail(
        "Vi chiedo di cancellarmi dalla newsletter, grazie mille.", subject="Richiesta"),
     {"intent": "leave"}),
    ("leave: Italian, no longer want to receive", mail(
        "Non voglio più ricevere le vostre email.", subject="Email"), {"intent": "leave"}),
    ("leave: Spanish, remove me", mail(
        "Hola, por favor eliminadme de la lista de correo. Gracias.", subject="Baja"),
     {"intent": "leave"}),
    ("leave: Spanish, no longer want emails", mail(
        "No quiero recibir más correos, gracias.", subject="Correos"), {"intent": "leave"}),
    ("leave: French, stop receiving", mail(
        "Bonjour, je ne souhaite plus recevoir vos messages. Merci.", subject="Messages"),
     {"intent": "leave"}),
    ("leave: French, cancel membership", mail(
        "Je voudrais annuler mon adhésion. Cordialement.", subject="Adhésion"),
     {"intent": "leave"}),
    ("leave: Portuguese, remove me", mail(
        "Por favor, removam-me da lista. Obrigada.", subject="Lista"), {"intent": "leave"}),
    ("leave: German, no more mail", mail(
        "Bitte senden Sie mir keine E-Mails mehr. Danke.", subject="E-Mails"),
     {"intent": "leave"}),
    ("leave: German, end membership", mail(
        "Hiermit kündige ich meine Mitgliedschaft.", subject="Kündigung"), {"intent": "leave"}),
    ("leave: Polish, remove me", mail(
        "Proszę usunąć mnie z listy mailingowej.", subject="Lista"), {"intent": "leave"}),
    ("leave: Dutch, no more mail", mail(
        "Ik wil geen e-mails meer ontvangen, bedankt.", subject="Mail"), {"intent": "leave"}),
    ("erase: Italian, delete my data", mail(
        "Vi prego di eliminare tutti i miei dati personali.", subject="Dati"),
     {"intent": "erase"}),
    ("erase: German, delete my data", mail(
        "Bitte meine Daten löschen.", subject="Daten"), {"intent": "erase"}),
    # --- hub mail: a poll about dates is a post, an event needs no postcode -------------------
    ("hub_post: which evening suits", mail(
        "Hi both, we're picking a night for the social. Which suits you: Wed 12 March or Thu"
        " 13 March, 7pm either way? Reply and I'll go with the favourite.", to=HUB,
        subject="Social - pick a night"), {"intent": "hub_post"}),
    ("hub_post: dates to vote on, bulleted", mail(
        "Please vote for a date for the planning meeting:\n\n* Monday 10 March 6.30pm\n"
        "* Tuesday 11 March 6.30pm\n\nWhichever gets most votes wins.", to=HUB,
        subject="Planning meeting"), {"intent": "hub_post"}),
    ("hub_post: which works best", mail(
        "Canvass session - would Sat 15 March at 10am or Sun 16 March at 11am work best"
        " for people? Let me know.", to=HUB, subject="Canvassing"), {"intent": "hub_post"}),
    ("event: a drop-in at a hall, no postcode", mail(
        "Hello all, we're running a repair cafe drop-in on Saturday 15th March, 11am-2pm, at"
        " Holy Trinity Church Hall, Kirkstall Road. Bring broken toasters!", to=HUB,
        subject="Repair cafe"), {"intent": "event"}),
    ("event: coffee morning at the library", mail(
        "Coffee morning this Friday 10.30am at Chapel Allerton Library. All welcome.", to=HUB,
        subject="Coffee morning"), {"intent": "event"}),
    # --- organisations, not people ------------------------------------------------------------
    ("org_join: the committee of an association agreed", mail(
        "At its March meeting the committee of Hyde Park Residents and Tenants Association"
        " agreed to join the network. We accept all twelve principles.\n\nJo Lee\nSecretary",
        subject="Joining", sender="Hyde Park RA <hydeparkra@gmail.com>"),
     {"intent": "org_join", "commitment": True}),
    ("org_join: Friends of a park", mail(
        "Hello, we would like to join For the Many. Our members have read the principles and"
        " we agree with them all.", subject="Membership",
        sender="Friends of Roundhay Park <friendsofroundhay@outlook.com>"),
     {"intent": "org_join", "name": "Friends of Roundhay Park"}),
    ("org_join: as an affiliated union branch", mail(
        "Our branch would like to sign up as an affiliated union branch. We agree with all 12"
        " principles.", subject="Affiliation", sender="Sam Patel <sam.patel@gmail.com>"),
     {"intent": "org_join"}),
    ("org_join: trustees have approved", mail(
        "Dear For the Many, our trustees have approved joining the network and we commit to"
        " the principles.", subject="Joining", sender="Leeds Food Aid <info@leedsfoodaid.org>"),
     {"intent": "org_join"}),
    ("join_commit: a person, our not an organisation", mail(
        "My partner and I have read the principles and we agree with all of them. Please sign"
        " me up. LS6 1AA"), {"intent": "join_commit"}),
    # --- a short follow-up that only supplies a postcode ---------------------------------------
    ("join: forgot my postcode", mail(
        "Hi, I forgot to include my postcode when I signed up earlier: BS5 6AA. Thanks, Ali",
        subject="Forgot postcode"), {"intent": "join", "postcode": "BS5 6AA"}),
    ("join: here is the postcode you asked for", mail(
        "Here's my postcode as requested - M14 5RT", subject="My postcode"),
     {"intent": "join", "postcode": "M14 5RT"}),
    ("join: left it off my join email", mail(
        "Sent a join email this morning but left my postcode off. It is LS6 2AB.",
        subject="Postcode"), {"intent": "join", "postcode": "LS6 2AB"}),
    ("review: a postcode and a question", mail(
        "My postcode is LS6 2AB - is there a hub near me or not?", subject="Postcode"),
     {"intent": "help"}),
    ("review: a postcode with no context", mail("LS6 2AB", subject="Hello"),
     {"intent": "review"}),
    ("move: a new postcode is a move", mail(
        "My new postcode is LS6 2AB, I moved last week.", subject="Postcode"),
     {"intent": "move"}),
    # --- a move or leave mixed with dropping only some of our mail ----------------------------
    ("review: move and stop the national bulletins", mail(
        "Please move me to the Bristol hub. Also I don't want the national bulletins, only"
        " the hub emails. BS5 6AA", subject="Changes"), {"intent": "review"}),
    ("review: moved, and no more steering group bulletins", mail(
        "I've moved to M14 5RT. Can you stop sending me the national bulletins too? Local"
        " stuff is fine.", subject="Moved"), {"intent": "review"}),
    ("leave: stop all emails is still leave", mail(
        "Please stop sending me emails, I want to leave.", subject="Leave"),
     {"intent": "leave"}),
    # --- scams from ordinary webmail ----------------------------------------------------------
    ("spam: widow's donation", mail(
        "Dearest one, I am a widow in poor health and I wish to donate the sum of"
        " $2,800,000.00 to your charity before I die. Reply to my private email with your"
        " full name and phone number.", subject="Charity donation",
        sender="Mrs Helen Rose <helen.rose1961@yahoo.com>"), {"intent": "spam"}),
    ("spam: compensation fund", mail(
        "Dear beloved, your compensation payment of five million three hundred thousand"
        " pounds is ready. Kindly send your full name, address and telephone number to my"
        " lawyer.", subject="Your payment", sender="Barr. John Ade <john.ade77@gmail.com>"),
     {"intent": "spam"}),
    ("spam: sextortion", mail(
        "I have access to your device and recorded you through your webcam. Pay me in"
        " bitcoin within 48 hours.", subject="Your account",
        sender="Hacker <x83uu@outlook.com>"), {"intent": "spam"}),
    ("spam: loan offer", mail(
        "We offer loans to individuals and organisations at 2% interest rate. Contact us"
        " today.", subject="Loan offer", sender="Loan Firm <easyloan2@gmail.com>"),
     {"intent": "spam"}),
    # --- short questions about how the network works ------------------------------------------
    ("help: can I join if I'm in a party", mail(
        "Can I join if I'm a member of the Green Party?", subject="Question"),
     {"intent": "help"}),
    ("help: allowed to be a member under 18", mail(
        "Am I allowed to be a member if I'm 16?", subject="Age"), {"intent": "help"}),
    ("help: do I have to live in the UK", mail(
        "Do you have to live in the UK to be a member?", subject="Query"), {"intent": "help"}),
    ("help: can I be a member while a councillor", mail(
        "Could I be a member while I'm a councillor for another party?"), {"intent": "help"}),
    ("join: wants to join, an aside in brackets", mail(
        "I'd like to join please (I hope that's ok). M1 1AA"), {"intent": "join"}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_unseen_kind(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # each phrasing of a general rule gets the intent and fields a careful human gives it
    assert_reads_as(raw, want)


@pytest.mark.parametrize("body, want", [
    ("Options for the AGM:\n- Tue 11 March, 7pm\n- Thu 13 March, 7pm\nAny preference?",
     "hub_post"),
    ("Our next meetings:\n- Tue 11 March, 7pm\n- Tue 8 April, 7pm\nAt the Friends Meeting"
     " House, LS6 1AA.", "event"),
])
def test_listed_dates(body: str, want: str) -> None:
    # dates listed with a question are options to choose from; without one, a schedule
    got = classify(mail(body, subject="Dates", to=HUB), CTX)
    assert got.intent == want, got.reasons


@pytest.mark.parametrize("body, want", [
    ("Our association voted to join the network and we accept all twelve principles. We meet"
     " at the Burley Lodge Centre, Leeds LS6 1QP.", "LS6 1QP"),
    ("Our committee agreed to affiliate. We're based at 12 Mill Street, Hull HU1 2AA.",
     "HU1 2AA"),
])
def test_organisation_meeting_place(body: str, want: str) -> None:
    # where an organisation meets (or is based) is its address, not an event's venue
    got = classify(mail(body, subject="Affiliation",
                        sender="Burley Residents Association <bra@example.org>"), CTX)
    assert (got.intent, got.postcode) == ("org_join", want), got.reasons


@pytest.mark.parametrize("body", [
    "My dad would like to join - he's not online much. His details: Tom Reid, tom.reid@example"
    ".com, 4 Hill Rd, Leeds LS6 1AA. He is keen to get involved.",
    "Please sign my gran up. Edna Moss, edna.moss@example.com, HU5 3QA. She'd love to be"
    " part of it.",
])
def test_relative_keen_is_not_the_writer(body: str) -> None:
    # "he is keen to get involved" is the relative's wish: the writer signs up only them
    got = classify(mail(body, subject="Signing up a relative"), CTX)
    assert got.intent == "join" and got.email != "sam.patel@gmail.com", got.reasons


@pytest.mark.parametrize("body", [
    "Please stop sending me the national bulletins.",
    "I only want the hub emails from now on, not the national ones.",
    "Can I just get the local stuff? Too much mail otherwise.",
])
def test_dropping_some_mail_is_for_a_person(body: str) -> None:
    # stopping one kind of our mail is a change a person makes, not leaving the network
    got = classify(mail(body, subject="Emails"), CTX)
    assert got.intent == "review", got.reasons


@pytest.mark.parametrize("headers, want", [
    ({"Feedback-ID": "aGVsbG8gd29ybGQ=:Ext:ProtonMail"}, "leave"),
    ({"Feedback-ID": "99:user:proton"}, "leave"),
    ({"Feedback-ID": "camp42:cust7:newsletter:esp", "List-Unsubscribe": "<https://x.example/u>"},
     "review"),
])
def test_feedback_id_alone_is_no_mass_mail(headers: dict[str, str], want: str) -> None:
    # a provider's Feedback-ID on a person's own mail; bulk senders add List-Unsubscribe too
    got = classify(mail("Please cancel my membership, thanks.", subject="Cancel",
                        headers=headers), CTX)
    assert got.intent == want, got.reasons


def test_a_member_naming_a_large_sum_still_joins() -> None:
    # public money in a member's own words is not an advance-fee fraud
    got = classify(mail("I'd like to join - the council has cut £2,000,000 from youth"
                        " services and I want to fight it. M1 1AA"), CTX)
    assert got.intent == "join", got.reasons


@pytest.mark.parametrize("body, want", [
    ("Is there an age limit? My son is 15 and keen.", "help"),
    ("Who can join - is it only people in England?", "help"),
    ("I'd love to join! Can I still be a member if I live in Jersey? JE2 3AB", "join"),
])
def test_who_may_join(body: str, want: str) -> None:
    # asking who may join is help; a stated wish to join stays a join
    got = classify(mail(body, subject="Membership"), CTX)
    assert got.intent == want, got.reasons


@pytest.mark.parametrize("display, want", [
    ("DALGLEISH Fiona", "Fiona Dalgleish"),
    ("MARTIN Jean-Pierre", "Jean-Pierre Martin"),
    ("Fiona DALGLEISH", "Fiona Dalgleish"),
    ("Ana GARCÍA LÓPEZ", "Ana García López"),
])
def test_surname_in_capitals(display: str, want: str) -> None:
    # a surname written in capitals is put last and in title case, as a person records it
    got = classify(mail("I'd like to join please. M1 1AA", sender=f"{display} <x.y@example.org>"),
                   CTX)
    assert got.name == want, got.name


@pytest.mark.parametrize("body, want", [
    ("I don't want to leave, I just had a question about the meeting time.", "leave"),
    ("No need to cancel anything, all good", "leave"),
    ("I do not intend to resign from the network, whatever you heard.", "leave"),
    ("I have decided to leave. Please take me off.", None),
    ("I want to leave the network.", None),
])
def test_a_denied_wish_to_leave_is_no_leave(body: str, want: str | None) -> None:
    # "don't want to leave" is not a leave; the wish itself still is
    intent = classify(mail(body), CTX).intent
    if want is None:
        assert intent == "leave", body
    else:
        assert intent != want, (body, intent)


@pytest.mark.parametrize("body", [
    "Any chance you could look at removing me from your mailing list? Too much on. Jo",
    "Is it possible to remove me from these emails? Thanks for all you do.",
    "Sorry all - any chance of taking me off the mailing list? Moving on to other things.",
    "Please remove me from those emails, it's far too many for me.",
])
def test_a_digest_reply_asking_off_the_list_is_leave(body: str) -> None:
    # a polite request to come off the list, replying to a hub digest, is not a hub post
    got = classify(mail(body + "\n\n> Leeds hub digest\n> 1. Stall on Saturday\n",
                        subject="Re: [Leeds] Digest, 3 March 2025", to=HUB, reply_to_ours=77),
                   CTX)
    assert got.intent == "leave", got.reasons


@pytest.mark.parametrize("body", [
    "Thanks for removing me from the list last spring. I'd like to rejoin now, LS6 1AA.",
    "After taking me off your emails in 2023 you were very kind; sign me back up please. M1 1AA",
])
def test_a_removal_done_before_is_no_request(body: str) -> None:
    # "thanks for removing me" tells of what was done; the request is to come back
    assert classify(mail(body, subject="Back again"), CTX).intent == "join"


@pytest.mark.parametrize("body", [
    "Thanks for taking me off the rota last week, I'll be back on it in May.",
    "Can someone take the rota off the website? It has phone numbers on it.",
])
def test_a_hub_post_about_a_rota_is_no_leave(body: str) -> None:
    # taking someone off a rota is hub business, not leaving the network
    got = classify(mail(body, subject="Rota", to=HUB), CTX)
    assert got.intent == "hub_post", got.reasons


@pytest.mark.parametrize("body", [
    "Keen to join, LS6 1AA. I'll accept the principles once you can tell me what principle 3"
    " means in practice.",
    "I'd like to sign up (M14 5RT) and would commit to all twelve as soon as you could confirm"
    " where the network stands on rent controls.",
    "Please add me, BS5 6AA. Happy to agree to the principles when someone has explained"
    " number 8 to me.",
])
def test_a_commitment_that_waits_on_an_answer_is_for_a_person(body: str) -> None:
    # "I'll commit once you can tell me ...": conditional, so a person answers first
    got = classify(mail(body, subject="Joining"), CTX)
    assert (got.intent, got.commitment) == ("review", False), got.reasons


@pytest.mark.parametrize("body, want", [
    ("Sign me up. I've read the twelve principles and I agree with the lot. NE6 1AA",
     "join_commit"),
    ("I'd like to join - went through your 12 points and I'd sign up to every last one. G12 8AA",
     "join_commit"),
    ("Count me in. Looked at the principles, I accept the whole lot. CF10 3NB", "join_commit"),
    ("Please add me, I endorse all twelve of the founding principles. LS6 1AA", "join_commit"),
    ("Sign me up. Agree wi every one o the principles. DD1 4HN", "join_commit"),
    ("I'd like to join, I agree with the lot of you on housing. LS6 1AA", "join"),
])
def test_all_of_them_in_other_words(body: str, want: str) -> None:
    # "the lot", "every last one", "all twelve of the ...": every principle, in other words
    got = classify(mail(body, subject="Joining"), CTX)
    assert (got.intent, got.commitment) == (want, want == "join_commit"), got.reasons


def test_an_organisation_endorsing_all_twelve_of_them() -> None:
    # an organisation that endorses "all twelve of its founding principles" commits
    got = classify(mail("Our branch committee agreed to affiliate and to endorse all twelve of"
                        " its founding principles.", subject="Affiliation",
                        sender="Bradford Unite Community <unite.bradford@example.org>"), CTX)
    assert (got.intent, got.commitment) == ("org_join", True), got.reasons


@pytest.mark.parametrize("body", [
    "How are hub officers chosen? Is there a vote every year?",
    "Quick one: how do hubs pick their delegates, and can any member stand?",
    "Who gets to say what the hub campaigns on - is it up to the organisers or the members?",
    "Can any member call a meeting? I'd like to get one going on bus cuts.",
    "Is there a Polish translation of the principles? My neighbours would read it then.",
    "Do you have a large print copy of the twelve principles? My eyesight isn't great.",
    "Are the principles in Urdu anywhere? A few of us at the mosque would like to read them.",
])
def test_how_the_network_works_is_help(body: str) -> None:
    # questions about how hubs and the network run, or for the principles in another form
    got = classify(mail(body, subject="A question"), CTX)
    assert got.intent == "help", got.reasons


@pytest.mark.parametrize("body, want", [
    ("How do I sign up? Is there a fee, or is it free?", "help"),
    ("How can I join? Do I need to live in a city, or is a village fine?", "help"),
    ("Hello, how do I become a member? Do I have to go to meetings?", "help"),
    ("I want to join! How do I do it? Do I have to live in Leeds? LS25 1AA", "join"),
    ("How do I join? My postcode is M14 5RT.", "join"),
    ("How can I sign up? Is it free? I'm at LS6 2AB.", "join"),
])
def test_asking_how_to_join_and_what_it_takes(body: str, want: str) -> None:
    # asking how to join along with what it takes is help; a stated wish (or a postcode) joins
    got = classify(mail(body, subject="Joining?"), CTX)
    assert got.intent == want, got.reasons


@pytest.mark.parametrize("body", [
    "hiya i wnat to join, im in ls6 2ab",
    "want ot join please!! M14 5RT",
    "I wnat to jion the leeds lot. LS6 1AA",
    "Join me up please - BS5 6AA",
    "Can you join us up? Two of us at the same address, CF10 3NB",
])
def test_a_join_in_slipshod_words(body: str) -> None:
    # typing slips ("wnat", "jion") and "join me up" are still a join
    got = classify(mail(body, subject="hello"), CTX)
    assert got.intent == "join", got.reasons


@pytest.mark.parametrize("body, to, want", [
    ("I don't wnat to join, just asking about the meeting time.", "", "not join"),
    ("Never wnat to join anything again after the last lot, but good luck.", "", "not join"),
    ("Anyone wnat to join me at the picket on Saturday?", HUB, "hub_post"),
    ("Does anybody want ot join us leafleting on Sunday?", HUB, "hub_post"),
])
def test_a_mistyped_join_that_is_none(body: str, to: str, want: str) -> None:
    # a slip is forgiven, but a refusal or an invitation to the hub is still no join
    intent = classify(mail(body, subject="hello", **({"to": to} if to else {})), CTX).intent
    assert intent != "join" if want == "not join" else intent == want, intent


_OUR_ASK = ("\n\nOn Mon, 3 Mar 2025, For the Many <forthemany.network@gmail.com> wrote:\n"
            "> Hello,\n>\n> Thanks for writing to us. To put you in your local hub we\n"
            "> {ask}\n>\n> For the Many\n")


@pytest.mark.parametrize("body, ask", [
    ("Oops, sorry - LS6 2AB", "need your full postcode. Please reply with it."),
    ("Here you go: M14 5RT", "could not find a postcode. Please reply to this email with your"
     " postcode."),
    ("BS5 6AA\n\nCheers, Ali", "still need your postcode - could you send us your postcode?"),
])
def test_answering_our_request_for_a_postcode(body: str, ask: str) -> None:
    # a reply giving the postcode our mail asked for continues the join, whatever its subject
    got = classify(mail(body + _OUR_ASK.format(ask=ask), subject="Re: Your message to For the"
                        " Many", reply_to_ours=4321), CTX)
    assert (got.intent, got.postcode is not None) == ("join", True), got.reasons


def test_a_postcode_in_reply_to_other_mail_of_ours() -> None:
    # a bare postcode answering a digest that asked for nothing is not a join
    got = classify(mail("LS6 2AB" + _OUR_ASK.format(ask="hope to see you at the stall."),
                        subject="Re: Your message to For the Many", reply_to_ours=4321), CTX)
    assert got.intent == "review", got.reasons


@pytest.mark.parametrize("subject, body, want", [
    ("Joining - LS6 1AA", "Please sign me up.\n\n--\nJo Bloggs\nBloggs Plumbing Ltd\nUnit 4,"
     " Canal Wharf, Leeds LS11 5QD\nOrders: 0113 496 0000", "LS6 1AA"),
    ("Join (M14 5RT)", "Loved your meeting at the Friends Meeting House, M2 5NS, and I'd like"
     " to join.", "M14 5RT"),
    ("Sign up: BS5 6AA", "Hi, sign me up please.\n\nAli Khan\nCaseworker, Bristol Law Centre\n"
     "2 Old Market, Bristol BS2 0EZ", "BS5 6AA"),
])
def test_the_subject_postcode_when_the_body_has_only_look_alikes(
        subject: str, body: str, want: str) -> None:
    # a work address or a venue in the body is no home: the subject's postcode is
    got = classify(mail(body, subject=subject), CTX)
    assert (got.intent, got.postcode) == ("join", want), got.reasons


@pytest.mark.parametrize("body, want", [
    ("hi want to join, i live in ls6 thanks", "LS6"),
    ("sign me up, were based in m14 so whichever hub that is", "M14"),
    ("I'd like to join. I'm in cf10 if that helps.", "CF10"),
    ("I'd like to join - I bought a b5 notebook for the meetings already!", None),
])
def test_a_lower_case_outcode_where_they_live(body: str, want: str | None) -> None:
    # "I live in ls6": an outcode in lower case after words saying where they live
    got = classify(mail(body, subject="Joining"), CTX)
    assert got.postcode == want, got.reasons


@pytest.mark.parametrize("body, want", [
    ("Hello,\n\nI'd like to join please. I teach at a primary school but I live\nin Leeds,"
     " LS6 2AB, with my partner and two kids and a very old dog.\n\nThanks,\nJo", "LS6 2AB"),
    ("Hi,\n\nPlease add me to the network. I'm a nurse at the hospital\nand LS6 2AB is my"
     " postcode.\n\nSam", "LS6 2AB"),
    ("Hi,\n\nSign me up please. I'm writing from the office so excuse the haste\nbut M14 5RT"
     " is where we live.\n\nRavi", "M14 5RT"),
])
def test_a_home_postcode_in_wrapped_running_text(body: str, want: str) -> None:
    # a sentence wrapped onto the next line, or "... is my postcode", marks a home, not work
    got = classify(mail(body, subject="Joining"), CTX)
    assert got.postcode == want, got.reasons


@pytest.mark.parametrize("display, body, want", [
    ("Nadia K", "I'd like to join please. M1 1AA\n\nThanks,\nNadia Karimi", "Nadia Karimi"),
    ("Tom O", "Sign me up, LS6 1AA.\n\nCheers\nTom Okonjo", "Tom Okonjo"),
    ("Sian W.", "Please add me - CF10 3NB\n\nDiolch,\nSian Williams", "Sian Williams"),
    ("Nadia K", "I'd like to join please. M1 1AA\n\nThanks,\nNadia Shah", "Nadia K"),
])
def test_a_surname_cut_to_its_initial(display: str, body: str, want: str) -> None:
    # "Nadia K" signing "Nadia Karimi" is one person: the fuller spelling wins
    got = classify(mail(body, subject="Joining", sender=f"{display} <p.v@example.org>"), CTX)
    assert got.name == want, got.name


@pytest.mark.parametrize("body, want", [
    ("hi want to join, LS6 1AA\n\nthanx", None),
    ("sign me up pls M14 5RT\n\nthnx", None),
    ("i'd like to join, BS5 6AA\n\ncheers\nalex", "Alex"),
    ("add me please, G12 8AA\n\nlove\nmax xx", "Max"),
])
def test_thanks_as_typed_is_no_name(body: str, want: str | None) -> None:
    # "thanx" is a closing, not a name; a name ending in x keeps it
    got = classify(mail(body, subject="join", sender="k99@example.org"), CTX)
    assert got.name == want, got.name


@pytest.mark.parametrize("body, want", [
    ("My gran would like to join, she's not online much. Her details:\n\nName: Edna Moss\n"
     "Email: edna.moss@example.com\nPostcode: HU5 3QA\n\nThanks, Sam", "Edna Moss"),
    ("Please sign my dad up for me.\n\nFull name - Tom Reid\nE-mail - tom.reid@example.com\n"
     "Postcode - LS6 1AA\n\nSam", "Tom Reid"),
])
def test_a_name_field_in_a_relatives_details(body: str, want: str) -> None:
    # a signup for one other person gives their name in a "Name:" field: it is theirs
    got = classify(mail(body, subject="Joining for a relative"), CTX)
    assert (got.intent, got.name) == ("join", want), got.reasons

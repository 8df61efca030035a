"""General rules about what people ask, each in several phrasings the corpus does not use."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from tests.mailmaker import NET, confirm_reply, mail

CTX = Context()
CONFIRM_TO = "forthemany.network+confirm-Ab12Cd34Ef56@gmail.com"


def outlook_forward(body: str, sent_to: str, sender: str) -> bytes:
    """Our confirmation mail forwarded (Outlook style) to its own +confirm- address."""
    block = ("\n\n________________________________\nFrom: For the Many <" + CONFIRM_TO + ">\n"
             "Sent: 10 March 2025 20:02\nTo: " + sent_to + "\nSubject: Please confirm: your "
             "For the Many membership\n\nHello,\n\nTo confirm that you commit to the twelve "
             "principles, simply reply to this email.\n")
    return mail(body + block, subject="FW: Please confirm: your For the Many membership",
                sender=sender, to=CONFIRM_TO, reply_to_ours=4100)


CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- a wish NOT to join is no join: negated joining words count for nothing ----------
    ("leave: no longer want to be a member", mail(
        "Please take me off your list, I no longer want to be a member."),
     {"intent": "leave"}),
    ("leave: don't want to be part of it", mail(
        "Remove me from the mailing list please. I don't want to be part of this any more.",
        subject="stop"), {"intent": "leave"}),
    ("leave: not interested in joining", mail(
        "I'm not interested in joining, please stop emailing me."), {"intent": "leave"}),
    ("leave: never wanted to sign up", mail(
        "I never wanted to sign up to this. Unsubscribe me."), {"intent": "leave"}),
    ("join: didn't want to at first, now I do", mail(
        "I didn't want to join at first but now I do - sign me up. M1 1AA"),
     {"intent": "join", "postcode": "M1 1AA"}),
    ("review: not sure whether to join", mail("I'm not sure whether I want to join yet."),
     {"intent": "review"}),
    ("join: not a member of any party", mail("Sign me up. I'm not a member of any party."),
     {"intent": "join"}),
    # --- a new mailbox is no new home ---------------------------------------------------
    ("status: still a member after changing provider", mail(
        "Can you check whether I'm still a member? I moved email providers."),
     {"intent": "status"}),
    ("review: moving to gmail", mail("I'm moving to Gmail next month, is that a problem?"),
     {"intent": "review"}),
    ("move: moved to a new flat", mail("We've moved to a new flat in Leith, EH6 8AA."),
     {"intent": "move", "postcode": "EH6 8AA"}),
    # --- status: what do you hold / am I already on it (even when a form is mentioned) ---
    ("status: which postcode have you got", mail(
        "Which postcode have you got for me? I may have given my old one.\n\nTom Reed",
        subject="postcode?", sender="tom.reed@gmail.com"),
     {"intent": "status", "postcode": None, "name": "Tom Reed"}),
    ("status: what address do you have", mail(
        "Hi, what address do you have on file for me? Just checking it's right.",
        subject="My details"), {"intent": "status"}),
    ("status: is my postcode right", mail(
        "Is my postcode correct on your system? I can't remember what I put."),
     {"intent": "status"}),
    ("status: already on the list after a stall form", mail(
        "Am I already on your list? I put my name on your clipboard at the Pride stall but "
        "heard nothing. Don't want to sign up twice!"), {"intent": "status"}),
    ("status: unsure whether signed up", mail(
        "I filled in one of your forms at the rally last month. Have I been added? I don't "
        "want to join again if I'm already in."), {"intent": "status"}),
    # --- subject access requests, in other words and languages ----------------------------
    ("status: indirect SAR", mail(
        "Please send me details of all the personal information you hold about me, and "
        "who it has been shared with.", subject="Data request"), {"intent": "status"}),
    ("status: right of access", mail(
        "I am exercising my right of access under the UK GDPR. Please provide my data within "
        "one month.", subject="Request"), {"intent": "status"}),
    ("status: Welsh and English SAR", mail(
        "Cais gwrthrych am wybodaeth / Subject access request.\n\nHoffwn gael copi o'r "
        "wybodaeth sydd gennych amdanaf. I would like a copy of the information you have "
        "about me.\n\nDiolch,\nGwen Morgan", subject="Cais / Request",
        sender="Gwen Morgan <gwen.m@gmail.com>"), {"intent": "status"}),
    ("status: Polish SAR", mail(
        "Dzień dobry, proszę o dostęp do moich danych osobowych (art. 15 RODO).\n\nPiotr",
        subject="Dane osobowe"), {"intent": "status"}),
    ("status: French SAR", mail(
        "Bonjour, je demande l'accès à mes données personnelles conformément à l'article 15 "
        "du RGPD.\n\nClaire", subject="Demande"), {"intent": "status"}),
    ("status: Welsh only", mail("Ydw i'n aelod o hyd? Diolch, Eleri", subject="Aelodaeth"),
     {"intent": "status"}),
    ("status: Polish, what do you hold", mail(
        "Dzień dobry, jakie dane o mnie przechowujecie? Pozdrawiam, Ola", subject="Dane"),
     {"intent": "status"}),
    ("status: German and English, am I a member", mail(
        "Bin ich schon Mitglied? / Am I already a member? Danke, Jens", subject="Mitglied"),
     {"intent": "status"}),
    # --- help: what membership costs or involves -----------------------------------------
    ("help: fees", mail("Is there a fee to be a member? I'm on a low income.",
                        subject="Membership"), {"intent": "help"}),
    ("help: obligations", mail("Do members have to attend meetings? I work shifts.",
                               subject="question"), {"intent": "help"}),
    ("help: how much", mail("How much does membership cost, and what does being a member "
                            "involve?"), {"intent": "help"}),
    ("help: two hubs", mail("Can I belong to two hubs? I split my week between Leeds and "
                            "York."), {"intent": "help"}),
    ("help: French", mail("Bonjour, comment ça marche exactement ? Merci, Luc",
                          subject="Question"), {"intent": "help"}),
    ("help: Welsh", mail("Sut mae'n gweithio? Diolch", subject="Cwestiwn"), {"intent": "help"}),
    # --- a person holding an office who joins personally ---------------------------------
    ("join: councillor in a personal capacity", mail(
        "I'd like to join in a personal capacity, not on behalf of the group. I live in "
        "S11.\n\nCllr Ann Hale\nSheffield City Council\nTown Hall, Pinstone Street, Sheffield "
        "S1 2HH", sender="Cllr Ann Hale <ann.hale@sheffield.example.gov.uk>"),
     {"intent": "join", "postcode": "S11", "name": "Ann Hale"}),
    ("join: union rep as an individual", mail(
        "I'm the rep for our union branch, but I want to join as an individual. BS5 0HE."),
     {"intent": "join", "postcode": "BS5 0HE"}),
    # --- an organisation's own steering group is not the network's -----------------------
    ("org_join: our steering group agreed", mail(
        "Our steering group has agreed that we accept For the Many's twelve founding "
        "principles, and we would like to join as an organisation.\n\nRiverside Tenants "
        "Association", sender="Riverside Tenants Association <rta@example.org>"),
     {"intent": "org_join", "commitment": True}),
    ("org_join: secretary writes for the branch", mail(
        "I'm writing as secretary of Unison Calderdale Health. Our branch voted to affiliate "
        "last night.\n\nJan Holt", sender="Jan Holt <jan.holt@gmail.com>"),
     {"intent": "org_join", "name": "Unison Calderdale Health"}),
    # --- requests about someone else -----------------------------------------------------
    ("review: join plus remove an ex", mail(
        "Sign me up please, LS9 7AB. Also take my ex off your list (kim@example.com)."),
     {"intent": "review", "postcode": "LS9 7AB"}),
    ("review: unsubscribe her", mail(
        "My flatmate moved out. Please unsubscribe her, she asked me to: amy@example.org"),
     {"intent": "review"}),
    ("review: sign him up", mail("Can you sign him up? My lodger Jamal, jamal@example.org, "
                                 "M8 9QQ. I'd also like to join myself."),
     {"intent": "review"}),
    # --- replies to the confirmation mail that are no assent -----------------------------
    ("review: commits for his wife", outlook_forward(
        "My wife got this but doesn't use email. She says yes to all of it.\n\nRaj",
        "Meena Shah <meena.shah@example.com>", "Raj Shah <raj.shah@example.com>"),
     {"intent": "review", "commitment": False}),
    ("review: forwarded confirmation from another address", outlook_forward(
        "Yes, I commit.", "Meena Shah <meena.shah@example.com>",
        "M Shah <m.shah.work@example.net>"), {"intent": "review", "commitment": True}),
    ("commit: forwarded confirmation from the same address", outlook_forward(
        "Yes, I commit.", "Meena Shah <meena.shah@example.com>",
        "Meena Shah <meena.shah@example.com>"), {"intent": "commit", "commitment": True}),
    ("review: confirms on her mum's behalf", confirm_reply(
        "I'm replying on her behalf - mum agrees with all the principles."),
     {"intent": "review", "commitment": False}),
    ("review: did not ask to join", confirm_reply(
        "I didn't ask to join anything. Who gave you my address?"),
     {"intent": "review", "commitment": False}),
    ("erase: did not ask, delete my address", confirm_reply(
        "I never signed up for this - someone must have used my email. Please delete my "
        "address and anything else you have from your records."),
     {"intent": "erase", "commitment": False}),
    ("erase: wipe from your database", confirm_reply(
        "Not me. Please wipe my email from your database."),
     {"intent": "erase", "commitment": False}),
    # --- partial commitment -------------------------------------------------------------
    ("review: ten of twelve", confirm_reply(
        "I agree with ten of the twelve. The other two I'm not sure about."),
     {"intent": "review", "commitment": False}),
    ("review: all but one", confirm_reply("All but one - I can't support number 6 as written."),
     {"intent": "review", "commitment": False}),
    ("review: can't honestly sign up to one", confirm_reply(
        "Mostly yes, but I can't honestly sign up to the immigration one."),
     {"intent": "review", "commitment": False}),
    ("commit: couldn't agree more", confirm_reply("Couldn't agree more with all of them!"),
     {"intent": "commit", "commitment": True}),
    ("review: yes, as long as", confirm_reply(
        "Yes, as long as you never share my details with a political party."),
     {"intent": "review", "commitment": False}),
    ("review: broadly", confirm_reply("Broadly yes. I'm not entirely convinced by 4 though."),
     {"intent": "review", "commitment": False}),
    ("review: with reservations", confirm_reply(
        "I agree, with some reservations about the foreign policy principle."),
     {"intent": "review", "commitment": False}),
    ("join_commit stays: no doubts", mail(
        "Sign me up - I agree with all twelve principles, no doubt about it. NE6 5LP"),
     {"intent": "join_commit", "commitment": True}),
    # --- questions about the network, not requests -----------------------------------------
    ("help: where are the principles", mail("Where can I read the twelve principles?",
                                            subject="Principles"), {"intent": "help"}),
    ("help: hub near me", mail("Is there a hub in Wrexham? I can't see one listed."),
     {"intent": "help"}),
    ("help: who to contact", mail("Who do I contact about speaking at a hub meeting?"),
     {"intent": "help"}),
    ("status: have you got my right postcode", mail(
        "Have you got the right postcode for me? I gave two when I signed up."),
     {"intent": "status"}),
    ("review: wants to talk about one first", confirm_reply(
        "Yes but I'd like to talk to someone about principle 3 first."),
     {"intent": "review", "commitment": False}),
    ("status: under the Data Protection Act", mail(
        "Under the Data Protection Act 2018 I'd like to know what personal information For the "
        "Many holds about me and how it is used.", subject="Data request"), {"intent": "status"}),
    ("status: Welsh and English, what do you hold", mail(
        "Bore da / Good morning,\nA allwch chi ddweud wrthyf pa wybodaeth sydd gennych "
        "amdanaf? Could you tell me what information you hold on me?\nDiolch, Siân",
        subject="Gwybodaeth / Information"), {"intent": "status"}),
    ("status: did it go through", mail(
        "Just checking my membership went through OK - I replied to your email last week.",
        subject="membership"), {"intent": "status"}),
    ("help: how often and can I come along", mail(
        "Hi, how often do hubs meet, and can I come along to a meeting before I decide?",
        subject="Meetings"), {"intent": "help"}),
    ("help: what happens to my details", mail(
        "What happens to my details if I join? Who sees them?", subject="privacy"),
     {"intent": "help"}),
    # --- a person who mentions an organisation still joins as a person ---------------------
    ("join: not affiliated with any party", mail(
        "I'm not affiliated with any party but I'd like to join. Postcode B12 9QR."),
     {"intent": "join"}),
    ("join: heard at a council meeting", mail(
        "I heard about you at the trades council meeting and would like to join. LS11 5DQ"),
     {"intent": "join"}),
    ("join: personally, though in a group", mail(
        "I run the local tenants group but I'd like to join personally. L15 4LB"),
     {"intent": "join"}),
    ("join: saw you in the newspaper", mail(
        "I read about you in the newspaper today. Please sign me up, SE15 4QS."),
     {"intent": "join"}),
    ("join: post-nominal letters", mail("I'd like to join. BN1 1AA",
                                        sender="Jane Smith MBE <jane.smith@example.com>"),
     {"intent": "join", "name": "Jane Smith"}),
    ("org_join: tenants fighting evictions", mail(
        "We are the Northside Tenants Association, fighting evictions and disrepair on the "
        "estate. Our committee voted to affiliate to For the Many.",
        sender="Northside Tenants <nta@example.org>"), {"intent": "org_join"}),
    ("org_join: the organisation's own address says we", mail(
        "Hello, we'd like to join the network please. We meet monthly in Otley.",
        sender="Wharfedale Climate Action Group <hello@wcag.example>"),
     {"intent": "org_join", "name": "Wharfedale Climate Action Group"}),
    ("join: a person, their union in brackets", mail(
        "Hi, I'd like to join - we met at your stall on Saturday. LS21 1AA",
        sender="Sam Reed (Unite) <sam.reed@example.com>"), {"intent": "join"}),
    ("erase: delete my email address", confirm_reply(
        "This wasn't me. Please delete my email address."),
     {"intent": "erase", "commitment": False}),
    ("leave: delete my email from the mailing list", mail(
        "Please delete my email from your mailing list."), {"intent": "leave"}),
    ("review: a journalist", mail(
        "I'm writing for the Bristol Post about grassroots groups. Could someone talk to me?"),
     {"intent": "review"}),
    # --- a reply that only supplies the postcode we asked for ----------------------------
    ("postcode: sorry, it's", mail("Sorry! It's M14 5RT", subject="Re: One more thing: your "
                                   "postcode", reply_to_ours=61),
     {"intent": "join", "postcode": "M14 5RT"}),
    ("postcode: lower case, no space", mail(
        "oops forgot - m145rt\n\nBob", subject="Re: One more thing: your postcode",
        reply_to_ours=62), {"intent": "join", "postcode": "M14 5RT"}),
    ("postcode: here you go", mail(
        "Here you go: LS6 3HN\n\nOn Mon, 3 Mar 2025 at 09:00, For the Many <" + NET + "> "
        "wrote:\n> Please reply with your postcode (for example L8 1AB).",
        subject="Re: One more thing: your postcode", reply_to_ours=63),
     {"intent": "join", "postcode": "LS6 3HN"}),
    ("postcode: the new one we asked a mover for", mail(
        "It's G12 8QQ now, thanks", subject="Re: Your new postcode, please", reply_to_ours=64),
     {"intent": "move", "postcode": "G12 8QQ"}),
    ("postcode: a reply that asks to leave instead", mail(
        "Actually please unsubscribe me, LS6 3HN", subject="Re: One more thing: your postcode",
        reply_to_ours=65), {"intent": "leave"}),
    ("postcode: not a reply to our mail", mail(
        "Sorry! It's M14 5RT", subject="Re: your postcode"), {"intent": "review",
                                                              "postcode": "M14 5RT"}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_general_rule(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # each phrasing of a general rule gets the intent and fields a careful human gives it
    got = classify(raw, CTX)
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.intent, got.reasons)


def test_postcode_replies_continue_a_signup() -> None:
    # a reply to our request that only supplies a postcode continues the join
    replies = [raw for name, raw, _ in CASES if name.startswith("postcode:")][:3]
    for raw in replies:
        got = classify(raw, CTX)
        assert got.intent == "join" and got.postcode is not None, (got.intent, got.reasons)
        assert got.reply_to_ours is not None


HUB_LEEDS = "forthemany.network+hub-leeds@gmail.com"
# Everyday phrasings of every intent: the general rules above must not disturb them.
EVERYDAY: list[tuple[str, bytes]] = [
    ("join", mail("Hiya, my mate told me about you lot. Can you sign me up? I'm in Walsall, "
                  "WS1 2AB. Cheers, Gaz")),
    ("join", mail("I would like to become a member. My name is Fatima Ali and my postcode is "
                  "B11 4RT.")),
    ("join", mail("Please register me as a member. Thank you. E5 0LL")),
    ("join", mail("Hi! Just found your website and I'd love to be involved. Postcode is NW5 2AA")),
    ("join", mail("I'm not on social media so emailing instead - please add me to the network. "
                  "CV3 5DD")),
    ("join", mail("Is it too late to join? I'd like to. PE1 1AA")),
    ("join_commit", mail("I have read the principles and I agree with every one of them. Please "
                         "add me. L17 8XY")),
    ("join_commit", mail("I fully support all 12 principles and want to join. Postcode S2 4SU.")),
    ("commit", confirm_reply("yes")),
    ("commit", confirm_reply("Confirmed. Thanks for the work you do.")),
    ("commit", confirm_reply("I agree. Not sure I can make meetings though, I work nights.")),
    ("commit", confirm_reply("Yes - and I don't have any problem with any of them.")),
    ("commit", confirm_reply("Yes, definitely. I never thought I'd join anything like this!")),
    ("leave", mail("Unsubscribe")),
    ("leave", mail("Please remove me from your mailing list. I didn't sign up for this.")),
    ("leave", mail("Take me off please, too many emails.")),
    ("erase", mail("Please delete all information you hold about me and confirm when done.")),
    ("status", mail("Hi, I joined a while ago but haven't heard anything since. Am I still on "
                    "the list?")),
    ("status", mail("Which hub am I in?")),
    ("move", mail("New address from next week: 4 Elm Grove, Bristol BS7 8PT.")),
    ("help", mail("How does the hub system work?")),
    ("review", mail("I think your principle on immigration is naive and dangerous.")),
    ("review", mail("Could you put me in touch with the Leeds hub secretary? I want to invite "
                    "them to speak at our union meeting.")),
    ("org_join", mail("Good afternoon, Hull Unison branch would like to affiliate to For the "
                      "Many. Please send details of what's involved.",
                      sender="Hull Unison <branch@hullunison.example>")),
    ("hub_post", mail("Anyone fancy leafleting on Saturday morning?", to=HUB_LEEDS)),
    ("event", mail("Hi all - next meeting Tuesday 8 April, 7pm at the Chemic Tavern. Agenda to "
                   "follow.", to=HUB_LEEDS, date="Mon, 31 Mar 2025 10:00:00 +0100")),
]


@pytest.mark.parametrize("intent, raw", EVERYDAY, ids=[f"{i}-{n}" for n, (i, _) in
                                                      enumerate(EVERYDAY)])
def test_everyday_phrasings_keep_their_intent(intent: str, raw: bytes) -> None:
    # plain requests of each kind still read as themselves
    got = classify(raw, CTX)
    assert got.intent == intent, (got.intent, got.reasons)

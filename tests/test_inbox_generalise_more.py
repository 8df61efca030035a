"""More general rules: conditions on a commitment, signups for a relative, organisations' names."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from inbox.people import organisation_name
from tests.mailmaker import confirm_reply, mail

CTX = Context()

CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- a commitment that waits for an answer is conditional --------------------------------
    ("review: commit once told who funds us", confirm_reply(
        "Before I commit I'd like to know who pays for all this. Happy to commit once I know."),
     {"intent": "review", "commitment": False}),
    ("review: will commit when you tell me", confirm_reply(
        "I'll commit when you tell me whether you back a party."),
     {"intent": "review", "commitment": False}),
    ("review: confirm after reading the constitution", confirm_reply(
        "Will confirm once I've read your constitution."), {"intent": "review"}),
    ("review: accept after an answer", confirm_reply(
        "Happy to accept, but only after you've answered my question about party links."),
     {"intent": "review"}),
    ("commit: 'once again' is no condition", confirm_reply("I commit, once again thanks!"),
     {"intent": "commit", "commitment": True}),
    ("commit: a later plan is no condition", confirm_reply(
        "Count me in. I'll be at the meeting when I get back from holiday."),
     {"intent": "commit"}),
    # --- support for the network is not agreement with the principles -----------------------
    ("join: agrees with everything you stand for", mail(
        "I agree with everything you stand for, sign me up. M1 1AA"),
     {"intent": "join", "commitment": False}),
    ("join: agrees with all that you do", mail(
        "I agree with all that you do - please add me. LS6 1AA"),
     {"intent": "join", "commitment": False}),
    ("join_commit: agrees with everything in the principles", mail(
        "I agree with everything in the principles, sign me up. M1 1AA"),
     {"intent": "join_commit", "commitment": True}),
    # --- accepting "every one of them", with the verb inflected --------------------------------
    ("join_commit: accept every one of them", mail(
        "I've read the twelve principles and I accept every one of them. Please enrol me.\n\n"
        "Postcode: CF10 3NB", subject="Enrolment"),
     {"intent": "join_commit", "commitment": True, "postcode": "CF10 3NB"}),
    ("join_commit: support them all", mail(
        "Read the principles and I support them all. Sign me up, BS5 6AA"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: terse imperative commitment", mail(
        "Commit to all twelve. Put me in the Hull hub. HU5.", subject="Hull"),
     {"intent": "join_commit", "postcode": "HU5"}),
    ("join: not accepting them all is no commitment", mail(
        "I can't accept all of them but I'd like to join. M1 1AA"),
     {"commitment": False}),
    # --- a provider's per-user Feedback-ID is no mass-mail sign -------------------------------
    ("join_commit: Proton user's Feedback-ID", mail(
        "Commit to all 12. Add me to the Ipswich hub please. IP4.\n\n- Jo",
        subject="Ipswich", sender="Jo Hart <jo.hart@proton.me>",
        headers={"Feedback-ID": "12345678:user:proton"}), {"intent": "join_commit"}),
    # --- a signup for one relative, whatever the word order ----------------------------------
    ("join: sign my mum up", mail(
        "Could you sign my mum up please? She's not great with computers.\n\nJune Ellis\n"
        "june.ellis@example.com\nHU5 3QA\n\nThanks, Dave",
        sender="Dave Ellis <dave.ellis@example.net>", subject="Membership for my mum"),
     {"intent": "join", "email": "june.ellis@example.com", "name": "June Ellis",
      "postcode": "HU5 3QA"}),
    ("join: put my dad down", mail(
        "Please put my dad down as a member - Frank Hill, frank.hill@example.com, NE6 1AA"),
     {"intent": "join", "email": "frank.hill@example.com", "name": "Frank Hill"}),
    ("join: add my daughter", mail(
        "Can you add my daughter? Her address is amy.l@example.com and she lives in M14 5RT."),
     {"intent": "join", "email": "amy.l@example.com", "postcode": "M14 5RT"}),
    ("review: a relative and the writer too", mail(
        "Please sign my husband up, his email is dave.j@example.com, LS6 1AA. Sign me up too!"),
     {"intent": "review"}),
    ("review: I'd also like to join myself", mail(
        "Can you sign him up? My lodger, lodger@example.org, M8 9QQ. I'd also like to join."),
     {"intent": "review"}),
    # --- a friend who passed on our mail is not the one asking -------------------------------
    ("join: my mate forwarded me this", mail(
        "Hi, my mate forwarded me this and I want to join. I'm in Kirkby. How does it work?"),
     {"intent": "join", "postcode": None}),
    ("join: my friend sent me your leaflet", mail(
        "My friend sent me your leaflet and I'd love to join. M1 1AA"), {"intent": "join"}),
    ("review: my wife wants to join", mail("My wife wants to join too - can you sign her up?"),
     {"intent": "review"}),
    # --- agreeing with only some of the principles stops a join -------------------------------
    ("review: agrees with most of the principles", mail(
        "I agree with most of the principles and would like to join. M1 1AA"),
     {"intent": "review", "commitment": False}),
    ("review: supports some of them", mail(
        "I'd like to join. I've read the principles and support some of them. LS6 1AA"),
     {"intent": "review"}),
    ("join: 'some of' about something else", mail(
        "I'd like to join. Some of the people at the meeting said I should. M1 1AA"),
     {"intent": "join"}),
    ("join_commit: read the principles and agree", mail(
        "I'd like to join. I've read the principles and fully agree. M1 1AA"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit: yes to all twelve", mail("Yes to all twelve principles - please add me. G1 1AA"),
     {"intent": "join_commit", "commitment": True}),
    # --- asking what affiliation involves is a question, not an affiliation --------------------
    ("help: what does affiliation involve", mail(
        "What does affiliation involve? Our tenants' association is thinking about it.",
        subject="Affiliation"), {"intent": "help"}),
    ("help: information about how affiliation works", mail(
        "I'm secretary of our union branch. Could you send me information about how "
        "affiliation works?", subject="Enquiry"), {"intent": "help"}),
    ("help: considering affiliating", mail(
        "We're a residents' association and we're considering affiliating - is there a fee?",
        subject="Question"), {"intent": "help"}),
    ("org_join: decided to affiliate, asks what next", mail(
        "Our tenants' association would like to affiliate. What does it involve?",
        subject="Affiliation"), {"intent": "org_join"}),
    # --- leaving, in other words and other languages -------------------------------------------
    ("leave: French", mail("Désabonnez-moi s'il vous plaît.", subject="Bonjour"),
     {"intent": "leave"}),
    ("leave: German", mail("Bitte entfernen Sie mich aus Ihrem Verteiler.", subject="Hallo"),
     {"intent": "leave"}),
    ("leave: Welsh", mail("Tynnwch fi oddi ar y rhestr os gwelwch yn dda.", subject="Helo"),
     {"intent": "leave"}),
    ("leave: Italian", mail("Cancellatemi dalla lista per favore.", subject="Ciao"),
     {"intent": "leave"}),
    ("leave: Dutch", mail("Haal me van de lijst alstublieft.", subject="Hallo"),
     {"intent": "leave"}),
    ("leave: stop receiving", mail("I'd like to stop receiving emails from you."),
     {"intent": "leave"}),
    ("leave: how do I stop getting these", mail("How do I stop getting these emails?"),
     {"intent": "leave"}),
    # --- erase: everything held on me, even beside a leave -------------------------------------
    ("erase: delete everything you have on me", mail(
        "Please take me off the list and delete everything you have on me."),
     {"intent": "erase"}),
    ("erase: wipe all you've got about me", mail("Wipe all that you've got about me, now."),
     {"intent": "erase"}),
    # --- an automatic answer naming another address still speaks for the member ---------------
    ("auto_reply: unmonitored, email my new address", mail(
        "This address is no longer monitored. Please email jo.new@example.org instead.",
        subject="Re: Welcome to For the Many", sender="Jo Smith <jo.old@example.org>",
        reply_to_ours=79), {"intent": "auto_reply", "email": "jo.old@example.org"}),
    ("auto_reply: a helpdesk's name is no person's", mail(
        "We have received your request. Your reference is 1234. This is an automated response.",
        subject="Request received", sender="Help <help@example.com>", reply_to_ours=95),
     {"intent": "auto_reply", "name": None}),
    # --- applying for membership; a subject that asks and a text that only gives a postcode ---
    ("join: apply for membership", mail("I'd like to apply for membership. G12 8AA"),
     {"intent": "join", "postcode": "G12 8AA"}),
    ("join: membership please", mail("Hello, membership please. G12 8AA",
                                     subject="Membership application"), {"intent": "join"}),
    ("review: not applying for membership", mail(
        "I'm not applying for membership, just asking a question about your funding."),
     {"intent": "review"}),
    ("join: subject Join, body a postcode", mail("M1 1AA", subject="Join"),
     {"intent": "join", "postcode": "M1 1AA"}),
    ("join: subject Joining, name and postcode lines", mail(
        "Name: Jo Bloggs\nPostcode: LS6 2AB", subject="Joining"), {"intent": "join"}),
    ("review: subject Join, a sentence about someone else", mail(
        "My friend wants to know about you. LS6 2AB", subject="Join"), {"intent": "review"}),
    ("review: subject Join, no postcode", mail("", subject="Join"), {"intent": "review"}),
    ("help: can I bring a friend", mail("Can I bring a friend to the meeting?"),
     {"intent": "help"}),
    # --- an organisation's name, not its officer's role or its other language ----------------
    ("org_join: role in the display name, full name in the signature", mail(
        "Dear friends,\n\nOur branch voted last night to affiliate to For the Many. The council "
        "endorses all twelve principles.\n\nIn solidarity,\nPat Jones\nSecretary, Hull Trades "
        "Union Council", subject="Affiliation", sender="Hull TUC Secretary <hulltuc@example.org>"),
     {"intent": "org_join", "name": "Hull Trades Union Council", "commitment": True}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_general_rule(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # each phrasing of a general rule gets the intent and fields a careful human gives it
    got = classify(raw, CTX)
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.intent, got.reasons)


@pytest.mark.parametrize("display, text, want", [
    ("Cyngor Tref Y Bala / Bala Town Council", "We voted to affiliate.", "Bala Town Council"),
    ("Grŵp Tenantiaid / Tenants Group Bangor", "x", "Tenants Group Bangor"),
    ("Leeds Tenants Union", "We are Leeds Tenants Union and want to join.", "Leeds Tenants Union"),
    ("Chair - Kirklees Food Network", "x", "Kirklees Food Network"),
    ("Jo Bloggs", "We'd like to affiliate.\n\nJo Bloggs\nChair, Hull Food Justice Network",
     "Hull Food Justice Network"),
    ("Unite LE/123 Branch", "x", "Unite LE/123 Branch"),
])
def test_organisation_names(display: str, text: str, want: str) -> None:
    # a bilingual name gives its English half; a role around the name or trailing words go
    assert organisation_name(display, text) == want

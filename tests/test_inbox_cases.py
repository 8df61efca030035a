"""Tricky inbound mail written for these tests: each intent in other words than the corpus uses."""

from __future__ import annotations

from typing import Any

import pytest

from inbox.classify import classify
from inbox.context import Context
from tests.mailmaker import confirm_reply, mail, multipart, ours

CTX = Context()
HUB = "forthemany.network+hub-leeds-north@gmail.com"
BULLETIN = "forthemany.network+bulletin@gmail.com"

CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- join -------------------------------------------------------------------------
    ("join plain", mail("Hi,\n\nI'd like to join For the Many. My postcode is LS6 3HN.\n\n"
                        "Thanks,\nSam"), {"intent": "join", "postcode": "LS6 3HN",
                                          "name": "Sam Patel"}),
    ("join add me with address", mail("Please add me to your network. I live at 23 Hill "
                                      "Street, Bristol BS5 9TT.\n\nCheers\nRuth",
                                      sender="Ruth Okafor <r.okafor@yahoo.co.uk>"),
     {"intent": "join", "postcode": "BS5 9TT", "name": "Ruth Okafor"}),
    ("join how do I become a member", mail(
        "Saw your stall at the market on Saturday. How do I become a member? I'm in "
        "Walthamstow, E17 4QX.", subject="Membership"), {"intent": "join", "postcode": "E17 4QX"}),
    ("join outcode in brackets", mail("count me in! (SE5)\n\nJo", subject="hi"),
     {"intent": "join", "postcode": "SE5"}),
    ("join interested", mail("Interested in joining. What do I need to do?\n\nKev, NG5",
                             sender="Kevin Marsh <kmarsh@outlook.com>"),
     {"intent": "join", "postcode": "NG5", "name": "Kevin Marsh"}),
    ("join welsh", mail("Hoffwn ymuno os gwelwch yn dda. CF24 4HQ\n\nCerys",
                        subject="Ymuno", sender="Cerys Evans <cerys.evans@btinternet.com>"),
     {"intent": "join", "postcode": "CF24 4HQ"}),
    ("join postcode only in subject", mail("please sign me up", subject="Membership - G12 8QQ"),
     {"intent": "join", "postcode": "G12 8QQ"}),
    ("join lower case postcode", mail("My friend told me about you. I'd love to get involved - "
                                      "sign me up! postcode: ox4 1aa"),
     {"intent": "join", "postcode": "OX4 1AA"}),
    ("join home outcode, work postcode in signature", mail(
        "I'd like to join, I live in BS3.\n\nJohn Smith\nProject Officer\nBristol City Council\n"
        "City Hall, College Green, Bristol BS1 5TR", sender="John Smith <j.smith@bristol.gov.uk>"),
     {"intent": "join", "postcode": "BS3", "name": "John Smith"}),
    ("join incomplete postcode", mail("Sign me up please, postcode LS6 2.\n\nAmy"),
     {"intent": "join", "postcode": None}),
    ("join on behalf of one other person", mail(
        "Please sign up my mum, she doesn't do email much: Joan Baker, "
        "joan.baker@btinternet.com, DN4 5PL.\n\nThanks\nPaul Baker",
        sender="Paul Baker <paulb@gmail.com>"),
     {"intent": "join", "email": "joan.baker@btinternet.com", "postcode": "DN4 5PL"}),
    ("join german", mail("Hallo, ich möchte Mitglied werden. Ich wohne in London, N4 2DA.\n\n"
                         "Jürgen", sender="Jürgen Braun <j.braun@gmx.de>", charset="iso-8859-1",
                         cte="quoted-printable"),
     {"intent": "join", "postcode": "N4 2DA", "name": "Jürgen Braun"}),
    ("join HTML only", mail("<html><body><p>Hello!</p><p>I want to sign up to the network."
                            "</p><p>Priya Shah<br>B29 6LT</p></body></html>", html=True,
                            sender="priya.shah@gmail.com"),
     {"intent": "join", "postcode": "B29 6LT", "name": "Priya Shah"}),
    ("join with phone number", mail("Call me on 07700 900123. Sign me up. Postcode S11 8YA."),
     {"intent": "join", "postcode": "S11 8YA"}),
    ("join CRLF base64", mail("I want to join. I'm in Hull, HU5 3TS.\r\n\r\nDan",
                              cte="base64", crlf=True), {"intent": "join", "postcode": "HU5 3TS"}),
    # --- join_commit ------------------------------------------------------------------
    ("join_commit agree with all", mail(
        "I've read the twelve principles and I agree with all of them. Please sign me up. "
        "Postcode WF1 2AB.\n\nThanks, Lee", sender="Lee Grant <lee.grant@gmail.com>"),
     {"intent": "join_commit", "commitment": True, "postcode": "WF1 2AB"}),
    ("join_commit I commit", mail("I commit to the 12 principles and want to join. HU5 3TS"),
     {"intent": "join_commit", "commitment": True}),
    ("join_commit accept all", mail("Fully accept all twelve principles - count me in. "
                                    "Postcode B29 6LT"),
     {"intent": "join_commit", "commitment": True}),
    # --- commit -----------------------------------------------------------------------
    ("commit yes I confirm", confirm_reply("Yes I confirm"),
     {"intent": "commit", "commitment": True, "postcode": None, "token": "Ab12Cd34Ef56",
      "token_action": "confirm", "reply_to_ours": 777}),
    ("commit empty reply", confirm_reply(""), {"intent": "commit", "commitment": True}),
    ("commit emoji", confirm_reply("Confirmed! \U0001F44D"), {"intent": "commit"}),
    ("commit with new postcode", confirm_reply("Yes. I've moved since, I'm now at LS7 3QQ."),
     {"intent": "commit", "postcode": "LS7 3QQ"}),
    ("commit from a phone, bottom of the quote", confirm_reply(
        "Yes\n\nSent from my iPhone"), {"intent": "commit", "commitment": True}),
    # --- review -----------------------------------------------------------------------
    ("review partial commitment", confirm_reply("I agree with most of them but not number 11."),
     {"intent": "review", "commitment": False}),
    ("review exception", confirm_reply("Happy to commit apart from number 6, which I think "
                                       "goes too far."), {"intent": "review",
                                                          "commitment": False}),
    ("review join with a reservation", mail("I'd like to join but I don't agree with principle "
                                            "11. Postcode M20 4AB."), {"intent": "review"}),
    ("review third-party leave", mail("Please remove my husband Dave from your list, he's "
                                      "dave.s@gmail.com."), {"intent": "review"}),
    ("review press", mail("I'm a journalist at the Leeds Gazette writing a piece about new "
                          "campaign groups. Could I interview someone this week?",
                          subject="Interview request"), {"intent": "review"}),
    ("review casework", mail("My landlord is trying to evict me with two weeks notice. Can you "
                             "help?"), {"intent": "review"}),
    ("review bare yes", mail("Yes", subject="Re: hello"), {"intent": "review"}),
    ("review abuse", mail("You lot are a bunch of traitors and idiots."), {"intent": "review"}),
    ("review officer offer", mail("I'd like to volunteer as secretary for the Leeds hub, I've "
                                  "done it before for my union branch."), {"intent": "review"}),
    ("review confirmation reply not linked", mail(
        "Yes I agree to everything", subject="Re: Please confirm: your For the Many membership"),
     {"intent": "review"}),
    # --- leave ------------------------------------------------------------------------
    ("leave subject only", mail("", subject="Unsubscribe"), {"intent": "leave"}),
    ("leave take me off", mail("Please take me off your mailing list. Thanks"),
     {"intent": "leave"}),
    ("leave no more emails", mail("I don't want these emails any more."), {"intent": "leave"}),
    ("leave want to leave", mail("I want to leave the network.\n\nBob"), {"intent": "leave"}),
    ("leave french", mail("Bonjour, merci de me désinscrire de votre liste.\n\nAnne",
                          charset="iso-8859-1"), {"intent": "leave"}),
    ("leave reply to bulletin", mail("unsubscribe me please", to=BULLETIN,
                                     subject="Re: For the Many national bulletin, May 2025",
                                     reply_to_ours=501), {"intent": "leave"}),
    ("leave to unsub address", mail("", subject="unsubscribe",
                                    to="forthemany.network+unsub-Zx9Yw8@gmail.com"),
     {"intent": "leave", "token": "Zx9Yw8", "token_action": "unsub"}),
    # --- erase ------------------------------------------------------------------------
    ("erase details", mail("Please delete all my details from your records."),
     {"intent": "erase"}),
    ("erase and unsubscribe", mail("Unsubscribe me and forget me entirely - delete everything "
                                   "you hold on me."), {"intent": "erase"}),
    ("erase gdpr", mail("Under GDPR I request that you erase my personal data."),
     {"intent": "erase"}),
    # --- move -------------------------------------------------------------------------
    ("move new postcode", mail("I've moved to Leeds - new postcode LS8 2PQ. Can you switch me "
                               "to the Leeds hub?"), {"intent": "move", "postcode": "LS8 2PQ"}),
    ("move old in brackets", mail("Change of address: 14 Elm Road, Sheffield S10 2HF (was "
                                  "S6 3AB)."), {"intent": "move", "postcode": "S10 2HF"}),
    ("move update my postcode", mail("Please update my postcode to G3 7JT, thanks."),
     {"intent": "move", "postcode": "G3 7JT"}),
    ("move old first", mail("I used to live in M14 6HR but I've now moved to Salford, M5 4WT."),
     {"intent": "move", "postcode": "M5 4WT"}),
    # --- status -----------------------------------------------------------------------
    ("status on list", mail("Can you tell me if I'm on your membership list?"),
     {"intent": "status"}),
    ("status what do you hold", mail("What information do you hold about me?"),
     {"intent": "status"}),
    ("status did it go through", mail("Did my confirmation go through? I replied last week."),
     {"intent": "status"}),
    ("status which hub", mail("Which hub am I in?"), {"intent": "status"}),
    # --- help -------------------------------------------------------------------------
    ("help change hub", mail("How do I change which hub I'm in?"), {"intent": "help"}),
    ("help what happens", mail("What happens after I join? Are there meetings?"),
     {"intent": "help"}),
    ("help subject only", mail("", subject="Help"), {"intent": "help"}),
    # --- event / hub_post / bulletin --------------------------------------------------
    ("event free text", mail("Next meeting: Tuesday 14 October, 7.30pm, Trinity Centre, "
                             "Trinity Road, Bristol BS2 0NW. All welcome.", to=HUB,
                             subject="October meeting", date="Wed, 01 Oct 2025 10:00:00 +0100"),
     {"intent": "event", "postcode": None,
      "event": {"date": "2025-10-14", "start": "19:30", "venue_postcode": "BS2 0NW"}}),
    ("event labelled lines", mail("Date: 12/11/2025\nTime: 18:30-20:30\nVenue: St Mary's "
                                  "Church Hall, Barton Street, Gloucester GL1 4EU", to=HUB,
                                  subject="AGM", date="Mon, 03 Nov 2025 10:00:00 +0000"),
     {"intent": "event", "event": {"date": "2025-11-12", "start": "18:30", "end": "20:30",
                                   "venue_postcode": "GL1 4EU"}}),
    ("event cancelled", mail("Sorry all, tonight's meeting at the Hub Cafe is cancelled - the "
                             "speaker is ill. We'll rearrange.", to=HUB,
                             subject="Meeting cancelled"),
     {"intent": "event", "event": {"status": "cancelled"}}),
    ("hub_post poll", mail("Which date works best for the AGM: Tue 4th or Thu 6th November? "
                           "Both 7pm.", to=HUB, subject="AGM date"), {"intent": "hub_post"}),
    ("hub_post minutes", mail("Minutes of the meeting held on 2 October are attached.\n\nSue",
                              to=HUB, subject="Minutes", date="Mon, 06 Oct 2025 10:00:00 +0100"),
     {"intent": "hub_post"}),
    ("hub_post thanks", mail("Great turnout on Saturday, thanks everyone!", to=HUB),
     {"intent": "hub_post"}),
    ("hub_post reply to digest", mail("I can help with leafleting next week.", to=HUB,
                                      subject="Re: [Leeds North] Digest, 3 March 2025",
                                      reply_to_ours=900), {"intent": "hub_post"}),
    ("bulletin", mail("Friends,\n\nThis month the steering group met in Leeds...\n\nRuth",
                      to=BULLETIN, subject="Bulletin: March"), {"intent": "bulletin"}),
    # --- org_join ---------------------------------------------------------------------
    ("org_join branch", mail("Unite Community Bristol branch would like to affiliate. Our "
                             "members voted to commit to the principles. Base: 1 Union Street, "
                             "Bristol BS1 2DH.", sender="Unite Bristol <unite.bristol@gmail.com>"),
     {"intent": "org_join", "commitment": True, "postcode": "BS1 2DH"}),
    ("org_join tenants", mail("We are Moss Side Tenants Association and we'd like to join as "
                              "an organisation. Our address: Community Rooms, 3 Ducie Street, "
                              "M16 7HU.", sender="mstenants@gmail.com"),
     {"intent": "org_join", "postcode": "M16 7HU"}),
    # --- more phrasings -----------------------------------------------------------------
    ("join motorway is no postcode", mail("Hello there,\n\nI'd like to join please. I'm on the "
                                          "M60 most days but home is Stockport SK4 2DT.\n\n"
                                          "Cheers,\nGraham"),
     {"intent": "join", "postcode": "SK4 2DT"}),
    ("join order reference is no postcode, title dropped", mail(
        "Please could you add me to the network? My order ref AB12 3CD is not a postcode! Home "
        "postcode is BB1 7HU.\n\nWarm regards\nDr Fatima Hussain",
        sender="F Hussain <fhussain@example.net>"),
     {"intent": "join", "postcode": "BB1 7HU", "name": "Fatima Hussain"}),
    ("join formal interest", mail("I am writing to express my interest in becoming a member of "
                                  "your network. I live in Edinburgh, EH6 5NP.\n\nYours "
                                  "faithfully,\n\nMargaret Wilson",
                                  sender="M Wilson <mwilson@btinternet.com>"),
     {"intent": "join", "postcode": "EH6 5NP", "name": "Margaret Wilson"}),
    ("join question", mail("Can I join? I'm 16, is that OK? I live in Luton LU2 8DA.\n\nAisha"),
     {"intent": "join", "postcode": "LU2 8DA"}),
    ("join partner's details", mail("Could you sign up my partner too? Her email is "
                                    "beth.c@gmail.com and she lives with me at NE4 5QS.\n\nTom",
                                    sender="Tom Carr <tomcarr@gmail.com>"),
     {"intent": "join", "email": "beth.c@gmail.com", "postcode": "NE4 5QS"}),
    ("join asks for another address", mail(
        "I'd like to join. Please use my personal email, sam.p.home@outlook.com, from now on "
        "rather than this work one. Postcode M19 2AB.",
        sender="Sam Patel <s.patel@bigcorp.example.com>"),
     {"intent": "join", "email": "sam.p.home@outlook.com", "name": "Sam Patel"}),
    ("join signup form", mail("Hi, I filled in the form at the rally. Name: Joseph Mensah. "
                              "Postcode: SE18 6HX. Email: joe.mensah@gmail.com",
                              sender="joe.mensah@gmail.com", subject="Form"),
     {"intent": "join", "name": "Joseph Mensah", "postcode": "SE18 6HX"}),
    ("join_commit text-speak", mail("Ive read ur principles n i agree wiv em all. sign me up. "
                                    "m8 5ab", sender="Dean <deano88@gmail.com>"),
     {"intent": "join_commit", "commitment": True, "postcode": "M8 5AB"}),
    ("org_join trades council", mail(
        "We run the Walsall Trades Union Council and our delegates voted last night to affiliate "
        "to For the Many. We accept the twelve principles. Secretary: Bill Jones, WS1 1TP",
        sender="Walsall TUC <walsalltuc@gmail.com>"),
     {"intent": "org_join", "commitment": True, "postcode": "WS1 1TP"}),
    ("review join with doubts", mail("I support most of your principles but I'm not sure about "
                                     "the foreign policy one. Can I still join? OL6 7EZ"),
     {"intent": "review", "commitment": False}),
    ("review declines confirmation", confirm_reply("No thanks, changed my mind."),
     {"intent": "review", "commitment": False}),
    ("review question instead of confirming", confirm_reply("What does principle 12 mean?"),
     {"intent": "review"}),
    ("review digest only", mail("Please unsubscribe me from the Birmingham hub digest but keep "
                                "me as a member."), {"intent": "review"}),
    ("review press story", mail("Hi, I'm Joe from the Daily Mirror. We're running a story on "
                                "grassroots groups and wondered if someone could comment?"),
     {"intent": "review"}),
    ("erase with a threat", mail("Remove me from your database immediately under GDPR or I will "
                                 "report you to the ICO."), {"intent": "erase"}),
    ("erase beats leave", mail("Please cancel my membership and delete my data."),
     {"intent": "erase"}),
    ("move from old to new", mail("Hi, just to let you know I've moved from Leeds to Bradford "
                                  "(BD7 1DP). Can you update my hub?\n\nCheers\nAli"),
     {"intent": "move", "postcode": "BD7 1DP"}),
    ("move leaves one hub for another", mail("I'd like to leave the Bristol hub and join the "
                                             "Bath one instead, I've moved to BA1 5LR."),
     {"intent": "move", "postcode": "BA1 5LR"}),
    ("status never welcomed", mail("I'm already a member but never got a welcome email from my "
                                   "hub. Can you check?"), {"intent": "status"}),
    ("status text-speak", mail("can u tell me wat hub im in"), {"intent": "status"}),
    ("help what do you stand for", mail("What do you actually stand for? Are you a political "
                                        "party?"), {"intent": "help"}),
    ("help know more first", mail("I'm interested but I'd like to know more first. Who runs "
                                  "this?"), {"intent": "help"}),
    ("commit with new postcode in the reply", confirm_reply(
        "I agree with them all, and please note my new postcode is NG7 1FQ.\n\nThanks\nHelen"),
     {"intent": "commit", "postcode": "NG7 1FQ", "commitment": True}),
    ("event this Thursday", mail("Hi all, our next hub meeting is this Thursday at 7pm at the "
                                 "Cube Cinema, Dove Street South, BS2 8JD.\n\nKate", to=HUB,
                                 subject="Meeting Thursday",
                                 date="Mon, 06 Oct 2025 09:00:00 +0100"),
     {"intent": "event", "event": {"date": "2025-10-09", "start": "19:00",
                                   "venue_postcode": "BS2 8JD"}}),
    ("event stall with a time range", mail("Reminder: stall on Broadmead this Saturday "
                                           "11am-2pm, meet by the fountain.", to=HUB,
                                           subject="Saturday stall",
                                           date="Tue, 07 Oct 2025 09:00:00 +0100"),
     {"intent": "event", "event": {"date": "2025-10-11", "start": "11:00", "end": "14:00"}}),
    ("hub_post gazebo", mail("Has anyone got a spare gazebo for Saturday's stall?", to=HUB),
     {"intent": "hub_post"}),
    ("hub_post petition", mail("Petition against the library closures - please sign and share: "
                               "https://petition.example/lib", to=HUB, subject="Petition"),
     {"intent": "hub_post"}),
    ("status confirm registration", mail("Could you confirm I'm registered? I signed up last "
                                         "month."), {"intent": "status"}),
    ("help next meeting", mail("When is the next meeting in Leeds?"), {"intent": "help"}),
    ("leave resign", mail("I'd like to resign my membership."), {"intent": "leave"}),
    ("leave stop sending", mail("Please don't send me any more emails."), {"intent": "leave"}),
    ("leave count me out", mail("Count me out."), {"intent": "leave"}),
    ("erase data deleted", mail("I want my data deleted."), {"intent": "erase"}),
    ("move postcode changed", mail("My postcode has changed to LS9 8AB."),
     {"intent": "move", "postcode": "LS9 8AB"}),
    ("event sent to the main address", mail(
        "Public meeting on housing: Thursday 20 March 2025, 7pm, Friends Meeting House, 6 Mount "
        "Street, Manchester M2 5NS. All welcome.", subject="Public meeting",
        date="Mon, 10 Mar 2025 10:00:00 +0000"),
     {"intent": "event", "postcode": None, "event": {"date": "2025-03-20", "start": "19:00"}}),
    ("join after a past meeting", mail(
        "Hi, I came to your public meeting on Thursday 6 March at 7pm at the Friends Meeting "
        "House, M2 5NS - sign me up! I live in M14 6HR.", date="Mon, 10 Mar 2025 10:00:00 +0000"),
     {"intent": "join", "postcode": "M14 6HR"}),
    ("review test message", mail("Test", subject="test"), {"intent": "review"}),
    ("review empty message", mail("", subject=""), {"intent": "review"}),
    ("commit thanks", confirm_reply("Thanks!"), {"intent": "commit", "commitment": True}),
    ("join mailing list", mail("Please add my email address to your mailing list. Thanks, Gill",
                               sender="gill@example.net"), {"intent": "join", "name": "Gill"}),
    ("join rejoining", mail("Rejoining - I left last year but want to come back. N7 6QP"),
     {"intent": "join", "postcode": "N7 6QP"}),
    ("review digest mode", mail("I'm a member of the Leeds hub. Please could you change me to "
                                "digest mode?"), {"intent": "review"}),
    ("join through a web form with Reply-To", mail(
        "Name: Jane Doe\nPostcode: LS6 1AA\nMessage: I would like to join",
        sender="Jane Doe via Forms <forms-noreply@google.com>", subject="New response",
        headers={"Reply-To": "jane.doe@gmail.com"}),
     {"intent": "join", "email": "jane.doe@gmail.com", "name": "Jane Doe", "postcode": "LS6 1AA"}),
    ("join through the website form", mail(
        "New signup\nName: Jo Lee\nEmail: jo.lee@example.org\nPostcode: M1 1AE\nI want to join",
        sender="Website <noreply@ftm.example>"),
     {"intent": "join", "email": "jo.lee@example.org", "name": "Jo Lee", "postcode": "M1 1AE"}),
    ("join lower-case sign-off", mail("sign me up, NG1 5FS\n\ncheers\ndave",
                                      sender="dave1999@gmail.com"),
     {"intent": "join", "name": "Dave", "postcode": "NG1 5FS"}),
    ("org_join written by a person for it", mail(
        "On behalf of Moss Side Tenants Association, we would like to affiliate to For the "
        "Many.\n\nJane Smith\nSecretary", sender="Jane Smith <jane@example.org>"),
     {"intent": "org_join", "name": "Moss Side Tenants Association"}),
    ("join from a shared account", mail("Hi, I'd like to join. We're in Sheffield, S8 0XQ.\n\n"
                                        "Karen", sender="John and Karen Smith <smiths@x.example>"),
     {"intent": "join", "name": "Karen Smith", "postcode": "S8 0XQ"}),
    ("hub_post asks for volunteers", mail("Can anyone do a shift on the stall Saturday 10am-12?",
                                          to=HUB), {"intent": "hub_post"}),
    ("event tonight", mail("Reminder: meeting tonight 7pm, usual place.", to=HUB),
     {"intent": "event", "event": {"date": "2025-03-03", "start": "19:00"}}),
    ("hub_post apologies, not an auto-reply", mail(
        "I'll be away until Monday so can't make Thursday's meeting - apologies. Jo", to=HUB,
        subject="Apologies"), {"intent": "hub_post"}),
    ("join while out of the office", mail("I'm out of the office today but wanted to sign up "
                                          "before I forget. LS6 1AA"),
     {"intent": "join", "postcode": "LS6 1AA"}),
    ("join been meaning to", mail("I've been meaning to join for ages! N4 2DA"),
     {"intent": "join", "postcode": "N4 2DA"}),
    ("join where do I sign", mail("Hi there\n\nJust heard about you on Twitter. Where do I "
                                  "sign? I'm in Bristol BS3 4AB.\n\nThanks\nNat"),
     {"intent": "join", "postcode": "BS3 4AB"}),
    ("join inline sign-off with an address", mail(
        "Hello, can you put me down as a member? Thanks. Reg Smith, 4 Station Road, Crewe "
        "CW1 2DB", sender="reg.smith42@aol.com"),
     {"intent": "join", "name": "Reg Smith", "postcode": "CW1 2DB"}),
    ("join signed form attached", mail("Please find attached my signed membership form.\n\n"
                                       "Sally", subject="Membership form"), {"intent": "join"}),
    ("join where to send details", mail("Where do I send my details to join?"),
     {"intent": "join"}),
    ("hub_post mentioning the principles commits nobody", mail(
        "As members we are all committed to the principles, so come to the stall on Saturday!",
        to=HUB), {"intent": "hub_post", "commitment": False}),
]


@pytest.mark.parametrize("name, raw, want", CASES, ids=[c[0] for c in CASES])
def test_case(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # the scenario is in the case's name; each expected field must match
    got = classify(raw, CTX)
    for key, value in want.items():
        if key == "event":
            assert got.event is not None, got.reasons
            for k, v in value.items():
                assert getattr(got.event, k) == v, (k, got.event)
        else:
            assert getattr(got, key) == value, (key, getattr(got, key), got.reasons)


DSN_GMAIL = multipart([
    ("text/plain; charset=UTF-8", "7bit",
     b"** Address not found **\n\nYour message wasn't delivered to kim.lee@example.org because "
     b"the address couldn't be found, or is unable to receive mail.\n"),
    ("message/delivery-status", "7bit",
     b"Reporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; kim.lee@example.org\n"
     b"Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550-5.1.1 The email account that "
     b"you tried to reach does not exist.\n"),
    ("message/rfc822", "7bit",
     b"From: For the Many <forthemany.network@gmail.com>\nTo: kim.lee@example.org\n"
     b"Subject: Welcome\nMessage-ID: " + ours(31337).encode() + b"\n\nHello Kim\n"),
], subject="Delivery Status Notification (Failure)", kind="report; report-type=delivery-status",
    sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>")
NDR_EXCHANGE = mail(
    "Delivery has failed to these recipients or groups:\n\nmo.farah@contoso-housing.org.uk\n"
    "The email address you entered couldn't be found.\n\nDiagnostic information for "
    "administrators:\n\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
    "Recipient not found by SMTP address lookup'\n", subject="Undeliverable: Hub digest",
    sender="postmaster@outlook.com")
MAILBOX_FULL = mail(
    "This is the mail system at host mx.example.net.\n\n<pat.jones@fastmail.co.uk>: host "
    "mx.fastmail.co.uk said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)\n\n"
    "Your message will be retried for 5 days.", subject="Delivery delayed: Welcome",
    sender="MAILER-DAEMON@mx.example.net", headers={"Auto-Submitted": "auto-replied"})

MACHINE_CASES: list[tuple[str, bytes, dict[str, Any]]] = [
    # --- auto_reply -------------------------------------------------------------------
    ("auto spanish with header", mail("Estoy fuera de la oficina hasta el 5 de mayo.\n\nLucía",
                                      subject="Respuesta automática: Bulletin",
                                      headers={"Auto-Submitted": "auto-replied"},
                                      sender="Lucía Gómez <lucia.gomez@correo.es>"),
     {"intent": "auto_reply", "auto_submitted": True, "postcode": None}),
    ("auto german no header", mail("Ich bin bis zum 12.08. nicht im Büro und habe keinen "
                                   "Zugriff auf meine E-Mails.", subject="Abwesenheitsnotiz: "
                                   "Welcome to the Leeds hub", to=HUB, reply_to_ours=3),
     {"intent": "auto_reply", "auto_submitted": False}),
    ("auto english no header", mail("Thank you for your email. I am currently out of the "
                                    "office with no access to email until 3 March. If it is "
                                    "urgent please call Sarah on 0113 496 0000.",
                                    subject="Re: Please confirm: your For the Many membership",
                                    to="forthemany.network+confirm-Qq11Ww22@gmail.com",
                                    reply_to_ours=12), {"intent": "auto_reply"}),
    ("auto unmonitored mailbox", mail("This mailbox is no longer monitored. Please contact "
                                      "enquiries@example.org instead.", subject="Re: Welcome",
                                      reply_to_ours=5), {"intent": "auto_reply"}),
    ("auto ticket acknowledgement", mail(
        "Thank you for contacting Leeds City Council. Your reference number is CRM-123456. We "
        "aim to respond within 10 working days.", subject="We have received your enquiry",
        sender="Leeds City Council <noreply@leeds.example.gov.uk>"), {"intent": "auto_reply"}),
    ("auto dutch", mail("Ik ben afwezig tot en met 20 juli. Uw e-mail wordt niet doorgestuurd.",
                        subject="Automatisch antwoord: Digest"), {"intent": "auto_reply"}),
    ("auto x-autoreply header", mail("I'll get back to you soon.", subject="Re: Welcome",
                                     headers={"X-Autoreply": "yes"}), {"intent": "auto_reply"}),
    ("auto precedence auto_reply", mail("Away.", headers={"Precedence": "auto_reply"}),
     {"intent": "auto_reply"}),
    ("auto reply to a join sent by a person away", mail(
        "Hi, I'm on holiday until the 20th with patchy wifi. I'll reply when I'm back.\n\nTom",
        subject="Re: Welcome to the Leeds North hub", to=HUB, reply_to_ours=8),
     {"intent": "auto_reply"}),
    ("auto from our own address", mail("copy", sender="Us <forthemany.network@gmail.com>"),
     {"intent": "auto_reply"}),
    # --- bounce -----------------------------------------------------------------------
    ("bounce gmail dsn", DSN_GMAIL, {"intent": "bounce", "email": "kim.lee@example.org",
                                     "reply_to_ours": 31337, "name": None}),
    ("bounce exchange ndr", NDR_EXCHANGE, {"intent": "bounce",
                                           "email": "mo.farah@contoso-housing.org.uk"}),
    ("bounce mailbox full is soft", MAILBOX_FULL, {"intent": "bounce",
                                                   "email": "pat.jones@fastmail.co.uk"}),
    ("bounce from the recipient's own domain", mail(
        "Delivery has failed to these recipients or groups:\n\nmo.farah@contoso.org.uk\nThe "
        "email address you entered could not be found.", subject="Undeliverable: Welcome",
        sender="postmaster@contoso.org.uk"),
     {"intent": "bounce", "email": "mo.farah@contoso.org.uk"}),
    # --- spam -------------------------------------------------------------------------
    ("spam seo", mail("Hi,\n\nI came across your website and noticed it isn't ranking on "
                      "Google. Our SEO services can get you to page one. Reply for a free "
                      "audit!\n\nMark", subject="Quick question about your website",
                      sender="Mark <mark@rankboost.example.com>"), {"intent": "spam"}),
    ("spam crypto", mail("Dear friend, double your bitcoin in 7 days with our trading "
                         "platform. Click here: http://x.example/btc", subject="Investment"),
     {"intent": "spam"}),
    ("spam other org mass mail", mail(
        "Join us on Saturday for our national day of action! Book your place now.\n\nTo "
        "unsubscribe from these emails click here.", subject="Day of action this Saturday!",
        sender="Campaign HQ <news@othercampaign.example.org>",
        headers={"List-Unsubscribe": "<mailto:unsub@othercampaign.example.org>",
                 "Precedence": "bulk"}), {"intent": "spam"}),
    ("spam beneficiary", mail("Dear Beneficiary, you have been selected to receive an "
                              "inheritance of $4.5M. Send your details to claim your funds.",
                              subject="URGENT"), {"intent": "spam"}),
    ("spam tax refund phishing", mail("HMRC: You are eligible for a tax refund of £264.50. "
                                      "Verify your details at http://hmrc-refund.example.com",
                                      sender="HMRC <refunds@hmrc-gov.example.com>",
                                      subject="Tax refund"), {"intent": "spam"}),
    ("spam to a hub address", mail("Cheap replica watches! Click here http://w.example",
                                   to=HUB, subject="Best prices",
                                   headers={"List-Unsubscribe": "<http://w.example/u>"}),
     {"intent": "spam"}),
    ("spam advance fee", mail("Hello, I am Dr Ahmed. I have a business proposal worth $12 "
                              "million for you. Please reply with your bank details.",
                              subject="Business proposal"), {"intent": "spam"}),
    ("spam conference sales", mail("Join 5,000 activists at our conference! Early bird tickets "
                                   "now on sale. Use code EARLY20 for 20% off.",
                                   sender="Assembly <events@pa.example.org>",
                                   subject="Conference tickets"), {"intent": "spam"}),
    ("spam account suspended", mail("Your account has been suspended. Login here to restore "
                                    "access: http://gma1l-secure.example",
                                    sender="Google <security@gma1l-secure.example>",
                                    subject="Security alert"), {"intent": "spam"}),
    ("auto maternity leave", mail("Thank you for your message. I'm currently on maternity leave "
                                  "and will not be responding to emails. For anything urgent "
                                  "contact team@example.org", to=HUB, reply_to_ours=9,
                                  subject="Re: Welcome to the Bristol hub"),
     {"intent": "auto_reply"}),
]


@pytest.mark.parametrize("name, raw, want", MACHINE_CASES, ids=[c[0] for c in MACHINE_CASES])
def test_machine_case(name: str, raw: bytes, want: dict[str, Any]) -> None:
    # machine mail by header, by content and by shape: never an acting intent
    got = classify(raw, CTX)
    assert got.is_machine, (got.intent, got.reasons)
    for key, value in want.items():
        assert getattr(got, key) == value, (key, getattr(got, key), got.reasons)
    if got.bounce is not None and name == "bounce mailbox full is soft":
        assert got.bounce.kind == "soft" and got.bounce.status == "4.2.2"


NEVER_ACTED_ON: list[tuple[str, bytes]] = [
    ("newsletter without list headers", mail(
        "The Housing Weekly\n\nThis week: rents, repairs and the new housing bill. Read more on "
        "our website.\n\nYou are receiving this because you signed up at housingweekly.example."
        "\nUnsubscribe: https://housingweekly.example/u", subject="This week in housing",
        sender="Housing Weekly <news@housingweekly.example>")),
    ("other campaign's call to march", mail(
        "Join the march this Saturday! Assemble 11am at Victoria Square. Bring banners. "
        "Forward this to your members.\n\nClick here to unsubscribe.",
        subject="March for the NHS", sender="NHS Campaign <info@nhscampaign.example.org>")),
    ("finnish auto-reply to a hub digest", mail(
        "Olen lomalla 15.7. asti. Vastaan viesteihin palattuani.",
        subject="Automaattinen vastaus: [Leeds North] Digest", to=HUB, reply_to_ours=77)),
    ("turkish auto-reply", mail("Ofis dışındayım.", subject="Otomatik yanıt: Welcome",
                                to=HUB, reply_to_ours=78)),
    ("qmail-style notice quoting our confirmation", mail(
        "Hi. This is the mail program at mail.example.net.\nI could not deliver your message "
        "to <ann@example.net>. This is a permanent error.\n\n--- Below this line is a copy of "
        "the message.\n\nFrom: For the Many <forthemany.network@gmail.com>\nSubject: Please "
        "confirm\n\nTo confirm that you commit to the twelve principles, simply reply. If you "
        "want to join, sign me up.", subject="failure notice",
        sender="MAILER-DAEMON@mail.example.net")),
    ("bounce with an odd subject", mail(
        "Your message to jo@example.com could not be delivered: mailbox unavailable.",
        subject="Mail System Error - Returned Mail", sender="postmaster@example.com")),
]


@pytest.mark.parametrize("name, raw", NEVER_ACTED_ON, ids=[c[0] for c in NEVER_ACTED_ON])
def test_never_acted_on(name: str, raw: bytes) -> None:
    # machine mail that is hard to recognise: never an intent that answers or acts
    from inbox.result import ACTING

    got = classify(raw, CTX)
    assert got.intent not in ACTING, (got.intent, got.reasons)

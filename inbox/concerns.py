"""Reasons a person, not ftm, must look at a message, whatever else it seems to ask.

Patterns run on *flattened* own text (``inbox.rules.flatten``): requests about someone
else, press enquiries, casework, officer roles, hostility, a commitment from another
address. ``inbox.intent`` checks them before it acts on what a message seems to ask.
"""

from __future__ import annotations

import re

from inbox.rules import Finder

_RELATION = (r"(?:wife|husband|partner|mum|mother|mom|dad|father|son|daughter|brother|sister"
             r"|friend|neighbour|neighbor|colleague|flatmate|mate|gran|grandma|grandmother"
             r"|grandfather|grandad|grandson|granddaughter|aunt|uncle|cousin|boyfriend|girlfriend"
             r"|fianc[ée]e?|child|children|kids|relative|client|carer|tenant|husband's|wife's"
             r"|ex|ex-wife|ex-husband|ex-partner|ex-girlfriend|ex-boyfriend|housemate|roommate"
             r"|lodger|stepson|stepdaughter|stepmum|stepmother|stepdad|stepfather|nephew|niece"
             r"|parents?|in-laws?|mother-in-law|father-in-law|other half|better half|nan|nana)")
# Someone asks on another person's behalf ("unsubscribe my wife", "my mum wants to join").
THIRD_PARTY = Finder(
    r"\b(?:unsubscribe|remove|delete|erase|take off|sign up|signup|add|register|enrol|join"
    r"|cancel)\b[^.!?()]{0,12}\bmy " + _RELATION + r"\b"
    r"|\b(?:sign|put|get) my " + _RELATION + r"\b (?:\w+ )?(?:up|down|on)\b"
    r"|\b(?:add|register|enrol|enroll|subscribe) my " + _RELATION + r"\b"
    # the relative is the one who wants it, not the writer ("my mate sent me this and I want
    # to join" is the writer's own wish)
    r"|\bmy " + _RELATION + r"\b(?:(?!\b(?:i|we|i'?m|i'?d|i'?ve|me)\b)[^.!?()]){0,25}"
    r"\b(?:wants?|would like|wishes|is keen|asked me)"
    r" to (?:join|sign up|be (?:added|removed|a member)|unsubscribe|leave|be taken off)\b"
    r"|\b(?:take|get|strike|drop|cross) my " + _RELATION + r"\b (?:\w+ )?(?:off|out)\b"
    r"|\b(?:sign|put|take|get) (?:him|her) (?:up|on|off|onto)\b|\b(?:unsubscribe|remove|delete"
    r"|erase|register|enrol|enroll) (?:him|her)\b")
# A clause whose subject is another person ("she's keen to get involved"): not the writer's wish.
_THIRD_PERSON = re.compile(r"\b(?:she|he)\b[^.!?;]*")


def without_third_person(text: str) -> str:
    """*text* without the clauses that speak of "she" or "he"."""
    return _THIRD_PERSON.sub(" ", text) if "he" in text else text


THIRD_PARTY_JOIN = re.compile(r"\b(?:sign(?:ing)?|signup|add|register|enrol|enroll|subscribe"
                              r"|join|put|be (?:added|a member))\b")
# A reply to our confirmation mail written for someone else ("my wife got this; she says yes").
ON_BEHALF = Finder(
    r"\b(?:she|he) (?:says|said|agrees|agreed|commits|accepts|confirms|is happy|is keen|wants"
    r"|would like|asked me|has asked me)\b|\bon (?:her|his|their) behalf\b|\bfor my "
    + _RELATION + r"\b|\bmy " + _RELATION + r"\b[^.!?]{0,40}\b(?:got|received|had|asked"
    r"|wants|says)\b")
# Joining as a person although the writer holds an office ("not on behalf of the branch").
PERSONAL = Finder(
    r"\b(?:in a personal capacity|as an individual|in my own right|on my own behalf|for myself,?"
    r" not|join (?:myself|personally|as myself|as a person)|personally,? (?:not|rather than)"
    r" not|personally,? not|not (?:as|on behalf of|representing|for) (?:the|my|our|a|an)"
    r" (?:\w+ )?(?:group|branch|union|council|councillor|party|organisation|organization"
    r"|campaign|committee|society|association|employer|company|charity))\b")
# Words that make a display name an organisation's ("Kirklees Trades Union Council").
_BODY_WORDS = frozenset({
    "union", "branch", "council", "society", "association", "campaign", "collective", "co-op",
    "coop", "cooperative", "co-operative", "committee", "club", "federation", "forum",
    "alliance", "coalition", "tenants", "tenants'", "residents", "residents'", "charity", "cic",
    "trust", "foundation", "group", "network", "project", "church", "mosque", "synagogue",
    "gurdwara", "temple", "party", "foodbank", "centre", "center", "assembly", "movement",
    "trustees", "tra", "tara", "tuc", "clp"})
# "We'd like to join", "we are keen to sign up": the writer speaks as a body.
WE = Finder(r"\b(?:we|we'd|we'?re|our (?:group|members|branch|organisation|organization"
                r"|committee|campaign|association|society|union))\b")


def org_sender(display: str) -> bool:
    """The From display name is an organisation's, not a person's."""
    words = re.sub(r"\([^)]*\)|\bvia\b.*$", " ", display.lower()).split()
    if words[:2] == ["friends", "of"] and len(words) > 2:  # "Friends of Dewsbury Library"
        return True
    return any(w.strip(".,'\"") in _BODY_WORDS for w in words)


PRESS = Finder(
    r"\b(?:journalist|reporter|press (?:enquiry|inquiry|office|release)|media (?:enquiry"
    r"|inquiry)|(?:i|we) (?:work|write|am writing|'m writing|are writing) (?:for|at|on)"
    r" (?:the |a )?[\w' -]{0,30}(?:newspaper|paper|magazine|radio|tv|channel|podcast|news"
    r"|gazette|times|post|echo|mail|herald)|for (?:an|a|our) (?:article|story|feature|piece"
    r"|documentary|programme|podcast)|writing (?:an|a) (?:article|story|feature|piece)|my deadline"
    r"|producer at|researcher at|interview (?:someone|you|a member)|on the record|running a"
    r" (?:story|piece|feature)|story (?:on|about)|for comment"
    r"|(?:give|provide) (?:a|us a) comment)\b")
CASEWORK = Finder(
    r"\b(?:evict\w*|my landlord|landlord|universal credit|benefits? (?:claim|sanction|appeal"
    r"|stopped)|pip assessment|tribunal|bailiffs?|homeless\w*|disrepair|legal advice"
    r"|solicitor|deportation|asylum claim|my employer|sacked|dismissed|grievance"
    r"|my case\b|court date)\b")
ROLES = Finder(
    r"\b(?:steering group|steering committee|national (?:committee|body|executive|officer"
    r"|role|council|rep|representative|level|coordinator|co-ordinator))\b")
OFFER = Finder(
    r"\b(?:happy|willing|keen|glad|like|love|able|prepared|volunteer|volunteering|offer"
    r"|offering|want|wish|intend|plan|hoping) to (?:be|become|serve as|act as|take on|stand as"
    r"|stand for|put myself forward)\b[^.!?]{0,40}\b(?:treasurer|chair|chairperson|secretary"
    r"|officer|co-?ordinator|rep|representative|fundraiser|convenor|delegate|role|post)\b")
HOSTILE = Finder(
    r"\b(?:fuck\w*|shit\w*|bastards?|scum|traitors?|commies|wankers?|idiots|morons?"
    r"|disgrace(?:ful)?|pathetic|vile|cult|lunatics?)\b")
ANOTHER_ADDRESS = Finder(
    r"\b(?:signed up|registered|joined|subscribed|used|gave you|you have)\b[^.!?]{0,40}"
    r"\b(?:with|using|under|as)\b[^.!?]{0,30}\b(?:address|email|e-mail)\b")

_KINDS = (r"(?:national|steering group|steering|hub|local|weekly|daily|monthly|event|regional"
          r"|fundraising)")
_MAIL = r"(?:bulletins?|newsletters?|e-?mails|mails?|updates|digests?|news|stuff|messages)"
# Dropping one kind of our mail ("don't want the national bulletins", "just the local stuff"):
# a change of what they receive, which a person makes, whatever else the message asks.
SOME_MAIL = Finder(
    r"\b(?:don'?t|do not|no longer|never) (?:want|need|wish)(?: to (?:get|receive|have))?"
    r" (?:the |any |these |those |your |all the )?" + _KINDS + r"\b[^.!?]{0,20}\b" + _MAIL
    + r"|\bstop (?:sending (?:me |us )?)?(?:the |your |those |these |all the )?" + _KINDS
    + r"\b[^.!?]{0,15}\b" + _MAIL + r"|\b(?:only|just) (?:the |get the |want the )?(?:local"
    r"|hub|national|event)\b[^.!?]{0,10}\b(?:" + _MAIL[3:-1] + r"|things|ones)\b"
    r"|\b(?:local|hub) (?:stuff|e-?mails|mail|news|updates) (?:is|are) fine\b")

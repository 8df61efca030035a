"""Templates: hub -> site -> built-in lookup, the subject line, strict variables, every built-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer.render import Renderer, TemplateError, variables

NET = {"name": "For the Many", "address": "n@example.org", "help_contact": "h@example.org",
       "base_url": ""}


def vars_for(**context: object) -> dict[str, object]:
    return variables(network=NET, kind="notice", recipient_addr="a@example.org",
                     recipient_name="Ann", unsub_mailto="", unsub_url="", context=context,
                     hub={"slug": "leeds", "name": "Leeds"})


def test_lookup_order_hub_then_site_then_builtin(tmp_path: Path) -> None:
    # a hub's file beats the site's, which beats the built-in; other hubs get the site's
    (tmp_path / "hubs" / "leeds" / "member").mkdir(parents=True)
    (tmp_path / "member").mkdir()
    (tmp_path / "member" / "welcome.txt").write_text("Subject: site\n\nsite body\n")
    (tmp_path / "hubs" / "leeds" / "member" / "welcome.txt").write_text(
        "Subject: hub {{ hub.name }}\n\nhub body\n")
    r = Renderer(tmp_path)
    assert r.render("member/welcome", vars_for(), "leeds").subject == "hub Leeds"
    assert r.render("member/welcome", vars_for(), "york").subject == "site"
    assert Renderer().render("member/welcome", vars_for(), "leeds").subject == "Welcome to Leeds"
    assert r.folders("leeds")[0] == tmp_path / "hubs" / "leeds"


def test_layout_adds_the_footer_to_both_parts() -> None:
    # network name, why, unsubscribe and a person to write to, in text and HTML
    v = variables(network=NET, kind="list", recipient_addr="a@example.org", recipient_name=None,
                  unsub_mailto="n+unsub-T@example.org", unsub_url="https://x.org/u?token=T",
                  context={"subject": "S", "body": "B"}, hub={"slug": "leeds", "name": "Leeds"})
    out = Renderer().render("hub/notice", v, "leeds")
    for part in (out.text, out.html or ""):
        for needle in ("For the Many", "You get this as a member of Leeds.",
                       "n+unsub-T@example.org", "https://x.org/u?token=T", "h@example.org"):
            assert needle in part


@pytest.mark.parametrize("source, message", [
    ("no subject line\n\nbody\n", "first line must be 'Subject: ...'"),
    ("Subject: {{ nope }}\n\nbody\n", "'nope' is undefined"),
    ("Subject: ok\n\n{% if %}\n", "line 3"),
])
def test_broken_templates_say_what_is_wrong(tmp_path: Path, source: str, message: str) -> None:
    # a missing subject line, an undefined variable, a syntax error: one clear TemplateError
    (tmp_path / "member").mkdir()
    (tmp_path / "member" / "broken.txt").write_text(source)
    with pytest.raises(TemplateError, match=message):
        Renderer(tmp_path).render("member/broken", vars_for())


def test_template_names_cannot_escape_the_folders() -> None:
    # ../ and absolute names are refused before any file is read
    for bad in ("../etc/passwd", "/etc/passwd", "member/Welcome", "member/welcome.txt"):
        with pytest.raises(TemplateError):
            Renderer().render(bad, vars_for())


EVENT = {"id": 1, "title": "Hub meeting", "date": "2027-03-04", "when": "Thursday 4 March 2027",
         "start": "19:00", "end": "21:00", "venue": "Library, L1 1AA", "details": "Agenda",
         "venue_postcode": "L1 1AA"}
APPROVAL = {"approve_address": "n+approve-T@example.org", "reply_to": "n+approve-T@example.org",
            "expires_days": 7}

# the context each built-in template is queued with (templates/README.md documents it)
CONTEXTS: dict[str, dict[str, object]] = {
    "member/confirm-join": {"principles": ["One", "Two"], "postcode": "L8 1AB", "invited": False,
                            "confirm_address": "n+confirm-T@example.org"},
    "member/welcome": {"home_hub": {"contacts": {"membership_secretary": "m@example.org"}},
                       "events": [{"when": "Sat 5 Dec 14:00", "title": "Meeting",
                                   "venue": "Hall"}]},
    "member/ask-postcode": {"name": "Ann", "moving": False},
    "member/already-member": {"home_hub": {"name": "Leeds"}},
    "member/left": {"name": "Ann"},
    "member/not-a-member": {"request": "leave"},
    "member/erase-confirm": {"name": "Ann", "erase_address": "n+erase-T@example.org",
                             "expires_days": 30},
    "member/erased": {},
    "member/moved": {"postcode": "LS6 1AA", "home_hub": {"id": 2, "name": "Leeds"},
                     "old_hub": {"id": 1, "name": "York"}, "route_rule": "district LS6"},
    "member/status": {"email": "a@example.org", "name": "Ann", "postcode": "LS6 1AA",
                      "state": "active", "home_hub": {"name": "Leeds"},
                      "route_rule": "district LS6", "joined_at": "2026-01-01",
                      "confirmed_at": "2026-01-02", "delivery": "each",
                      "consents": [{"version": "sha256:ab", "given_at": "2026-01-02",
                                    "withdrawn_at": None}]},
    "member/help": {},
    "member/reminder": {"principles": ["One", "Two"], "confirm_address": "n+confirm-T@x.org",
                        "invited": False},
    "officer/new-member": {"home_hub": {"name": "Leeds", "slug": "leeds"},
                           "member": {"name": "Ann", "email": "a@example.org",
                                      "postcode": "LS6 1AA", "kind": "person"}},
    "officer/member-relocated": {"member": {"name": "Ann", "email": "a@example.org",
                                            "postcode": "LS6 1AA"},
                                 "old_hub": {"name": "York"}, "home_hub": {"name": "Leeds"},
                                 "rule": "district LS6"},
    "officer/member-disabled": {"member": {"name": "Ann", "email": "a@example.org"},
                                "home_hub": {"name": "Leeds"}, "status": "5.1.1",
                                "diagnostic": "User unknown"},
    "hub/notice": {"subject": "S", "body": "B"},
    "network/bulletin": {"subject": "S", "body": "B"},
    "member/hub-changed": {"name": "Ann", "postcode": "L8 1AB", "old_hub": "A",
                           "new_hub": "B", "new_hub_note": "", "rule": "district L8"},
    "officer/member-moved": {"hub_name": "Leeds", "hub_slug": "leeds", "joined_count": 1,
                             "left_count": 0, "joined": "Ann", "left": ""},
    "officer/members-imported": {"hub_name": "Leeds", "hub_slug": "leeds", "count": 1,
                                 "note": "paper forms", "welcomed": False,
                                 "members": "- Ann <a@example.org>, LS6 1AA"},
    # hub lists (#8)
    **{name: {"event": EVENT, "ics": {}, "subject": "Hub meeting", "body": "Come along."}
       for name in ("hub/event", "hub/event-reminder")},
    "hub/event-cancelled": {"event": EVENT, "ics": {}, "subject": "Hub meeting", "body": "",
                            "note": "The hall is flooded."},
    "officer/event-approved": {"event": EVENT, "hub_name": "Leeds", "recipients": 3,
                               **APPROVAL},
    "officer/event-cancelled": {"event": EVENT, "hub_name": "Leeds", "recipients": 3,
                                "by": "chair@example.org"},
    "officer/event-check": {"event": EVENT, "hub_name": "Leeds", "audience_size": 3,
                            "digest_size": 1, **APPROVAL},
    "officer/event-unclear": {"missing": ["the date"], "event": EVENT, "hub_name": "Leeds"},
    "officer/event-summary": {"event": EVENT, "hub_name": "Leeds", "going": 4, "reminded": 9},
    "hub/post": {"subject": "Leaflets", "body": "Who can help?", "author": "Ann", "post_id": 1},
    "member/post-confirm": {"hub_name": "Leeds", "post": {"subject": "S", "body": "B"},
                            **APPROVAL},
    "officer/post-approval": {"hub_name": "Leeds", "post": {"subject": "S", "body": "B",
                                                            "author": "Bo", "from": "b@x.org"},
                              **APPROVAL},
    "hub/digest": {"subject": "Leeds: 2 item(s)", "body": "", "period": "weekly",
                   "events": [{"kind": "event", **EVENT}],
                   "posts": [{"kind": "post", "id": 1, "title": "T", "body": "B", "author": ""}],
                   "items": []},
    "officer/bulletin-preview": {"subject": "S", "body": "B", "audience": "all active members",
                                 "audience_size": 10, **APPROVAL},
    "officer/bulletin-problem": {"subject": "S", "problem": "no hub with the slug 'x'"},
    "officer/bulletin-progress": {"subject": "S", "total": 10, "delivered": 5, "failed": 1,
                                  "waiting": 4, "quota_deferred": 4, "failures": ["1 x 550"],
                                  "next_attempt": "", "percent": 60, "final": False},
    "officer/approval-unclear": {"what": "bulletin", **APPROVAL},
    "officer/approval-done": {"what": "bulletin", "outcome": "approved", "state": "approved",
                              "recipients": 10},
    "member/delivery-changed": {"mode": "digest", "name": "Ann"},
    "member/going": {"title": "Hub meeting", "cancelled": False},
}


@pytest.mark.parametrize("name", Renderer().names())
def test_every_builtin_template_renders_with_its_documented_variables(name: str) -> None:
    # each built-in renders with its documented context; where it has HTML, both parts agree
    assert name in CONTEXTS, f"{name}: add its context here and to templates/README.md"
    out = Renderer().render(name, vars_for(**CONTEXTS[name]))
    assert out.subject and out.text.strip()
    if out.html is not None:  # the name shows in both parts or in neither
        assert ("Ann" in out.text) == ("Ann" in out.html)
    readme = (Path(__file__).parent.parent / "templates" / "README.md").read_text()
    assert f"`{name}`" in readme, f"{name} is not documented in templates/README.md"

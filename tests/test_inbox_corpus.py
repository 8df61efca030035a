"""The labelled corpus: the scorer's thresholds hold, and no machine mail is ever acted on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inbox.classify import classify
from inbox.context import Context
from inbox.result import ACTING, MACHINE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "inbound"
SCORER = ROOT.parent / "shared" / "tools" / "score-inbound"
needs_corpus = pytest.mark.skipif(not (CORPUS / "labels.jsonl").is_file(),
                                  reason=f"the shared corpus is not beside the repo ({CORPUS})")


def labels() -> list[dict[str, object]]:
    return [json.loads(line) for line in (CORPUS / "labels.jsonl").read_text().splitlines()
            if line.strip()]


@needs_corpus
def test_scorer_passes_the_acceptance_thresholds() -> None:
    # the acceptance figures, measured by the shared scorer through `ftm classify`
    cmd = f"{sys.executable} -m ftm classify --json"
    r = subprocess.run([sys.executable, str(SCORER), str(CORPUS), "--cmd", cmd,
                        "--min-intent", "0.95", "--min-postcode", "0.97",
                        "--min-email", "0.98", "--min-name", "0.95", "--json"],
                       capture_output=True, text=True, timeout=300)
    figures = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 0, figures
    assert figures["loop_risk"] == 0 and figures["missing"] == 0


@needs_corpus
def test_machine_mail_is_never_acted_on() -> None:
    # auto-replies, bounces and spam never read as an intent that replies or acts
    ctx = Context()
    for label in labels():
        if label["intent"] in MACHINE:
            got = classify((CORPUS / str(label["file"])).read_bytes(), ctx)
            assert got.intent not in ACTING, (label["file"], got.intent, got.reasons)


@needs_corpus
def test_event_fields_match_the_labels() -> None:
    # date, start, venue and venue postcode of every labelled event notice
    ctx = Context()
    for label in labels():
        want = label.get("event")
        if not isinstance(want, dict):
            continue
        got = classify((CORPUS / str(label["file"])).read_bytes(), ctx)
        assert got.event is not None, label["file"]
        for key in ("date", "start", "end", "venue_postcode"):
            assert getattr(got.event, key) == want.get(key), (label["file"], key)


@needs_corpus
def test_bounce_kind_and_outbox_id() -> None:
    # every labelled bounce: the failed recipient, hard or soft, and our mail it returns
    ctx = Context()
    for label in labels():
        if label["intent"] != "bounce":
            continue
        got = classify((CORPUS / str(label["file"])).read_bytes(), ctx)
        assert got.bounce is not None
        assert got.bounce.kind == label["bounce_kind"], label["file"]
        assert got.email == label["email"]
        assert got.bounce.outbox_id is not None, label["file"]

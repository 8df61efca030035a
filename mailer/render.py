"""Templates to text: Jinja2 with hub -> site -> built-in lookup, a shared layout, safe Markdown.

Search order, most specific first (the first folder that has the file wins)::

    {site}/hubs/{hub-slug}/NAME     a hub's own wording (only for mail about that hub)
    {site}/NAME                     the deployment's wording ([paths] templates_dir)
    templates/NAME                  the built-in templates shipped with ftm

A template is a pair named by audience and purpose: ``member/confirm-join.txt`` and an
optional ``member/confirm-join.html``. The text template's first line is
``Subject: ...``; a blank line follows, then the body. The renderer then wraps each
body in ``_layout.txt`` / ``_layout.html`` (looked up the same way), which add the
network's footer: who we are, why the person gets this mail, the unsubscribe link
and how to reach a person. See ``templates/README.md``.

Web pages (the one-click unsubscribe pages, ``web/NAME.html``) come from the same
folders, site before built-in, through ``Renderer.page``: HTML only, no mail layout.

Undefined variables are errors (``StrictUndefined``); ``.html`` templates autoescape.
What people wrote (a bulletin body, a name) only ever arrives as variables: it is
data, never template source. ``{{ body | markdown }}`` turns Markdown or plain text
into safe HTML (raw HTML in it is escaped, ``javascript:`` links are dropped).

Exceptions::

    TemplateError    a template is missing, broken, or uses a variable it was not given
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

BUILTIN = Path(str(resources.files("templates")))
LAYOUT_TXT = "_layout.txt"
LAYOUT_HTML = "_layout.html"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*")
_SUBJECT = re.compile(r"\ASubject:[ \t]*([^\n]*?)[ \t]*\r?\n")

WHY = {
    "reply": "You get this because you wrote to {network}.",
    "notice": "You get this because of your part in {network}.",
    "list": "You get this as a member of {group}.",
    "bulletin": "You get this national bulletin as a member of {network}.",
    "digest": "You get this digest as a member of {group}.",
}


class TemplateError(Exception):
    """A template is missing, broken or uses a variable it was not given."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """One message's words: the subject line, the text body and (if there is one) the HTML."""

    subject: str
    text: str
    html: str | None


_markdown = MarkdownIt("js-default").enable(["table", "strikethrough"])


@functools.lru_cache(maxsize=64)
def markdown_html(text: str) -> Markup:
    """Markdown (or plain text) -> safe HTML: raw HTML escaped, unsafe link schemes dropped."""
    return Markup(_markdown.render(text))  # noqa: S704 - markdown-it escapes raw HTML (html=False)


def template_name(name: str) -> str:
    """Check a template name such as ``member/confirm-join`` (no dots, no ``..``, lower case)."""
    if not _NAME.fullmatch(name):
        raise TemplateError(f"bad template name {name!r}: use lower-case words like "
                            "member/confirm-join")
    return name


def why_text(kind: str, network: str, group: str | None) -> str:
    """The footer's "why you get this" sentence for a kind of mail."""
    return WHY.get(kind, WHY["notice"]).format(network=network, group=group or network)


class Renderer:
    """Renders template pairs with the hub -> site -> built-in lookup; one per deployment.

    ``site_dir`` is ``[paths] templates_dir`` (may be empty). Environments are made
    once per hub and cached, so templates compile once.
    """

    def __init__(self, site_dir: str | Path | None = None, builtin: Path = BUILTIN) -> None:
        self.site_dir = Path(site_dir) if site_dir else None
        self.builtin = builtin
        self._envs: dict[str | None, jinja2.Environment] = {}
        self._texts: dict[tuple[str | None, str], tuple[jinja2.Template, jinja2.Template]] = {}

    def folders(self, hub: str | None) -> list[Path]:
        """The folders searched for *hub*'s mail, most specific first."""
        out: list[Path] = []
        if self.site_dir is not None:
            if hub:
                out.append(self.site_dir / "hubs" / hub)
            out.append(self.site_dir)
        out.append(self.builtin)
        return out

    def env(self, hub: str | None = None) -> jinja2.Environment:
        env = self._envs.get(hub)
        if env is None:
            loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(p))
                                          for p in self.folders(hub)])
            env = jinja2.Environment(  # noqa: S701 - autoescape is on for .html below
                loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                                    default_for_string=False),
                trim_blocks=True, lstrip_blocks=True, auto_reload=False)
            env.filters["markdown"] = markdown_html
            self._envs[hub] = env
        return env

    def _text_pair(self, env: jinja2.Environment, name: str,
                   hub: str | None) -> tuple[jinja2.Template, jinja2.Template]:
        """The subject line and the body of a ``.txt`` template, compiled apart.

        Compiled apart, a value with a line break in it (a subject someone typed) can
        only ever land in the subject, never end it early and spill into the body.
        """
        pair = self._texts.get((hub, name))
        if pair is None:
            assert env.loader is not None
            source, filename, _ = env.loader.get_source(env, name + ".txt")
            m = _SUBJECT.match(source)
            if m is None:
                raise TemplateError(f"template {name}.txt: the first line must be "
                                    "'Subject: ...' followed by a blank line")
            # the body keeps its line numbers for error messages
            body_src = "\n" * source.count("\n", 0, m.end()) + source[m.end():]
            pair = (env.from_string(m.group(1)), env.from_string(body_src))
            self._texts[(hub, name)] = pair
        return pair

    def exists(self, name: str, hub: str | None = None) -> bool:
        """True when the template pair *name* has at least its text part."""
        try:
            self.env(hub).get_template(template_name(name) + ".txt")
        except (jinja2.TemplateNotFound, TemplateError):
            return False
        return True

    def names(self) -> list[str]:
        """Every built-in or site template pair (what ``--template`` can name)."""
        found: set[str] = set()
        for folder in self.folders(None):
            for p in folder.rglob("*.txt"):
                rel = p.relative_to(folder).with_suffix("").as_posix()
                if not rel.startswith(("_", "hubs/")) and _NAME.fullmatch(rel):
                    found.add(rel)
        return sorted(found)

    @contextlib.contextmanager
    def _errors(self, name: str, hub: str | None) -> Iterator[None]:
        """Jinja2's errors as one ``TemplateError`` that names the template."""
        try:
            yield
        except jinja2.TemplateNotFound as e:
            raise TemplateError(f"no template {e.name} (looked in "
                                f"{', '.join(str(p) for p in self.folders(hub))})") from e
        except jinja2.UndefinedError as e:
            raise TemplateError(f"template {name}: {e.message}") from e
        except jinja2.TemplateSyntaxError as e:
            raise TemplateError(f"template {e.name or name} line {e.lineno}: {e.message}") from e

    def page(self, name: str, variables: Mapping[str, Any]) -> str:
        """A web page: ``NAME.html`` alone, autoescaped, looked up site then built-in.

        No subject line and no mail layout: a page template extends its own
        (``web/_page.html``). What a page shows must not depend on the hub.
        """
        name = template_name(name)
        with self._errors(name, None):
            return self.env(None).get_template(name + ".html").render(variables)

    def render(self, name: str, variables: Mapping[str, Any], hub: str | None = None) -> Rendered:
        """Render *name* (``.txt`` and, if present, ``.html``) inside the layout."""
        env = self.env(hub)
        name = template_name(name)
        with self._errors(name, hub):
            subject_t, body_t = self._text_pair(env, name, hub)
            try:
                html_t: jinja2.Template | None = env.get_template(name + ".html")
            except jinja2.TemplateNotFound:
                html_t = None
            subject = " ".join(subject_t.render(variables).split())
            if not subject:
                raise TemplateError(f"template {name}.txt renders an empty subject")
            body = body_t.render(variables).strip("\n").rstrip() + "\n"
            text = env.get_template(LAYOUT_TXT).render(variables, body=body, subject=subject)
            html = None
            if html_t is not None:
                inner = Markup(html_t.render(variables))  # noqa: S704 - rendered with autoescape
                html = env.get_template(LAYOUT_HTML).render(variables, body=inner,
                                                            subject=subject)
        return Rendered(subject=subject, text=text, html=html)


def variables(*, network: Mapping[str, str], kind: str, recipient_addr: str,
              recipient_name: str | None, unsub_mailto: str, unsub_url: str,
              context: Mapping[str, Any], hub: Mapping[str, Any] | None = None
              ) -> dict[str, Any]:
    """The variables every template gets: the row's *context* plus the reserved names.

    ``network`` (name, address, help_contact, base_url), ``recipient`` (address, name),
    ``unsubscribe`` (mailto, url; empty strings when there is none), ``hub`` (slug,
    name, or None), ``kind`` and ``why``. A context key ``why`` replaces the default.
    """
    group = hub["name"] if hub else None
    out = dict(context)
    out.update(
        network=dict(network), kind=kind, hub=dict(hub) if hub else None,
        recipient={"address": recipient_addr, "name": recipient_name or ""},
        unsubscribe={"mailto": unsub_mailto, "url": unsub_url},
        why=str(context.get("why") or why_text(kind, network["name"], group)))
    return out

"""Bytes to readable text: charsets declared, missing or wrong, RFC 2047 words, HTML."""

from __future__ import annotations

import codecs
import logging
import re
from email.header import decode_header
from email.utils import getaddresses
from typing import Any

log = logging.getLogger(__name__)

# Declared names that mean "we don't know": decode by trying instead.
_UNKNOWN = {"", "unknown", "unknown-8bit", "x-unknown", "8bit", "default", "none",
            "x-user-defined", "binary", "charset"}
# Declared charsets that are supersets of what writers actually mean.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "euc-cn": "gb18030", "x-gbk": "gb18030",
             "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
             "us-ascii": "cp1252", "ascii": "cp1252", "ks_c_5601-1987": "cp949",
             "euc-kr": "cp949", "shift_jis": "cp932", "sjis": "cp932", "iso-8859-8-i": "iso-8859-8",
             "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "cp-850": "cp850"}
# What undeclared 8-bit mail that is not UTF-8 is likely to be, for the detector to choose from.
_LEGACY = ["cp1252", "iso8859_2", "cp1250", "koi8_r", "cp1251", "iso8859_5", "gb18030", "big5",
           "shift_jis", "euc_jp", "euc_kr", "iso8859_7", "iso8859_9"]
_SINGLE_BYTE_WESTERN = {"cp1252", "iso-8859-15"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_WS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def charset_name(declared: str | None) -> str | None:
    """A Python codec name for a declared MIME charset, or None when unknown or bogus."""
    name = (declared or "").strip().strip("\"'").lower()
    if name in _UNKNOWN:
        return None
    name = _SUPERSET.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Decode a body whatever its label says: never raises, never loses the text.

    ASCII is ASCII under any label. UTF-8 that is labelled as a Western single-byte
    charset (a common client bug) is read as UTF-8; otherwise the declared charset is
    used, then UTF-8, then windows-1252, which maps every byte.
    """
    if data.isascii():
        return data.decode("ascii")
    codec = charset_name(declared)
    if codec is None or codec in _SINGLE_BYTE_WESTERN or codec == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            if codec == "utf-8":
                codec = None
    if codec is None:
        codec = _guess(data)
    for name in (codec, "utf-8", "cp1252"):
        if name is None:
            continue
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


def _guess(data: bytes) -> str | None:
    """The likeliest charset of undeclared 8-bit text that is not UTF-8 (charset-normalizer)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:20_000], cp_isolation=_LEGACY).best()
    except Exception:  # detection is a nicety; windows-1252 still decodes every byte
        return None
    return best.encoding if best is not None else None


# Control and invisible characters out; odd spaces to plain spaces (one table, one pass).
_CLEAN = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
                            *range(0x200B, 0x2010), 0x2028, 0x2029, 0x2060, 0xFEFF]}
_CLEAN.update({c: " " for c in [0x09, 0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]})


def clean_text(text: str) -> str:
    """Line endings to LF, invisible and control characters out, odd spaces to spaces."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CLEAN)


def _raw_to_str(value: str) -> str:
    """A compat32 header value: raw 8-bit bytes arrive as surrogate escapes; decode them."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return decode_bytes(value.encode("ascii", "surrogateescape"), None)


def decode_words(value: str | None) -> str:
    """An unstructured header (Subject, a display name) as text: RFC 2047 words decoded.

    Folding, control characters and line breaks are removed, so a decoded value can
    never smuggle a header line.
    """
    if not value:
        return ""
    if value.isascii() and "=?" not in value:
        return " ".join(value.translate(_CLEAN).split())
    value = _raw_to_str(str(value))
    if "=?" in value:
        try:
            parts = decode_header(value)
        except Exception:  # a malformed encoded word: keep the raw text
            parts = [(value, None)]
        value = "".join(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
                        for chunk, charset in parts)
    value = value.replace("\r", " ").replace("\n", " ")
    value = _CONTROL.sub("", value)
    return " ".join(_WS.sub(" ", value).split())


_SIMPLE = re.compile(r"^\s*(?:\"((?:[^\"\\]|\\.)*)\"|([^\"(),;<>@]*?))\s*"
                     r"<([^<>\s,;\"]+@[^<>\s,;\"]+)>\s*$"
                     r"|^\s*<?([^<>\s,;\"()]+@[^<>\s,;\"()]+)>?\s*$")
_ANY_ADDR = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def bare_addresses(values: list[str]) -> list[str]:
    """Just the addresses in address headers (domains lower-cased), for routing."""
    out = []
    for value in values:
        for addr in _ANY_ADDR.findall(_raw_to_str(value)):
            local, _, domain = addr.partition("@")
            out.append(f"{local}@{domain.lower()}")
    return out


def addresses(values: list[str]) -> list[tuple[str, str]]:
    """(display name, address) pairs from address headers; names decoded, domains lower-cased.

    The header is split before its encoded words are decoded, so a name that decodes
    to ``"x@evil" <y>`` stays a name.
    """
    raw = [_raw_to_str(v) for v in values if v]
    pairs: list[tuple[str, str]] = []
    for value in raw:
        m = _SIMPLE.match(value)
        if m is None:  # comments, groups, lists, odd quoting: the full parser
            try:
                pairs.extend(getaddresses([value]))
            except Exception as e:  # an address header too broken to read: no address
                log.debug("unreadable address header (%s)", type(e).__name__)
        elif m.group(3):
            name = m.group(2) if m.group(1) is None else re.sub(r"\\(.)", r"\1", m.group(1))
            pairs.append((name, m.group(3)))
        else:
            pairs.append(("", m.group(4)))
    out = []
    for name, addr in pairs:
        addr = "".join(addr.split()).strip("<>")
        if "@" not in addr or addr.count("@") != 1:
            continue
        local, _, domain = addr.partition("@")
        addr = f"{local}@{domain.lower()}"
        out.append((decode_words(name), addr))
    return out


def html_to_text(html: str) -> str:
    """Readable text from HTML mail (inscriptis: layout-aware, lxml underneath).

    Quoted containers (``<blockquote>``, Gmail's ``gmail_quote``) are taken out of the
    tree first and put back as ``>``-quoted plain lines: the quote splitter then sees
    them as quoted, and the slow layout engine only lays out what the person wrote.
    """
    if not html.strip():
        return ""
    from inscriptis.html_engine import Inscriptis  # first HTML-only message: keeps start fast
    from lxml.etree import ParserError
    from lxml.html import document_fromstring

    html = _XML_DECLARATION.sub("", html.strip(), count=1)
    try:
        try:
            tree = document_fromstring(html)
        except ParserError:
            tree = document_fromstring("<pre>" + html + "</pre>")
        _quote_out(tree)
        if tree.find(".//table") is None:
            return _plain_layout(tree)
        return "\n".join(line.strip() for line in Inscriptis(tree).get_text().split("\n"))
    except Exception as e:  # lxml refuses some byte soups; fall back to stripping tags
        log.debug("HTML conversion failed (%s); stripping tags", type(e).__name__)
        return "\n".join(line.strip() for line in
                         _TAG.sub(" ", _STYLE.sub(" ", html)).split("\n"))


_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_TAG = re.compile(r"<[^>]*>")
_STYLE = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.I | re.S)
_QUOTES_XPATH = ("//blockquote | //div[contains(concat(' ', normalize-space(@class), ' '),"
                 " ' gmail_quote ')] | //div[@id='divRplyFwdMsg'] | //div[@id='appendonsend']")
_BLOCKS = ("br", "div", "p", "li", "tr", "h1", "h2", "h3", "h4", "pre", "table", "blockquote")


def _plain_layout(tree: Any) -> str:
    """Text of table-free HTML: block elements on their own lines, the rest as written.

    Mail from people is paragraphs, line breaks and quotes; lxml's text extraction with
    a line break around each block element reads it as well as a layout engine, in a
    fraction of the time. Tables (where layout matters) go to inscriptis.
    """
    for el in tree.xpath("//head|//style|//script|//title"):
        el.drop_tree()
    for block in tree.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
        if block.tag != "br":
            block.text = "\n" + (block.text or "")
    lines = [" ".join(line.split()) for line in tree.text_content().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _quote_out(tree: Any) -> None:
    """Replace each outermost quote container by a ``<pre>`` of its text, ``>``-quoted."""
    from lxml.html import Element

    found = tree.xpath(_QUOTES_XPATH)
    chosen = set(found)
    for el in found:
        if any(anc in chosen for anc in el.iterancestors()):
            continue
        for block in el.iter(*_BLOCKS):
            block.tail = "\n" + (block.tail or "")
            if block.tag != "br":
                block.text = "\n" + (block.text or "")
        lines = [ln.strip() for ln in el.text_content().split("\n")]
        pre = Element("pre")
        pre.text = "\n" + "\n".join("> " + ln for ln in lines if ln) + "\n"
        pre.tail = el.tail
        parent = el.getparent()
        if parent is not None:
            parent.replace(el, pre)

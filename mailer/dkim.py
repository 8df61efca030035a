"""DKIM signing with dkimpy, when a private key is configured.

Signs with rsa-sha256 (or ed25519-sha256 for an Ed25519 key), relaxed/relaxed
canonicalisation, over the headers a receiver shows or acts on, including the
List-Unsubscribe pair (RFC 8058 asks for them to be signed).

Exceptions::

    DkimError    the key cannot sign (wrong format); raised at start, not per message
"""

from __future__ import annotations

import dkim as dkimpy

from mailer.config import DkimConfig

HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"in-reply-to",
           b"references", b"list-id", b"list-unsubscribe", b"list-unsubscribe-post",
           b"mime-version", b"content-type", b"auto-submitted")


class DkimError(Exception):
    """The DKIM key cannot be used to sign."""


class Signer:
    """Prepends a DKIM-Signature header to message bytes."""

    def __init__(self, cfg: DkimConfig) -> None:
        self.selector = cfg.selector.encode()
        self.domain = cfg.domain.encode()
        self.key = cfg.private_key
        self.algorithm = b"ed25519-sha256" if b"BEGIN PRIVATE KEY" in self.key and \
            len(self.key) < 200 else b"rsa-sha256"
        try:  # fail at start, with a clear reason, rather than on every message
            self.sign(b"From: a@b.c\r\nSubject: t\r\n\r\nt\r\n")
        except dkimpy.DKIMException as e:
            raise DkimError(f"the DKIM key cannot sign: {e}") from e

    def sign(self, message: bytes) -> bytes:
        """*message* with its DKIM-Signature header on top."""
        present = {line.split(b":", 1)[0].strip().lower()
                   for line in message.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
                   if line and line[:1] not in (b" ", b"\t")}
        signature = dkimpy.sign(message, self.selector, self.domain, self.key,
                                canonicalize=(b"relaxed", b"relaxed"),
                                signature_algorithm=self.algorithm,
                                include_headers=[h for h in HEADERS if h in present])
        return signature + message

"""mailer: outbound mail -- render, build MIME, deliver over SMTP within the relay's limits.

Imports ``lists`` only.
"""

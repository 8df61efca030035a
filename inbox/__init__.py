"""inbox: inbound mail -- parse, classify, authenticate and apply; the IMAP watcher and receiver.

Imports ``lists`` only; replies are queued as outbox rows, never sent from here.
"""

"""Signals between parts that must not know each other."""

from django.dispatch import Signal

# Sent after the transaction that stored an attached file commits, with
# attachment_pk; text extraction listens to it.
attachment_committed = Signal()

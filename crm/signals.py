"""Signals of the CRM (receivers: crm.receivers)."""

from django.dispatch import Signal

# Sent by services when something an artist's score depends on changed: artist_ids=[...]
score_inputs_changed = Signal()

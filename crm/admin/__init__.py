"""The CRM in the back office: every model, with history on artists, sponsors and deals.

Saves go through the CRM's services, as on the website: the denormalised columns (normalised names, audience
totals), the audit trail, the scores, the live boards and the timeline ("moved from Proposal to Won by Léa")
stay right whatever the screen. Inlines do the same row by row (contacts, socials, audience, stages). What has no
service is plain Django (tags, genres, saved views); import jobs are read-only (they come from the import page).
"""

from . import pipelines, records, settings  # noqa: F401  (each registers its model admins)

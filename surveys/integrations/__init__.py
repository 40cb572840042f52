"""Outgoing integrations: signed webhooks (Standard Webhooks) from a transactional outbox.

``outbox`` writes events inside the changes they announce; ``services``
manages endpoints and sends deliveries; ``destinations`` decides where a
request may go; ``transport`` signs and sends; ``tasks`` are the Celery side;
``selectors`` read for the studio, the API, the portal and the transparency
report. See docs/WEBHOOKS.md.
"""

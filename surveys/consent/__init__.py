"""Consent and rights: the consent pages, receipts, the respondent portal
(download, withdraw, delete)."""

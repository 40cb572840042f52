"""Consent and rights writes: notices, consent given and withdrawn, the portal, transparency."""

"""How a secret handed out in a link or a key is kept: only its hash is stored.

Portal and resume tokens, member invitations and API keys are looked up by
the SHA-256 of what the holder presents; the services that issue them and the
selectors that find them both hash here.
"""

import hashlib


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()

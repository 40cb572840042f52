"""Authoring: the studio home and the survey builder (content, texts, notices,
branding, preview, test links, publishing)."""

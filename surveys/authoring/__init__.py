"""Authoring: the studio home, the survey builder (content, texts, notices, branding, preview, test links, publishing)."""

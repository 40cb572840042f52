"""Authoring reads: surveys with their drafts, versions, sections, questions; the builder pages."""

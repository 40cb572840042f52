"""Authoring writes: surveys and their definitions, the builder's content, branding, test links."""

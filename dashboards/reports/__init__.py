"""Transparency reports: per organization and quarter (or year), as charts, HTML and PDF.

- ``periods``: quarter and year boundaries in the organization's time zone;
- ``services``: compute a report's figures (all suppressed) and store them;
- ``pdf``: print the report page with headless Chromium;
- ``views``: the studio pages, on-demand generation, the publish switch and
  the public page (only when the organization opts in).
"""

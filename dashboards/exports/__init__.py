"""Research exports (INSIGHT OUT): anonymized microdata, codebooks and DP releases.

Modules: ``services`` (settings, jobs, the run), ``anonymization`` (pure
k-anonymity and l-diversity), ``table`` (variables and rows), ``formats``
(file writers), ``codebooks`` (Frictionless, DDI, Markdown), ``scrub`` (free
text), ``dp`` (differential-privacy releases), ``selectors`` (reads), ``api``
and ``views`` (interfaces). See docs/EXPORTS.md.
"""

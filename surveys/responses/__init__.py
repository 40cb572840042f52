"""Responses: the respondent flow (pages, resume, thanks), and how a respondent arrived."""

"""Responses writes: respondents, the response flow and submission, the inbox, behaviour events."""

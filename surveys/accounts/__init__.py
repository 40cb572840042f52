"""Accounts and team: sign-in, two-factor, password reset, joining, members,
roles, API keys, organization settings."""

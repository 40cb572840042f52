"""Accounts and team writes: organizations, API keys, members, sign-in and two-factor."""

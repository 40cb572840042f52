"""Pages of accounts and team."""

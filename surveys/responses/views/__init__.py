"""Pages of the respondent flow."""

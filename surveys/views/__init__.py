"""Server-rendered pages (the respondent flow in `public`)."""

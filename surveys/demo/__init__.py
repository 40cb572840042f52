"""Demo content: the bundled definitions (JSON) and the demo data seeder (`seed.py`)."""

"""The web flow's floor: a plain Django form whose POST saves one row (bench/webflow.py)."""

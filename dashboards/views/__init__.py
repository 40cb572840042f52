"""Studio pages and data endpoints of the dashboards (``/studio/<org>/dashboards/``)."""

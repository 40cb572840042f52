"""The survey builder in the studio (``/studio/<org>/surveys/…``): authors and admins
build, preview, brand, test and publish surveys without touching JSON."""

"""The error types now live in the shared kit (`trustpulse.validation`).

Only the importers package still imports them from here; it is re-exported
until that package moves to the new name.
"""

from trustpulse.validation import FieldError, ServiceValidationError, path_join

__all__ = ["FieldError", "ServiceValidationError", "path_join"]

"""The API kit both apps share: authentication, access checks, the one error shape,
pagination, strict JSON parsing, throttles, schema helpers and the base view.

Apps import from here; this package imports from the apps only what every API
needs (the caller as an Actor, API-key lookup, the two-factor rule, error types).
"""

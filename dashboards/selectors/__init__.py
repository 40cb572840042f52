"""Read-only selectors of the dashboards app: the figures a panel, the API or a report shows.

Each module reads the rollups (never the raw answers) and passes every figure through
the disclosure rule (`dashboards.services.disclosure`, docs/DISCLOSURE.md). Import a
function from its module (`dashboards.selectors.paradox`); this package re-exports nothing.
"""

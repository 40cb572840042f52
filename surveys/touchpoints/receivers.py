"""How touchpoints hear about completions and withdrawals (connected in SurveysConfig.ready)."""

from typing import Any

from trustpulse.dispatch import dispatch

from . import services, tasks


def on_response_submitted(sender: object, *, response_id: str, **kwargs: Any) -> None:
    dispatch(tasks.deliveries_prepare, response_id)


def on_respondent_erased(
    sender: object, *, respondent_id: str, purposes: list[str] | None = None, **kwargs: Any
) -> None:
    # In the process (not a task): an email must not outlive its purpose by a broker outage.
    services.purposes_withdrawn(respondent_id=respondent_id, purposes=purposes)

"""Event helpers: compare decoded logs as plain dicts, so a failing test shows every argument."""

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def event_args(tx, event) -> list[dict]:
    """The arguments of every ``event`` log in ``tx``, in order, as dicts."""
    return [dict(log.event_arguments) for log in tx.events.filter(event)]

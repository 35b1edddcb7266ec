"""Transfer policies of a series, mirroring ``ICollectible.TransferPolicy``."""

from enum import IntEnum

SERIES_STRIDE = 1_000_000
"""Token ids are ``series_id * SERIES_STRIDE + serial`` (``Collectible.SERIES_STRIDE``)."""


class TransferPolicy(IntEnum):
    """Who may move a token; the values are the Solidity enum's."""

    FREE = 0
    """Standard ERC-721 transfers."""
    GIFT_AFTER_HOLD = 1
    """Only the owner may transfer, once the series' hold period since acquisition is over."""
    SOULBOUND = 2
    """Never transferable (ERC-5192)."""

    @classmethod
    def parse(cls, text: str) -> "TransferPolicy":
        """Read a policy from its CLI or catalogue name: ``free``, ``gift`` or ``soulbound``."""
        names = {"free": cls.FREE, "gift": cls.GIFT_AFTER_HOLD, "soulbound": cls.SOULBOUND}
        try:
            return names[text.strip().lower()]
        except KeyError:
            raise ValueError(
                f"unknown transfer policy {text!r}: use one of {', '.join(names)}"
            ) from None


def token_id(series_id: int, serial: int) -> int:
    """The token id of ``serial`` (1-based) in series ``series_id``."""
    if not 1 <= serial < SERIES_STRIDE:
        raise ValueError(f"serial {serial} is outside 1..{SERIES_STRIDE - 1}")
    return series_id * SERIES_STRIDE + serial


def split_token_id(token: int) -> tuple[int, int]:
    """The ``(series_id, serial)`` a token id encodes."""
    return divmod(token, SERIES_STRIDE)

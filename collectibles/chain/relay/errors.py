"""The relay's refusals: a file with bad rows, and an unfinished relay of another file in the same journal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collectibles.domain.errors import CollectiblesError

if TYPE_CHECKING:
    from collectibles.chain.relay.schema import Problem


class IntentsRefused(CollectiblesError):
    """The intents file has bad rows (each printed by the script first): nothing was sent."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        lines = ", ".join(str(p.line) for p in problems[:10]) + ("…" if len(problems) > 10 else "")
        super().__init__(
            f"{path}: {len(problems)} bad row(s) (line {lines}); nothing was sent. Fix or remove them, "
            "or pass --skip-invalid to relay the valid ones"
        )


class NoIntents(CollectiblesError):
    """The intents file holds no intent at all."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(
            f"{path} holds no intents (one signed intent a line, as `ape run sign --json` prints)"
        )


class RelayOpen(CollectiblesError):
    """The journal holds an unfinished relay of another intents file."""

    def __init__(self, journal: object, recorded: str, given: str):
        self.journal = journal
        super().__init__(
            f"an unfinished relay in {journal} is of {recorded}, not {given}: rerun it with that file to "
            "finish it (or pass another --journal)"
        )

"""The exactly-once relay of signed intents: an intents file checked, planned in ``relay`` batches, sent once.

``schema`` reads the JSON Lines file (pure), ``checks`` and ``simulation`` ask the chain whether each intent
would execute, ``plan`` packs the valid ones into batches under the gas cap, ``journal`` keeps them beside the
airdrop's journal records, ``state`` tells whether a journaled intent can still execute, ``sender`` signs and
reads ``relay`` transactions, ``runner`` orders it all on the airdrop's execution, and ``report`` writes the
CSV. Callers import from here.
"""

from collectibles.chain.relay.errors import IntentsRefused, NoIntents, RelayOpen
from collectibles.chain.relay.runner import RelayDryRun, Relayer, RelayResult
from collectibles.chain.relay.schema import Problem, load_intents, signed_intent_json

__all__ = [
    "IntentsRefused",
    "NoIntents",
    "Problem",
    "RelayDryRun",
    "RelayOpen",
    "RelayResult",
    "Relayer",
    "load_intents",
    "signed_intent_json",
]

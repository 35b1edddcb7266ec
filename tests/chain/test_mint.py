"""collectibles/chain/mint.py: quantities split into mintBatch calls of at most 128."""

import pytest

from collectibles.chain.mint import batch_sizes
from collectibles.domain.tokens import MAX_MINT_BATCH


@pytest.mark.parametrize(
    ("quantity", "sizes"),
    [(1, [1]), (128, [128]), (129, [128, 1]), (300, [128, 128, 44]), (256, [128, 128])],
)
def test_batch_sizes__split_at_128(quantity, sizes):
    assert batch_sizes(quantity) == sizes
    assert sum(sizes) == quantity
    assert max(sizes) <= MAX_MINT_BATCH


def test_batch_sizes__zero__refused():
    with pytest.raises(ValueError):
        batch_sizes(0)

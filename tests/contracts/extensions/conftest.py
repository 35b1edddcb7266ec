"""Fixtures the signed-intent tests share: the contract's EIP-712 domain and a voucher signer."""

import pytest

from collectibles.chain.intents import contract_domain


@pytest.fixture
def domain(collectible):
    """The EIP-712 domain the contract signs under (read from its ``eip712Domain()``)."""
    return contract_domain(collectible)


@pytest.fixture(scope="module")
def voucher_signer(accounts):
    """The account the voucher tests give ``VOUCHER_SIGNER_ROLE``."""
    return accounts[8]

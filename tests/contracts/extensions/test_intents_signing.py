"""The cross-library check, end to end: ethers (npm, run by node) and eth-account sign the same gift and the same
voucher; the digests and the signatures agree, and the contract accepts what ethers signed."""

from utils.chain_time import HOLD_SECONDS, set_next_block_time
from utils.ethers import ethers_sign

from collectibles.chain.intents import sign_intent
from collectibles.domain.intents import Gift, Voucher, digest, typed_data


def test_gift__signed_by_ethers__same_as_eth_account_and_accepted(
    chain, collectible, gift_series, mint_to, domain, fan, friend, stranger
):
    token = mint_to(gift_series, fan)
    set_next_block_time(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    gift = Gift(
        token, friend.address, chain.pending_timestamp + 3600, collectible.acquiredAt(token)
    )
    typed = typed_data(domain, gift)

    theirs = ethers_sign(typed, fan.private_key)
    ours = sign_intent(fan, domain, gift)

    assert theirs["digest"] == "0x" + digest(typed).hex()
    assert theirs["signature"] == "0x" + ours.hex()
    collectible.giftBySig(token, friend, gift.deadline, theirs["signature"], sender=stranger)
    assert collectible.ownerOf(token) == friend.address


def test_voucher__signed_by_ethers__same_as_eth_account_and_accepted(
    chain, collectible, admin, free_series, domain, accounts, fan, stranger
):
    signer = accounts[8]
    collectible.grantRole(collectible.VOUCHER_SIGNER_ROLE(), signer, sender=admin)
    collectible.setVoucherAllowance(signer, free_series, 1, sender=admin)
    voucher = Voucher(free_series, fan.address, 42, chain.pending_timestamp + 3600)
    typed = typed_data(domain, voucher)

    theirs = ethers_sign(typed, signer.private_key)
    ours = sign_intent(signer, domain, voucher)

    assert theirs["digest"] == "0x" + digest(typed).hex()
    assert theirs["signature"] == "0x" + ours.hex()
    collectible.claimVoucher(
        free_series, fan, 42, voucher.deadline, theirs["signature"], sender=stranger
    )
    assert collectible.isVoucherUsed(signer, 42) is True
    assert collectible.balanceOf(fan) == 1

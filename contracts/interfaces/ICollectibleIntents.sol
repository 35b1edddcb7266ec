// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Signed intents of {Collectible}: members act without gas, the operator's relayer submits what they signed.
 *
 * Two EIP-712 messages, in the domain `{name: <the collection's name>, version: "1", chainId, verifyingContract}`
 * that ERC-5267's `eip712Domain()` returns:
 *
 * - `Gift(uint256 tokenId,address to,uint256 deadline,uint256 acquiredAt)`, signed by the token's owner (an
 *   account's key, or an ERC-1271 contract): `acquiredAt` is the token's acquisition time when signing, which the
 *   gift itself changes, so a gift signature works once without any nonce storage.
 * - `Voucher(uint256 seriesId,address to,uint256 voucherId,uint256 deadline)`, signed by a `VOUCHER_SIGNER_ROLE`
 *   holder's key: each voucher id of a signer works once, within the signer's cap for the series.
 *
 * Both can be submitted by anyone, alone or many at once through {relay}, whose intents fail one by one. None
 * of them reads who sends it: the signature says who acts.
 */
interface ICollectibleIntents {
    // ------------------------------------------------------------------ events

    /**
     * @dev Emitted when the admin sets what `signer` may issue for series `seriesId` with {setVoucherAllowance}.
     * @param signer The voucher signer.
     * @param seriesId The series.
     * @param cap The most vouchers of `signer` that can ever be claimed for the series; zero forbids the series.
     */
    event VoucherAllowanceSet(address indexed signer, uint256 indexed seriesId, uint256 cap);

    /**
     * @dev Emitted by {claimVoucher} after the token's {IERC721-Transfer} (which names the recipient).
     * @param signer The voucher's signer.
     * @param voucherId The voucher's id, now used.
     * @param tokenId The token minted.
     */
    event VoucherClaimed(address indexed signer, uint256 voucherId, uint256 tokenId);

    /**
     * @dev Emitted by {relay} for each intent that failed (its state changes undone), in intent order; the intents
     * that succeeded show by their own events ({IERC721-Transfer}, {VoucherClaimed}).
     * @param index The intent's position in the {relay} call.
     * @param reason The revert data of the intent: a custom error of this interface or of {ICollectible}, say.
     */
    event IntentFailed(uint256 index, bytes reason);

    // ------------------------------------------------------------------ errors

    /**
     * @dev The intent's deadline has passed.
     * @param deadline The last timestamp at which it could execute.
     */
    error CollectibleIntentExpired(uint256 deadline);

    /**
     * @dev The signature is not the owner's over this gift (another signer, another field, chain, contract or
     * acquisition time, a malleable high-s form, or a contract owner that refuses it under ERC-1271).
     * @param tokenId The token.
     * @param owner The token's owner, whose signature was expected.
     */
    error CollectibleInvalidGiftSignature(uint256 tokenId, address owner);

    /**
     * @dev Too little gas is left to ask a contract owner's ERC-1271 `isValidSignature` with its full allowance
     * (500,000 gas): a relayer sent the gift with too little gas. Nothing was used; submit it again with more.
     * Without this, a starved wallet check would read as a refused signature.
     * @param gasLeft The gas left before the check.
     * @param gasNeeded The gas the check needs left: the allowance, the 1/64 a call keeps back, and a margin.
     */
    error CollectibleSignatureCheckOutOfGas(uint256 gasLeft, uint256 gasNeeded);

    /**
     * @dev The token was acquired at the current block's timestamp (in this block, or an earlier one of the same
     * second): a signed gift needs its acquisition time to be in the past, which is what makes every gift
     * signature work once.
     * @param tokenId The token.
     */
    error CollectibleGiftTooSoon(uint256 tokenId);

    /**
     * @dev The voucher's signature recovers to an account that does not hold `VOUCHER_SIGNER_ROLE` (another
     * signer, a changed field, a revoked signer, or no valid signature at all, reported as the zero address).
     * @param signer The account the signature recovers to.
     */
    error CollectibleUnauthorizedVoucherSigner(address signer);

    /**
     * @dev `signer` may not issue vouchers for series `seriesId` (its cap there is zero).
     * @param signer The voucher signer.
     * @param seriesId The series.
     */
    error CollectibleVoucherSeriesNotAllowed(address signer, uint256 seriesId);

    /**
     * @dev `cap` vouchers of `signer` were claimed for series `seriesId` already.
     * @param signer The voucher signer.
     * @param seriesId The series.
     * @param cap The signer's cap for the series.
     */
    error CollectibleVoucherCapReached(address signer, uint256 seriesId, uint256 cap);

    /**
     * @dev Voucher `voucherId` of `signer` was claimed already.
     * @param signer The voucher signer.
     * @param voucherId The voucher's id.
     */
    error CollectibleVoucherUsed(address signer, uint256 voucherId);

    /**
     * @dev A {relay} intent does not call {giftBySig} or {claimVoucher}.
     * @param selector The first four bytes of the intent (zero when it has fewer).
     */
    error CollectibleNotAnIntent(bytes4 selector);

    // ------------------------------------------------------------------ gifts

    /**
     * @dev Moves `tokenId` from its owner to `to`, as the owner's own {IERC721-transferFrom} would, on the owner's
     * EIP-712 signature of `Gift(tokenId, to, deadline, acquiredAt)` (with the token's current acquisition time).
     * Anyone may submit it. Like {IERC721-transferFrom}, it does not call {IERC721Receiver-onERC721Received}.
     *
     * The signature is checked with the owner's key first (65 bytes, low-s only), then, for a
     * contract owner, with ERC-1271's `isValidSignature`. It works once: the gift sets a new acquisition time, so
     * a replay (after the gift, or after the token came back) signs the wrong `acquiredAt`.
     *
     * Requirements: `deadline` not passed ({CollectibleIntentExpired}); `tokenId` exists; the signature is the
     * owner's ({CollectibleInvalidGiftSignature}; for a contract owner, enough gas left to ask it in full,
     * {CollectibleSignatureCheckOutOfGas}); the token was not acquired at the current
     * timestamp ({CollectibleGiftTooSoon}); then exactly the owner's own transfer: not paused, `to` not zero,
     * not soulbound ({ICollectible-CollectibleSoulbound}), the hold over for `GiftAfterHold`
     * ({ICollectible-CollectibleHoldNotOver}).
     *
     * Emits a {IERC721-Transfer} event.
     *
     * @param tokenId The token to gift.
     * @param to The recipient.
     * @param deadline The last timestamp at which the gift may execute.
     * @param signature The owner's signature: `r ‖ s ‖ v` (65 bytes), or an ERC-1271 contract owner's own format.
     */
    function giftBySig(uint256 tokenId, address to, uint256 deadline, bytes calldata signature) external;

    // --------------------------------------------------------------- vouchers

    /**
     * @dev Sets how many vouchers of `signer` can ever be claimed for series `seriesId`; zero forbids the series.
     * Claimed vouchers stay claimed; a cap below the claimed count stops further claims.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; the series exists ({ICollectible-CollectibleUnknownSeries}).
     *
     * Emits a {VoucherAllowanceSet} event.
     *
     * @param signer The voucher signer (it also needs `VOUCHER_SIGNER_ROLE`).
     * @param seriesId The series.
     * @param cap The most vouchers of `signer` that can ever be claimed for the series.
     */
    function setVoucherAllowance(address signer, uint256 seriesId, uint128 cap) external;

    /**
     * @dev Mints the next serial of series `seriesId` to `to`, on a `VOUCHER_SIGNER_ROLE` holder's EIP-712
     * signature of `Voucher(seriesId, to, voucherId, deadline)`. Anyone may submit it. Like {ICollectible-airdrop},
     * it does not call {IERC721Receiver-onERC721Received}: vouchers go to members' wallets.
     *
     * Requirements: not paused; `deadline` not passed ({CollectibleIntentExpired}); the signature recovers to a
     * current `VOUCHER_SIGNER_ROLE` holder ({CollectibleUnauthorizedVoucherSigner}: a revoked signer's unused
     * vouchers die with its role); the signer may issue for the series ({CollectibleVoucherSeriesNotAllowed}) and
     * is below its cap there ({CollectibleVoucherCapReached}); the voucher id is unused
     * ({CollectibleVoucherUsed}); the series is open and below its cap; `to` is not the zero address.
     *
     * Emits {IERC721-Transfer} and {VoucherClaimed} events, and an {IERC5192-Locked} event for a soulbound series.
     *
     * @param seriesId The series to mint from.
     * @param to The recipient.
     * @param voucherId The signer's id of the voucher: each works once.
     * @param deadline The last timestamp at which the voucher may be claimed.
     * @param signature The signer's signature: `r ‖ s ‖ v` (65 bytes, low-s).
     * @return tokenId The token minted.
     */
    function claimVoucher(
        uint256 seriesId,
        address to,
        uint256 voucherId,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 tokenId);

    /**
     * @dev Returns the cap of `signer` for series `seriesId` and how many of its vouchers were claimed there.
     * @param signer The voucher signer.
     * @param seriesId The series.
     * @return cap The most vouchers that can ever be claimed; zero when the series is forbidden.
     * @return claimed The vouchers claimed so far.
     */
    function voucherAllowance(address signer, uint256 seriesId) external view returns (uint256 cap, uint256 claimed);

    /**
     * @dev Returns whether voucher `voucherId` of `signer` was claimed.
     * @param signer The voucher signer.
     * @param voucherId The voucher's id.
     * @return Whether it was claimed.
     */
    function isVoucherUsed(address signer, uint256 voucherId) external view returns (bool);

    // ------------------------------------------------------------------ relay

    /**
     * @dev Executes each of `intents` (the ABI-encoded call of {giftBySig} or {claimVoucher}) in order, as if
     * submitted alone, and never all-or-nothing: an intent that fails is undone alone, reported by an
     * {IntentFailed} event, and the next one runs. Intents are delegate calls to this contract; neither reads who
     * sends it, and no address is ever appended to them (no ERC-2771), so a relayer cannot act for anyone.
     *
     * Requirements: none of its own; an intent that is not a {giftBySig} or {claimVoucher} call fails alone with
     * {CollectibleNotAnIntent}. An intent's state changes are kept only if it succeeds.
     *
     * Emits, per intent, the intent's own events or an {IntentFailed} event.
     *
     * @param intents The ABI-encoded calls, one per intent.
     * @return succeeded Whether each intent succeeded.
     * @return results Each intent's return data, or its revert data when it failed.
     */
    function relay(
        bytes[] calldata intents
    ) external returns (bool[] memory succeeded, bytes[] memory results);
}

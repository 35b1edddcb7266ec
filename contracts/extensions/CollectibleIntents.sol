// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ICollectibleIntents} from "../interfaces/ICollectibleIntents.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Members act without gas: they sign EIP-712 intents, anyone (the operator's relayer) submits them, and the
 * contract checks the signature itself. No ERC-2771 forwarder, no account abstraction, no nonce storage for gifts.
 *
 * Gifts. The owner signs `Gift(tokenId, to, deadline, acquiredAt)`. {giftBySig} rebuilds the message with the
 * acquisition time packed in the token's ownership word, checks the owner's signature, then runs the core's
 * transfer on the owner's behalf ({ERC721Packed-_transfer}), so the policy, the hold and the pause apply exactly
 * as to the owner's own {transferFrom}. Once used, a signature is dead: the gift happens after `acquiredAt`
 * ({CollectibleGiftTooSoon} refuses a token acquired at the current timestamp) and sets a new acquisition time, which
 * only grows, so the token's owner never has that `acquiredAt` again, even if the token comes back.
 *
 * Vouchers. A `VOUCHER_SIGNER_ROLE` holder signs `Voucher(seriesId, to, voucherId, deadline)`. Bounds held here:
 * the deadline, the role (revoking it kills the signer's unused vouchers), a per-signer, per-series cap with a
 * claimed counter in one slot ({_allowances}), and a per-signer bitmap of used voucher ids ({_usedVouchers}: bit
 * `id % 256` of word `id / 256`, so a signer numbering its vouchers 0, 1, 2, … pays one fresh word per 256).
 *
 * Relay. {relay} runs many intents in one transaction, each in its own delegate call so that one failure undoes
 * only itself. Only {giftBySig} and {claimVoucher} calls are accepted, and neither reads `msg.sender`: the
 * signature names who acts, so nothing a relayer adds or reorders makes it act for someone else.
 */
abstract contract CollectibleIntents is CollectibleSeries, EIP712, ICollectibleIntents {
    /// @notice Signs claim vouchers, within the caps the admin sets per series ({setVoucherAllowance}).
    bytes32 public constant VOUCHER_SIGNER_ROLE = keccak256("VOUCHER_SIGNER_ROLE");

    // The EIP-712 type strings, hashed at compile time: their length costs nothing at run time.
    // solhint-disable gas-small-strings
    bytes32 private constant _GIFT_TYPEHASH =
        keccak256("Gift(uint256 tokenId,address to,uint256 deadline,uint256 acquiredAt)");
    bytes32 private constant _VOUCHER_TYPEHASH =
        keccak256("Voucher(uint256 seriesId,address to,uint256 voucherId,uint256 deadline)");
    // solhint-enable gas-small-strings

    /// @dev Gas an ERC-1271 owner's `isValidSignature` may use: enough for a smart account verifying a passkey
    /// in Solidity, and a bound on what one hostile wallet can burn of a {relay} batch.
    uint256 private constant _ERC1271_GAS = 500_000;

    /// @dev Gas that must be left before the ERC-1271 call, so that the wallet gets all of `_ERC1271_GAS`: the call
    /// forwards at most 63/64 of what is left (EIP-150), and a margin covers encoding the query.
    uint256 private constant _ERC1271_GAS_LEFT = _ERC1271_GAS + _ERC1271_GAS / 63 + 5_000;

    /// @dev A signer's bounds for one series, in one slot: the cap (zero forbids the series) and the count claimed.
    struct VoucherAllowance {
        uint128 cap;
        uint128 claimed;
    }

    mapping(address signer => mapping(uint256 seriesId => VoucherAllowance allowance)) private _allowances;
    mapping(address signer => mapping(uint256 wordIndex => uint256 used)) private _usedVouchers;

    /// @dev The EIP-712 domain is the collection's `name_`, version "1".
    constructor(string memory name_) EIP712(name_, "1") {}

    // ------------------------------------------------------------------ gifts

    /// @inheritdoc ICollectibleIntents
    function giftBySig(uint256 tokenId, address to, uint256 deadline, bytes calldata signature) external {
        // A deadline is a timestamp by nature.
        // slither-disable-next-line timestamp
        if (block.timestamp > deadline) revert CollectibleIntentExpired(deadline);
        uint256 packed = _packedOwnershipOf(tokenId);
        address owner = address(uint160(packed));
        uint256 acquired = _acquiredAtOf(packed);
        bytes32 digest = _hashTypedDataV4(_hashStruct(_GIFT_TYPEHASH, tokenId, uint160(to), deadline, acquired));
        if (!_isOwnerSignature(owner, digest, signature)) revert CollectibleInvalidGiftSignature(tokenId, owner);
        // What makes the signature single-use (see the contract's description): acquisition times only grow.
        // slither-disable-next-line timestamp,incorrect-equality
        if (acquired == block.timestamp) revert CollectibleGiftTooSoon(tokenId);
        _transfer(owner, owner, to, tokenId);
    }

    // --------------------------------------------------------------- vouchers

    /// @inheritdoc ICollectibleIntents
    function setVoucherAllowance(
        address signer,
        uint256 seriesId,
        uint128 cap
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _existingSeries(seriesId);
        _allowances[signer][seriesId].cap = cap;
        emit VoucherAllowanceSet(signer, seriesId, cap);
    }

    /// @inheritdoc ICollectibleIntents
    function claimVoucher(
        uint256 seriesId,
        address to,
        uint256 voucherId,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused returns (uint256 tokenId) {
        // A deadline is a timestamp by nature.
        // slither-disable-next-line timestamp
        if (block.timestamp > deadline) revert CollectibleIntentExpired(deadline);
        bytes32 digest = _hashTypedDataV4(
            _hashStruct(_VOUCHER_TYPEHASH, seriesId, uint160(to), voucherId, deadline)
        );
        address signer = _recover(digest, signature);
        // The zero address is a failed recovery, even if the role was ever granted to it by mistake.
        if (signer == address(0) || !hasRole(VOUCHER_SIGNER_ROLE, signer)) {
            revert CollectibleUnauthorizedVoucherSigner(signer);
        }

        _useVoucher(signer, seriesId, voucherId);
        tokenId = _mintNext(seriesId, to);
        emit VoucherClaimed(signer, voucherId, tokenId);
    }

    /// @inheritdoc ICollectibleIntents
    function voucherAllowance(
        address signer,
        uint256 seriesId
    ) external view returns (uint256 cap, uint256 claimed) {
        VoucherAllowance storage allowance = _allowances[signer][seriesId];
        return (allowance.cap, allowance.claimed);
    }

    /// @inheritdoc ICollectibleIntents
    function isVoucherUsed(address signer, uint256 voucherId) external view returns (bool) {
        return (_usedVouchers[signer][voucherId >> 8] >> (voucherId & 0xff)) & 1 == 1;
    }

    // ------------------------------------------------------------------ relay

    /// @inheritdoc ICollectibleIntents
    function relay(
        bytes[] calldata intents
    ) external returns (bool[] memory succeeded, bytes[] memory results) {
        uint256 count = intents.length;
        succeeded = new bool[](count);
        results = new bytes[](count);
        for (uint256 i = 0; i < count; ++i) {
            bytes calldata intent = intents[i];
            bytes4 selector = intent.length < 4 ? bytes4(0) : bytes4(intent[:4]);
            bool ok = false;
            bytes memory result;
            if (selector == this.giftBySig.selector || selector == this.claimVoucher.selector) {
                // To this contract's own code, and only to the two intent functions, which read neither
                // `msg.sender` nor `msg.value` (this function is not payable): the delegate call is what undoes a
                // failed intent alone.
                // slither-disable-next-line calls-loop,low-level-calls
                // solhint-disable-next-line avoid-low-level-calls
                (ok, result) = address(this).delegatecall(intent);
            } else {
                result = abi.encodeWithSelector(CollectibleNotAnIntent.selector, selector);
            }
            succeeded[i] = ok;
            results[i] = result;
            if (!ok) emit IntentFailed(i, result);
        }
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev Counts voucher `voucherId` of `signer` against its cap for `seriesId` and marks it used.
     *
     * Requirements: the signer may issue for the series ({CollectibleVoucherSeriesNotAllowed}), is below its cap
     * there ({CollectibleVoucherCapReached}), and the voucher is unused ({CollectibleVoucherUsed}).
     */
    function _useVoucher(address signer, uint256 seriesId, uint256 voucherId) private {
        VoucherAllowance storage allowance = _allowances[signer][seriesId];
        uint256 cap = allowance.cap;
        uint256 claimed = allowance.claimed;
        if (cap == 0) revert CollectibleVoucherSeriesNotAllowed(signer, seriesId);
        if (claimed >= cap) revert CollectibleVoucherCapReached(signer, seriesId, cap);
        mapping(uint256 => uint256) storage used = _usedVouchers[signer];
        uint256 word = used[voucherId >> 8];
        uint256 bit = 1 << (voucherId & 0xff);
        if (word & bit != 0) revert CollectibleVoucherUsed(signer, voucherId);
        used[voucherId >> 8] = word | bit;
        // Fits: `claimed < cap`, itself a uint128.
        allowance.claimed = uint128(claimed + 1);
    }

    /**
     * @dev Whether `signature` is `owner`'s over `digest`: its key first (no account lookup, so the usual member
     * pays nothing for smart-account support), then ERC-1271 when `owner` is a contract.
     */
    function _isOwnerSignature(address owner, bytes32 digest, bytes calldata signature) private view returns (bool) {
        // Addresses compared, not times: slither's timestamp detector follows `owner` from the ownership word.
        // slither-disable-next-line timestamp
        if (_recover(digest, signature) == owner) return true;
        return owner.code.length != 0 && _isValidERC1271Signature(owner, digest, signature);
    }

    /**
     * @dev Whether contract `owner` accepts `signature` over `digest` under ERC-1271: a static call, given at most
     * `_ERC1271_GAS`, that returns at least a word holding the magic value {IERC1271-isValidSignature}'s
     * selector. A revert, running out of gas, a short answer or any other value is a refusal; but too little gas
     * left to give the wallet all of `_ERC1271_GAS` is {CollectibleSignatureCheckOutOfGas}, not a refusal: a
     * relayer cannot make a valid signature fail by the gas it sends. (OpenZeppelin's
     * {SignatureChecker} does the same, unbounded, but pulls in code that needs Cancun's `mcopy`; this collection
     * targets Shanghai.)
     */
    function _isValidERC1271Signature(
        address owner,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (bool) {
        uint256 left = gasleft();
        if (left < _ERC1271_GAS_LEFT) revert CollectibleSignatureCheckOutOfGas(left, _ERC1271_GAS_LEFT);
        bytes memory query = abi.encodeCall(IERC1271.isValidSignature, (digest, signature));
        bool ok;
        bytes32 answer;
        // Inline assembly: only the first word of the answer is copied (to the scratch space), so a wallet that
        // answers with megabytes ("return bomb") costs this contract nothing more.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            ok := staticcall(_ERC1271_GAS, owner, add(query, 0x20), mload(query), 0x00, 0x20)
            ok := and(ok, gt(returndatasize(), 0x1f))
            answer := mload(0x00)
        }
        return ok && answer == bytes32(IERC1271.isValidSignature.selector);
    }

    /**
     * @dev The EIP-712 struct hash of a message of type hash `typeHash` and four one-word fields (both of ours
     * have four): `keccak256(abi.encode(typeHash, a, b, c, d))`, hashed in place instead of in a new allocation.
     */
    function _hashStruct(
        bytes32 typeHash,
        uint256 a,
        uint256 b,
        uint256 c,
        uint256 d
    ) private pure returns (bytes32 structHash) {
        // Inline assembly: the signed gift's cost, documented here.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // The five words go at the free memory pointer, which is read and never moved: memory Solidity treats
            // as unallocated, so nothing it keeps there is overwritten.
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), a)
            mstore(add(m, 0x40), b)
            mstore(add(m, 0x60), c)
            mstore(add(m, 0x80), d)
            structHash := keccak256(m, 0xa0)
        }
    }

    /**
     * @dev The account whose key signed `digest` as the 65-byte `signature` (`r ‖ s ‖ v`), or the zero address
     * for a signature of another length, a high `s` (the malleable twin, as OpenZeppelin's {ECDSA} refuses it),
     * or a failed recovery; never reverts.
     *
     * The `ecrecover` precompile called directly, as Solady's `ECDSA.tryRecoverCalldata` does, rather than through
     * OpenZeppelin's {ECDSA-tryRecover}: no copy of the signature to memory, no slices. Equivalent to:
     *
     * ```solidity
     * if (signature.length != 65) return address(0);
     * bytes32 r = bytes32(signature[0:32]);
     * bytes32 s = bytes32(signature[32:64]);
     * (signer, , ) = ECDSA.tryRecover(digest, uint8(signature[64]), r, s);
     * ```
     */
    function _recover(bytes32 digest, bytes calldata signature) private view returns (address signer) {
        // Inline assembly: the signed gift's cost, documented above.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            if eq(signature.length, 65) {
                let s := calldataload(add(signature.offset, 0x20))
                // The upper half of the curve order, from OpenZeppelin's {ECDSA-tryRecover}: a lower `s` only.
                if iszero(gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0)) {
                    // ecrecover(digest, v, r, s) reads four words from the scratch space [0x00, 0x80), which
                    // overlaps the free memory pointer (0x40) and the zero slot (0x60): both are put back below.
                    let m := mload(0x40)
                    mstore(0x00, digest)
                    mstore(0x20, byte(0, calldataload(add(signature.offset, 0x40)))) // v, the 65th byte
                    calldatacopy(0x40, signature.offset, 0x20) // r
                    mstore(0x60, s)
                    // The precompile returns nothing for an invalid signature (then `signer` stays zero) and
                    // the 32-byte address word otherwise; it cannot fail with the gas it is given.
                    pop(staticcall(gas(), 0x01, 0x00, 0x80, 0x00, 0x20))
                    signer := mul(mload(0x00), eq(returndatasize(), 0x20))
                    mstore(0x60, 0)
                    mstore(0x40, m)
                }
            }
        }
    }
}

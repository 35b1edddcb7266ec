// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollectible} from "../interfaces/ICollectible.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {IERC6454} from "../interfaces/IERC6454.sol";
import {ERC721Packed} from "../token/ERC721Packed.sol";
import {CollectibleAdmin} from "./CollectibleAdmin.sol";

/**
 * @dev Transfer policies on the {ERC721Packed} core: who may move a token, decided by rules every token carries
 * in the extra data of its ownership word, copied from its series at mint (see {ICollectible-TransferPolicy}):
 *
 * - bits [216, 224): the transfer policy
 * - bits [224, 256): the hold period in seconds (`GiftAfterHold` only)
 *
 * `Free` tokens follow ERC-721; `GiftAfterHold` tokens move only by their owner once the hold is over, counted from
 * the acquisition time the core keeps; `Soulbound` tokens never move (ERC-5192 {locked}). Approvals are refused for
 * every policy but `Free`. Transfers also stop while the contract is paused. ERC-6454 {isTransferable} answers in
 * advance whether a transfer would go through.
 */
abstract contract CollectibleTransferPolicy is ERC721Packed, CollectibleAdmin, IERC5192, IERC6454 {
    /// @dev Position of the transfer policy in an ownership word (8 bits), the first of the core's extra data.
    uint256 internal constant _BITPOS_POLICY = _BITPOS_EXTRA;

    /// @dev Position of the hold period in seconds in an ownership word (32 bits, to the top of the word).
    uint256 internal constant _BITPOS_HOLD = _BITPOS_EXTRA + 8;

    /// @inheritdoc ICollectible
    function acquiredAt(uint256 tokenId) external view returns (uint256) {
        return _acquiredAtOf(_packedOwnershipOf(tokenId));
    }

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        return _isLocked(_packedOwnershipOf(tokenId));
    }

    /**
     * @inheritdoc IERC6454
     * @dev Answers for a transfer by the owner (the only caller a `GiftAfterHold`
     * token accepts): `false` while paused, when `from` is not the owner, for soulbound tokens and for gifts before
     * the hold is over. Burns (`to == 0`) by the owner are always allowed; mints (`from == 0`) to a non-zero
     * address are allowed for serials of an open series not minted yet and within its cap (a batch can mint
     * several at once).
     */
    function isTransferable(uint256 tokenId, address from, address to) external view returns (bool) {
        if (from == address(0)) return to != address(0) && !paused() && _mintable(tokenId);
        uint256 packed = _packedOwnershipOf(tokenId);
        if (paused() || from != address(uint160(packed))) return false;
        if (to == address(0)) return true;
        // `packed` holds the hold clock (a timestamp) beside the policy, so slither's incorrect-equality
        // detector sees a timestamp in the two comparisons below; they compare policy bits and never the time.
        // slither-disable-start incorrect-equality
        uint256 policy = _policyOf(packed);
        if (policy == uint8(TransferPolicy.Soulbound)) return false;
        return policy == uint8(TransferPolicy.Free) || block.timestamp >= _transferableAt(packed);
        // slither-disable-end incorrect-equality
    }

    /**
     * @dev Whether `tokenId` is among the serials its series could still mint.
     * @param tokenId The token id asked about.
     * @return Whether a mint could create it.
     */
    function _mintable(uint256 tokenId) internal view virtual returns (bool);

    /// @dev Transfers stop while paused ({Pausable-EnforcedPause}), before any other check.
    function _beforeTransfer() internal view override {
        _requireNotPaused();
    }

    /**
     * @dev Applies the token's policy: `Free` tokens follow ERC-721 (owner, operator or approved address);
     * `Soulbound` ones revert with {CollectibleSoulbound}; `GiftAfterHold` ones move only by their owner
     * ({CollectibleCallerNotOwner}) once the hold is over ({CollectibleHoldNotOver}).
     */
    function _authorizeTransfer(address caller, uint256 packed, uint256 tokenId) internal override {
        // `packed` holds the hold clock (a timestamp) beside the policy, so slither's incorrect-equality
        // detector sees a timestamp in these comparisons; they compare policy bits and never the time.
        // slither-disable-start incorrect-equality
        uint256 policy = _policyOf(packed);
        if (policy == uint8(TransferPolicy.Free)) {
            super._authorizeTransfer(caller, packed, tokenId);
        } else if (policy == uint8(TransferPolicy.Soulbound)) {
            revert CollectibleSoulbound(tokenId);
        } else {
            if (caller != address(uint160(packed))) revert CollectibleCallerNotOwner(tokenId, caller);
            uint256 transferableAt = _transferableAt(packed);
            if (block.timestamp < transferableAt) revert CollectibleHoldNotOver(tokenId, transferableAt);
        }
        // slither-disable-end incorrect-equality
    }

    /// @dev Only `Free` tokens can be approved ({CollectibleApprovalNotAllowed}), so no marketplace lists the others.
    function _authorizeApproval(uint256 packed, uint256 tokenId) internal pure override {
        if (_policyOf(packed) != uint8(TransferPolicy.Free)) revert CollectibleApprovalNotAllowed(tokenId);
    }

    /// @dev Only `Free` tokens: {_authorizeApproval} refuses the others.
    function _approvable(uint256 packed) internal pure override returns (bool) {
        // Compares policy bits, not the timestamp stored beside them.
        // slither-disable-next-line incorrect-equality
        return _policyOf(packed) == uint8(TransferPolicy.Free);
    }

    /// @dev `Soulbound` tokens are locked (ERC-5192).
    function _isLocked(uint256 packed) internal pure override returns (bool) {
        // Compares policy bits, not the timestamp stored beside them.
        // slither-disable-next-line incorrect-equality
        return _policyOf(packed) == uint8(TransferPolicy.Soulbound);
    }

    /**
     * @dev The policy bits of ownership word `packed`, as a number: compared with `uint8(TransferPolicy.X)` rather
     * than converted to the enum, because the bits always hold a valid policy (copied from a series, which took
     * an enum argument) and the conversion's range check would cost every mint and transfer a branch and keep
     * the optimizer from inlining this function.
     */
    function _policyOf(uint256 packed) private pure returns (uint256) {
        return uint8(packed >> _BITPOS_POLICY);
    }

    function _transferableAt(uint256 packed) private pure returns (uint256) {
        return uint40(packed >> _BITPOS_ACQUIRED_AT) + uint32(packed >> _BITPOS_HOLD);
    }
}

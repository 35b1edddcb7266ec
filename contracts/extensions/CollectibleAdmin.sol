// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";

/**
 * @dev The admin powers of {Collectible}: the role names, the pause, and the default ERC-2981 royalty under a cap.
 *
 * Roles: `DEFAULT_ADMIN_ROLE` (two-step transfer with a delay, from {AccessControlDefaultAdminRules}, whose
 * constructor arguments the final contract gives) creates and closes series, pauses, sets royalties and grants the
 * other roles; `MINTER_ROLE` mints, airdrops and sets claim roots; `METADATA_ROLE` sets and freezes base URIs and
 * the contract URI.
 */
abstract contract CollectibleAdmin is ICollectible, AccessControlDefaultAdminRules, Pausable, ERC2981 {
    /// @notice Mints, airdrops and sets claim roots.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Sets and freezes series base URIs and sets the contract URI.
    bytes32 public constant METADATA_ROLE = keccak256("METADATA_ROLE");

    /// @notice Royalty cap, in basis points of the sale price (10%).
    uint96 public constant MAX_ROYALTY_BPS = 1_000;

    /// @inheritdoc ICollectible
    function setDefaultRoyalty(address receiver, uint96 feeNumerator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRoyalty(receiver, feeNumerator);
    }

    /// @inheritdoc ICollectible
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc ICollectible
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /**
     * @inheritdoc AccessControlDefaultAdminRules
     * @dev Both bases answer ERC-165 queries: roles (with the default admin rules) and ERC-2981.
     */
    function supportsInterface(
        bytes4 interfaceId
    ) public view virtual override(AccessControlDefaultAdminRules, ERC2981) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /**
     * @dev Sets the default royalty: `feeNumerator` basis points to `receiver`.
     *
     * Requirements: `feeNumerator` is at most `MAX_ROYALTY_BPS` (else {CollectibleRoyaltyTooHigh}); `receiver` is
     * not the zero address (else ERC-2981's {ERC2981InvalidDefaultRoyaltyReceiver}).
     *
     * Emits a {DefaultRoyaltyUpdated} event.
     */
    function _setRoyalty(address receiver, uint96 feeNumerator) internal {
        if (feeNumerator > MAX_ROYALTY_BPS) revert CollectibleRoyaltyTooHigh(feeNumerator, MAX_ROYALTY_BPS);
        _setDefaultRoyalty(receiver, feeNumerator);
        emit DefaultRoyaltyUpdated(receiver, feeNumerator);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/interfaces/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

import {CollectibleAdmin} from "./extensions/CollectibleAdmin.sol";
import {CollectibleAirdrop} from "./extensions/CollectibleAirdrop.sol";
import {CollectibleClaims} from "./extensions/CollectibleClaims.sol";
import {CollectibleIntents} from "./extensions/CollectibleIntents.sol";
import {CollectibleMetadata} from "./extensions/CollectibleMetadata.sol";
import {ICollectibleIntents} from "./interfaces/ICollectibleIntents.sol";
import {IERC5192} from "./interfaces/IERC5192.sol";
import {IERC6454} from "./interfaces/IERC6454.sol";

/**
 * @dev A themed ERC-721 collection of numbered editions ("serial 12 of 500"), grouped in series that each carry a
 * cap, a transfer policy, a base URI and a claim Merkle root.
 *
 * This contract only composes its parts, as OpenZeppelin's presets do:
 *
 * - {ERC721Packed} (`token/`): the ERC-721 core, with owner, hold clock and per-token rules packed in one slot
 *   and lazily owned runs for batch mints;
 * - {CollectibleAdmin}: roles (a default admin that moves in two steps, a delay apart, from
 *   {AccessControlDefaultAdminRules}), pause and the capped default royalty (ERC-2981);
 * - {CollectibleTransferPolicy}: `Free`, `GiftAfterHold` and `Soulbound` tokens (ERC-5192, ERC-6454);
 * - {CollectibleSeries}: series, serials, direct and batch mints, burns;
 * - {CollectibleAirdrop}: push airdrops, at most one token per campaign member;
 * - {CollectibleClaims}: Merkle allowlist claims;
 * - {CollectibleIntents}: EIP-712 signed gifts and claim vouchers, relayed by anyone, many per transaction;
 * - {CollectibleMetadata}: name, symbol, per-series base URIs with ERC-4906, freezes, ERC-7572 contract URI.
 */
contract Collectible is CollectibleAirdrop, CollectibleClaims, CollectibleMetadata, CollectibleIntents {
    /**
     * @dev Sets the collection's `name_` and `symbol_`, makes `admin` the default admin (whose role moves in
     * two steps, `adminTransferDelay` seconds apart) and sets the default royalty unless `royaltyReceiver` is
     * the zero address.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        uint48 adminTransferDelay,
        address royaltyReceiver,
        uint96 royaltyFeeNumerator
    )
        CollectibleMetadata(name_, symbol_)
        CollectibleIntents(name_)
        AccessControlDefaultAdminRules(adminTransferDelay, admin)
    {
        if (royaltyReceiver != address(0)) {
            _setRoyalty(royaltyReceiver, royaltyFeeNumerator);
        }
    }

    /// @inheritdoc IERC165
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(IERC165, CollectibleAdmin) returns (bool) {
        return
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId ||
            interfaceId == bytes4(0x49064906) || // ERC-4906, as the ERC defines its id
            interfaceId == type(IERC5192).interfaceId ||
            interfaceId == type(IERC6454).interfaceId ||
            interfaceId == type(ICollectibleIntents).interfaceId ||
            super.supportsInterface(interfaceId); // ERC-2981, access control and its admin rules, ERC-165
    }
}

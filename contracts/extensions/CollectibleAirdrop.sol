// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollectible} from "../interfaces/ICollectible.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Push airdrops that give each member of a campaign one token at most, however the campaign is split into
 * batches, ordered, replayed or resumed, from any machine.
 *
 * A campaign is a set of members, numbered 0, 1, 2, … by the sender (the off-chain planner numbers them by
 * their place in the sorted member list, so the numbering does not depend on the file's order or the batch
 * size). {airdrop} is given the number of its first recipient, `firstIndex`: recipient `i` is member
 * `firstIndex + i`. A bitmap keyed by the calling minter, the series and the campaign marks every member minted;
 * a member already marked is skipped, not reverted, so a replayed or overlapping batch mints only for the
 * members no batch has served yet.
 *
 * Storage layout. The marks of campaign `campaignId` of series `seriesId` sent by `minter` live in
 * `_airdropMarks[key]` with `key = keccak256(abi.encode(minter, seriesId, campaignId))` (see {_campaignKey}):
 * word `w` holds members `256 * w` to `256 * w + 255`, member `m` at bit `m % 256` of word `m / 256`. Binding
 * the key to the minter and the series means nobody else's execution (another `MINTER_ROLE` holder, another
 * series) can mark our members. Each word is read once and written at most once per call, so a fresh batch of
 * `n` members pays about one cold write per 256 members on top of the core's two writes per token.
 */
abstract contract CollectibleAirdrop is CollectibleSeries {
    mapping(bytes32 campaignKey => mapping(uint256 wordIndex => uint256 marks)) private _airdropMarks;

    /// @inheritdoc ICollectible
    function airdrop(
        uint256 seriesId,
        bytes32 campaignId,
        uint256 firstIndex,
        address[] calldata recipients
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId, uint256 minted) {
        if (campaignId == bytes32(0)) revert CollectibleInvalidCampaignId();
        uint256 count = recipients.length;
        if (count == 0) revert CollectibleInvalidQuantity(0);
        // The last member number, `firstIndex + count - 1`, must fit: cannot underflow, `count` is at least one.
        if (firstIndex > type(uint256).max - (count - 1)) revert CollectibleInvalidMemberRange(firstIndex, count);

        mapping(uint256 => uint256) storage marks = _airdropMarks[
            _campaignKey(_msgSender(), seriesId, campaignId)
        ];
        uint256[] memory before;
        (minted, before) = _mark(marks, firstIndex, count);
        // Every member already served: nothing to mint, nothing to announce.
        if (minted == 0) return (0, 0);

        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, minted);
        if (minted == count) {
            _mintEach(recipients, firstTokenId, rules);
        } else {
            _mintUnmarked(recipients, firstIndex, before, firstTokenId, rules);
        }
        emit AirdropExecuted(_msgSender(), seriesId, campaignId, firstIndex, count, firstTokenId, minted);
    }

    /// @inheritdoc ICollectible
    function isAirdropped(
        address minter,
        uint256 seriesId,
        bytes32 campaignId,
        uint256 memberIndex
    ) external view returns (bool) {
        uint256 word = _airdropMarks[_campaignKey(minter, seriesId, campaignId)][memberIndex >> 8];
        return (word >> (memberIndex & 0xff)) & 1 == 1;
    }

    /// @inheritdoc ICollectible
    function airdropMarks(
        address minter,
        uint256 seriesId,
        bytes32 campaignId,
        uint256 wordIndex
    ) external view returns (uint256) {
        return _airdropMarks[_campaignKey(minter, seriesId, campaignId)][wordIndex];
    }

    // ---------------------------------------------------------------- internals

    /// @dev The key of a campaign's marks: bound to the minter that sends it and the series it mints from.
    function _campaignKey(address minter, uint256 seriesId, bytes32 campaignId) private pure returns (bytes32) {
        return keccak256(abi.encode(minter, seriesId, campaignId));
    }

    /**
     * @dev Marks members `firstIndex` to `firstIndex + count - 1` in `marks` and returns how many of them were
     * not marked before (`fresh`) and the words as they were (`before`, word `firstIndex / 256` first), so the
     * caller can tell whom to skip. Each word is read once and written once, only if it gains a mark.
     *
     * `count` is at least one and `firstIndex + count - 1` fits a uint256 (checked by {airdrop}).
     */
    function _mark(
        mapping(uint256 => uint256) storage marks,
        uint256 firstIndex,
        uint256 count
    ) private returns (uint256 fresh, uint256[] memory before) {
        uint256 last = firstIndex + (count - 1);
        uint256 firstWord = firstIndex >> 8;
        uint256 lastWord = last >> 8;
        before = new uint256[](lastWord - firstWord + 1);
        for (uint256 w = firstWord; w <= lastWord; ++w) {
            // The members of this call in word `w`: bits `low` to `high`, both included.
            uint256 low = w == firstWord ? firstIndex & 0xff : 0;
            uint256 high = w == lastWord ? last & 0xff : 0xff;
            uint256 mask = (type(uint256).max >> (0xff - high)) & (type(uint256).max << low);
            uint256 old = marks[w];
            before[w - firstWord] = old;
            uint256 served = old & mask;
            // Cannot underflow: `served` has at most the `high - low + 1` bits of `mask`.
            fresh += high - low + 1 - _popCount(served);
            if (served != mask) marks[w] = old | mask;
        }
    }

    /**
     * @dev Mints one token to each recipient whose member was not marked in `before` (the words {_mark} read),
     * in order, from `firstTokenId`, which {_reserve} took for exactly that many tokens. The path of a replay
     * that overlaps an earlier batch: plain Solidity through the core's {_mint}, as it is rare.
     *
     * Requirements: no minted recipient is the zero address ({ERC721InvalidReceiver}).
     */
    function _mintUnmarked(
        address[] calldata recipients,
        uint256 firstIndex,
        uint256[] memory before,
        uint256 firstTokenId,
        uint256 rules
    ) private {
        uint256 firstWord = firstIndex >> 8;
        uint256 tokenId = firstTokenId;
        uint256 count = recipients.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 member = firstIndex + i;
            if ((before[(member >> 8) - firstWord] >> (member & 0xff)) & 1 == 1) continue;
            address to = recipients[i];
            if (to == address(0)) revert ERC721InvalidReceiver(address(0));
            _mint(to, tokenId, rules);
            ++tokenId;
        }
    }

    /// @dev The number of set bits of `x` (one step per set bit: only overlapping replays have any).
    function _popCount(uint256 x) private pure returns (uint256 n) {
        while (x != 0) {
            x &= x - 1;
            ++n;
        }
    }
}

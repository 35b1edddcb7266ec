// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollectible} from "../interfaces/ICollectible.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Push airdrops that happen exactly once: a batch of recipients gets the next serials of a series, and the
 * batch id the sender chose is recorded with the first token id, so sending the same batch again (after a crash
 * or a lost receipt) mints nothing and answers with the original first token id.
 *
 * The replay mark costs one slot per batch; everything else an airdropped token needs rides on the two writes
 * the core's {_mintEach} cannot avoid (ownership word and balance).
 */
abstract contract CollectibleAirdrop is CollectibleSeries {
    mapping(bytes32 batchId => uint256 firstTokenId) private _airdropFirstTokenIds;

    /// @inheritdoc ICollectible
    function airdrop(
        uint256 seriesId,
        bytes32 batchId,
        address[] calldata recipients
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId) {
        if (batchId == bytes32(0)) revert CollectibleInvalidBatchId();
        firstTokenId = _airdropFirstTokenIds[batchId];
        if (firstTokenId != 0) return firstTokenId;

        uint256 count = recipients.length;
        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, count);
        _airdropFirstTokenIds[batchId] = firstTokenId;
        _mintEach(recipients, firstTokenId, rules);
        emit AirdropExecuted(batchId, seriesId, firstTokenId, count);
    }

    /// @inheritdoc ICollectible
    function airdropFirstTokenId(bytes32 batchId) external view returns (uint256) {
        return _airdropFirstTokenIds[batchId];
    }
}

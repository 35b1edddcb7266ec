// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Pull mints against a Merkle allowlist: each series may carry a claim root, and every account in its tree
 * claims one token of the series, once. Leaves are OpenZeppelin StandardMerkleTree leaves of type `["address"]`,
 * so the tree is built with the npm package `merkle-tree` of OpenZeppelin (or our Python port of it) and checked with
 * {MerkleProof}.
 */
abstract contract CollectibleClaims is CollectibleSeries {
    mapping(uint256 seriesId => mapping(address account => bool)) private _claimed;

    /// @inheritdoc ICollectible
    function setMerkleRoot(uint256 seriesId, bytes32 root) external onlyRole(MINTER_ROLE) {
        _existingSeries(seriesId).merkleRoot = root;
        emit MerkleRootUpdated(seriesId, root);
    }

    /// @inheritdoc ICollectible
    function claim(
        uint256 seriesId,
        address account,
        bytes32[] calldata proof
    ) external whenNotPaused returns (uint256 tokenId) {
        bytes32 root = _existingSeries(seriesId).merkleRoot;
        if (root == bytes32(0)) revert CollectibleClaimsNotOpen(seriesId);
        if (_claimed[seriesId][account]) revert CollectibleAlreadyClaimed(seriesId, account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert CollectibleInvalidProof(seriesId, account);
        _claimed[seriesId][account] = true;
        tokenId = _mintNext(seriesId, account);
        emit Claimed(seriesId, account, tokenId);
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), account, tokenId, "");
    }

    /// @inheritdoc ICollectible
    function hasClaimed(uint256 seriesId, address account) external view returns (bool) {
        return _claimed[seriesId][account];
    }
}

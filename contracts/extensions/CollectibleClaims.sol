// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Pull mints against a Merkle allowlist: each series may carry a claim tree, and every leaf of it claims one
 * token of the series, once. Leaves are OpenZeppelin StandardMerkleTree leaves of type `["uint256", "address"]`,
 * `[index, account]` with indices 0 to the member count minus one, so the tree is built with the npm package
 * `merkle-tree` of OpenZeppelin (or our Python port of it) and checked with {MerkleProof}.
 *
 * Claims are recorded by leaf index in a bitmap: bit `index % 256` of word `index / 256` of the series, so 256
 * members share one storage slot and only the first claim of each word pays for a fresh slot. The member count
 * set with the root is read only when a proof fails, to tell an index past the end from a wrong proof.
 */
abstract contract CollectibleClaims is CollectibleSeries {
    mapping(uint256 seriesId => mapping(uint256 word => uint256 bits)) private _claimedBitmaps;
    mapping(uint256 seriesId => uint256 members) private _claimMembers;

    /// @inheritdoc ICollectible
    function setMerkleRoot(uint256 seriesId, bytes32 root, uint256 members) external onlyRole(MINTER_ROLE) {
        _existingSeries(seriesId).merkleRoot = root;
        _claimMembers[seriesId] = members;
        emit MerkleRootUpdated(seriesId, root, members);
    }

    /// @inheritdoc ICollectible
    function claim(
        uint256 seriesId,
        uint256 index,
        address account,
        bytes32[] calldata proof
    ) external whenNotPaused returns (uint256 tokenId) {
        // Only an existing series can have a root, so the existence check waits for a zero one; the mint reads
        // the series' first slot anyway.
        bytes32 root = _seriesAt(seriesId).merkleRoot;
        if (root == bytes32(0)) {
            _existingSeries(seriesId);
            revert CollectibleClaimsNotOpen(seriesId);
        }
        mapping(uint256 word => uint256 bits) storage bitmap = _claimedBitmaps[seriesId];
        uint256 bits = bitmap[index >> 8];
        uint256 mask = 1 << (index & 0xff);
        if (bits & mask != 0) revert CollectibleAlreadyClaimed(seriesId, index);
        if (!_isLeaf(root, index, account, proof)) {
            uint256 members = _claimMembers[seriesId];
            if (index >= members) revert CollectibleClaimIndexOutOfRange(seriesId, index, members);
            revert CollectibleInvalidProof(seriesId, index, account);
        }
        bitmap[index >> 8] = bits | mask;
        tokenId = _mintNext(seriesId, account);
        emit Claimed(seriesId, account, index, tokenId);
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), account, tokenId, "");
    }

    /// @inheritdoc ICollectible
    function isClaimed(uint256 seriesId, uint256 index) external view returns (bool) {
        return _claimedBitmaps[seriesId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc ICollectible
    function claimMembers(uint256 seriesId) external view returns (uint256) {
        return _claimMembers[seriesId];
    }

    /**
     * @dev Whether `proof` leads from the StandardMerkleTree leaf `[index, account]` to `root`. Equivalent to
     *
     * ```solidity
     * bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account))));
     * return MerkleProof.verifyCalldata(proof, root, leaf);
     * ```
     *
     * in assembly because the proof is most of a claim's work: 20 hashes for a million members, for which
     * OpenZeppelin's loop spends about 60 gas a hash more in bounds checks, calls and stack shuffling, and its
     * leaf encoding allocates memory. Every hash here is of the 64 bytes of the scratch space.
     */
    function _isLeaf(
        bytes32 root,
        uint256 index,
        address account,
        bytes32[] calldata proof
    ) private pure returns (bool valid) {
        // "memory-safe": the block writes only the scratch space [0x00, 0x40) and allocates nothing.
        // Inline assembly: the proof loop is a claim's main cost, documented above.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // The leaf: keccak256(abi.encode(index, account)), hashed again as 32 bytes. `account` is clean, the
            // ABI decoder reverts on an address with dirty upper bits.
            mstore(0x00, index)
            mstore(0x20, account)
            mstore(0x00, keccak256(0x00, 0x40))
            let node := keccak256(0x00, 0x20)
            // `proof` is a calldata array whose offset and length the ABI decoder checked against the calldata
            // size, so every word read below is in bounds.
            let end := add(proof.offset, shl(5, proof.length))
            for {
                let p := proof.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let sibling := calldataload(p)
                // A parent hashes its children smaller first: `lo` is the smaller of the two, `lo ^ node ^
                // sibling` the larger (for equal words both are the same word).
                let both := xor(node, sibling)
                let lo := xor(node, mul(both, gt(node, sibling)))
                mstore(0x00, lo)
                mstore(0x20, xor(both, lo))
                node := keccak256(0x00, 0x40)
            }
            valid := eq(node, root)
        }
    }
}

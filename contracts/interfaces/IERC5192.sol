// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Interface of ERC-5192, minimal soulbound NFTs. Interface id `0xb45a3c0e`.
 */
interface IERC5192 {
    /**
     * @dev Emitted when the locking status of `tokenId` becomes locked, including at mint.
     * @param tokenId The token.
     */
    event Locked(uint256 tokenId);

    /**
     * @dev Emitted when the locking status of `tokenId` becomes unlocked.
     * @param tokenId The token.
     */
    event Unlocked(uint256 tokenId);

    /**
     * @dev Returns whether `tokenId` can never be transferred.
     *
     * Requirements:
     *
     * - `tokenId` must exist.
     *
     * @param tokenId The token.
     * @return Whether the token is soulbound.
     */
    function locked(uint256 tokenId) external view returns (bool);
}

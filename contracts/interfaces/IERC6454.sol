// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Interface of ERC-6454, minimal transferable NFT detection. Interface id `0x91a6262f`.
 */
interface IERC6454 {
    /**
     * @dev Returns whether `tokenId` can move from `from` to `to` right now. A `false` answer means such a
     * transfer reverts. `from == address(0)` asks about minting and `to == address(0)` about burning.
     *
     * Requirements:
     *
     * - `tokenId` must exist, unless `from` is the zero address.
     *
     * @param tokenId The token.
     * @param from The current owner, or the zero address for a mint.
     * @param to The recipient, or the zero address for a burn.
     * @return Whether the transfer would go through now.
     */
    function isTransferable(uint256 tokenId, address from, address to) external view returns (bool);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The three calls benchmarks/peers.py makes of every peer token, so one Python path drives them all.
/// The harnesses have no access control and mint with the library's plain `_mint` (no receiver check), so a
/// figure is the token library's own cost of the operation and nothing of a product's bookkeeping.
interface IPeer {
    /**
     * @dev Push airdrop: mints the next token ids to `recipients`, one each.
     * @param recipients One wallet per token.
     */
    function airdrop(address[] calldata recipients) external;

    /**
     * @dev Mints `quantity` tokens with consecutive ids to `to`, in the library's cheapest way.
     * @param to The one wallet receiving every token.
     * @param quantity How many tokens to mint.
     */
    function mintBatch(address to, uint256 quantity) external;

    /**
     * @dev Mints the next token id to `to`.
     * @param to The wallet receiving the token.
     */
    function mint(address to) external;
}

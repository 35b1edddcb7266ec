// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @dev Plain OpenZeppelin ERC-721 with a naive airdrop loop: the gas benchmark's point of comparison.
contract PlainERC721Mock is ERC721 {
    uint256 private _nextTokenId = 1;

    constructor() ERC721("Plain", "PLAIN") {}

    /**
     * @dev Mints the next token ids to `recipients`, one each, with OpenZeppelin's `_mint`.
     * @param recipients One wallet per token.
     */
    function airdrop(address[] calldata recipients) external {
        uint256 tokenId = _nextTokenId;
        // The naive loop the gas benchmark compares against, kept as first measured: solhint's gas hints would
        // move the comparison's figure.
        // solhint-disable-next-line gas-length-in-loops
        for (uint256 i = 0; i < recipients.length; ++i) {
            // solhint-disable-next-line gas-increment-by-one
            _mint(recipients[i], tokenId++);
        }
        _nextTokenId = tokenId;
    }
}

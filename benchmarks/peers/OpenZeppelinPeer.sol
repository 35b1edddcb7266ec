// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IPeer} from "./IPeer.sol";

/// @dev OpenZeppelin's ERC721 behind the benchmark's calls. OpenZeppelin's only batch mint (ERC721Consecutive)
/// works in the constructor alone, so the batch is a loop of `_mint`, the next token id kept in memory across a
/// loop and written once.
contract OpenZeppelinPeer is ERC721, IPeer {
    uint256 private _nextTokenId;

    constructor() ERC721("OpenZeppelin peer", "OZ") {}

    /// @inheritdoc IPeer
    function airdrop(address[] calldata recipients) external {
        uint256 tokenId = _nextTokenId;
        uint256 count = recipients.length;
        for (uint256 i = 0; i < count; ++i) {
            _mint(recipients[i], tokenId);
            ++tokenId;
        }
        _nextTokenId = tokenId;
    }

    /// @inheritdoc IPeer
    function mintBatch(address to, uint256 quantity) external {
        uint256 tokenId = _nextTokenId;
        for (uint256 i = 0; i < quantity; ++i) {
            _mint(to, tokenId);
            ++tokenId;
        }
        _nextTokenId = tokenId;
    }

    /// @inheritdoc IPeer
    function mint(address to) external {
        uint256 tokenId = _nextTokenId;
        _nextTokenId = tokenId + 1;
        _mint(to, tokenId);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "solady/src/tokens/ERC721.sol";
import {IPeer} from "./IPeer.sol";

/// @dev Solady's ERC721 behind the benchmark's calls. Solady has no batch mint: the batch is a loop of `_mint`,
/// and the next token id is kept in memory across a loop and written once, as a careful integrator would.
contract SoladyPeer is ERC721, IPeer {
    uint256 private _nextTokenId;

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

    /// @inheritdoc ERC721
    function name() public pure override returns (string memory) {
        return "Solady peer";
    }

    /// @inheritdoc ERC721
    function symbol() public pure override returns (string memory) {
        return "SOLADY";
    }

    /// @inheritdoc ERC721
    function tokenURI(uint256) public pure override returns (string memory) {
        return "";
    }
}

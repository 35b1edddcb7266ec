// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721A} from "erc721a/contracts/ERC721A.sol";
import {IPeer} from "./IPeer.sol";

/// @dev ERC721A behind the benchmark's calls. A batch is one `_mint(to, quantity)`: one owner slot and one
/// balance write for the whole run, the owners of the later tokens found by reading back to it. An airdrop
/// to many wallets cannot share slots, so it is a loop of `_mint(recipient, 1)`.
contract ERC721APeer is ERC721A, IPeer {
    constructor() ERC721A("ERC721A peer", "ERC721A") {}

    /// @inheritdoc IPeer
    function airdrop(address[] calldata recipients) external {
        uint256 count = recipients.length;
        for (uint256 i = 0; i < count; ++i) {
            _mint(recipients[i], 1);
        }
    }

    /// @inheritdoc IPeer
    function mintBatch(address to, uint256 quantity) external {
        _mint(to, quantity);
    }

    /// @inheritdoc IPeer
    function mint(address to) external {
        _mint(to, 1);
    }
}

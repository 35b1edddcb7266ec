// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @dev Accepts ERC-721 tokens and counts the callbacks it received. Only tests deploy it.
contract ReceiverMock is IERC721Receiver {
    uint256 public received;

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        ++received;
        return IERC721Receiver.onERC721Received.selector;
    }
}

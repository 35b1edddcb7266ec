// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev A contract that cannot hold ERC-721 tokens: it has no `onERC721Received`. Only tests deploy it.
contract NonReceiverMock {}

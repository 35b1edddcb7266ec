// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev A contract that cannot hold ERC-721 tokens: it has no `onERC721Received`. Only tests deploy it.
// Having no code, and so no `onERC721Received`, is what it is for.
// solhint-disable-next-line no-empty-blocks
contract NonReceiverMock {}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Interface of ERC-7572, contract-level metadata via `contractURI()`.
 */
interface IERC7572 {
    /// @dev Emitted when the value returned by {contractURI} changes.
    event ContractURIUpdated();

    /**
     * @dev Returns the URI of the collection-level metadata JSON.
     * @return The URI.
     */
    function contractURI() external view returns (string memory);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";
import {IERC7572} from "../interfaces/IERC7572.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Metadata: the collection's name and symbol, one base URI per series (no storage per token), ERC-4906
 * {BatchMetadataUpdate} over a whole series when its base URI changes (a reveal), a freeze per series, and the
 * ERC-7572 contract URI.
 */
abstract contract CollectibleMetadata is CollectibleSeries, IERC721Metadata, IERC4906, IERC7572 {
    string private _name;
    string private _symbol;
    string private _contractURI;

    /// @dev Sets the collection's `name_` and `symbol_`.
    constructor(string memory name_, string memory symbol_) {
        _name = name_;
        _symbol = symbol_;
    }

    /// @inheritdoc IERC721Metadata
    function name() external view returns (string memory) {
        return _name;
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /**
     * @inheritdoc IERC721Metadata
     * @dev A base URI ending in `/` names a folder: the token's URI is
     * `<baseURI><serial>.json`. Any other base URI is one document shared by the whole series, such as a
     * placeholder before the reveal.
     */
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _packedOwnershipOf(tokenId);
        (uint256 seriesId, uint256 serial) = _split(tokenId);
        bytes memory base = bytes(_seriesAt(seriesId).baseURI);
        if (base.length == 0 || base[base.length - 1] != "/") return string(base);
        return string.concat(string(base), Strings.toString(serial), ".json");
    }

    /// @inheritdoc ICollectible
    function setSeriesBaseURI(uint256 seriesId, string calldata baseURI) external onlyRole(METADATA_ROLE) {
        Series storage s = _existingSeries(seriesId);
        if (s.metadataFrozen) revert CollectibleMetadataFrozen(seriesId);
        s.baseURI = baseURI;
        emit SeriesBaseURIUpdated(seriesId, baseURI);
        uint256 first = seriesId * SERIES_STRIDE + 1;
        emit BatchMetadataUpdate(first, first + s.maxSupply - 1);
    }

    /// @inheritdoc ICollectible
    function freezeSeriesMetadata(uint256 seriesId) external onlyRole(METADATA_ROLE) {
        Series storage s = _existingSeries(seriesId);
        if (s.metadataFrozen) revert CollectibleMetadataFrozen(seriesId);
        s.metadataFrozen = true;
        emit SeriesMetadataFrozen(seriesId);
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    /// @inheritdoc ICollectible
    function setContractURI(string calldata uri) external onlyRole(METADATA_ROLE) {
        _contractURI = uri;
        emit ContractURIUpdated();
    }
}

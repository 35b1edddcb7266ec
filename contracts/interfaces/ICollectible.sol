// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Events, errors and external functions of {Collectible}, the themed ERC-721 collection.
 *
 * Scripts and tests decode these: keep them stable. Token ids encode their series and serial as
 * `seriesId * 1_000_000 + serial`, so token `3000012` is serial 12 of series 3.
 */
interface ICollectible {
    /**
     * @dev Who may move a token of a series. Fixed when the series is created.
     *
     * - `Free`: standard ERC-721 transfers, approvals and operators.
     * - `GiftAfterHold`: only the owner may transfer, and only `holdSeconds` after acquiring the token;
     *   approvals and operators are refused, so no marketplace can list it.
     * - `Soulbound`: never transferable (ERC-5192 `locked`).
     */
    enum TransferPolicy {
        Free,
        GiftAfterHold,
        Soulbound
    }

    /// @dev Everything known about a series, as returned by {series}.
    struct SeriesInfo {
        string name;
        string baseURI;
        bytes32 merkleRoot;
        uint256 maxSupply;
        uint256 minted;
        uint256 burned;
        TransferPolicy policy;
        uint256 holdSeconds;
        bool closed;
        bool metadataFrozen;
    }

    // ------------------------------------------------------------------ events

    /// @dev Emitted when series `seriesId` is created.
    event SeriesCreated(
        uint256 indexed seriesId,
        string name,
        uint256 maxSupply,
        TransferPolicy policy,
        uint256 holdSeconds,
        string baseURI
    );

    /// @dev Emitted when series `seriesId` is closed to minting for good.
    event SeriesClosed(uint256 indexed seriesId);

    /// @dev Emitted when the base URI of series `seriesId` changes (a reveal, for instance).
    event SeriesBaseURIUpdated(uint256 indexed seriesId, string baseURI);

    /// @dev Emitted when the metadata of series `seriesId` is frozen for good.
    event SeriesMetadataFrozen(uint256 indexed seriesId);

    /// @dev Emitted when the claim Merkle root of series `seriesId` is set to `root`.
    event MerkleRootUpdated(uint256 indexed seriesId, bytes32 root);

    /// @dev Emitted when `account` claims token `tokenId` of series `seriesId`.
    event Claimed(uint256 indexed seriesId, address indexed account, uint256 tokenId);

    /// @dev Emitted once per executed airdrop batch: tokens `firstTokenId` to `firstTokenId + count - 1`.
    event AirdropExecuted(bytes32 indexed batchId, uint256 indexed seriesId, uint256 firstTokenId, uint256 count);

    /// @dev Emitted when the default ERC-2981 royalty changes.
    event DefaultRoyaltyUpdated(address indexed receiver, uint96 feeNumerator);

    // ------------------------------------------------------------------ errors

    /// @dev `seriesId` does not name a created series.
    error CollectibleUnknownSeries(uint256 seriesId);

    /// @dev Minting would take series `seriesId` past its cap of `maxSupply` tokens.
    error CollectibleMaxSupplyReached(uint256 seriesId, uint256 maxSupply);

    /// @dev Series `seriesId` is closed to minting.
    error CollectibleSeriesClosed(uint256 seriesId);

    /// @dev `maxSupply` is zero or above the per-series limit of 999,999.
    error CollectibleInvalidMaxSupply(uint256 maxSupply);

    /// @dev A hold period was given for a policy that has none, or is longer than a uint32.
    error CollectibleInvalidHold(TransferPolicy policy, uint256 holdSeconds);

    /// @dev A series needs a name.
    error CollectibleEmptySeriesName();

    /// @dev A mint of `quantity` tokens was asked for; it must be at least one.
    error CollectibleInvalidQuantity(uint256 quantity);

    /// @dev Airdrop batch ids must be non-zero.
    error CollectibleInvalidBatchId();

    /// @dev The metadata of series `seriesId` is frozen.
    error CollectibleMetadataFrozen(uint256 seriesId);

    /// @dev A royalty of `feeNumerator` basis points is above the cap of `maxFeeNumerator`.
    error CollectibleRoyaltyTooHigh(uint96 feeNumerator, uint96 maxFeeNumerator);

    /// @dev Series `seriesId` has no claim Merkle root.
    error CollectibleClaimsNotOpen(uint256 seriesId);

    /// @dev The proof does not show `account` in the claim tree of series `seriesId`.
    error CollectibleInvalidProof(uint256 seriesId, address account);

    /// @dev `account` already claimed from series `seriesId`.
    error CollectibleAlreadyClaimed(uint256 seriesId, address account);

    /// @dev Only the owner of `tokenId` may do this, and `caller` is not the owner.
    error CollectibleCallerNotOwner(uint256 tokenId, address caller);

    /// @dev `tokenId` is soulbound and can never be transferred.
    error CollectibleSoulbound(uint256 tokenId);

    /// @dev `tokenId` is in its holding period until timestamp `transferableAt`.
    error CollectibleHoldNotOver(uint256 tokenId, uint256 transferableAt);

    /// @dev The policy of `tokenId` refuses approvals and operators.
    error CollectibleApprovalNotAllowed(uint256 tokenId);

    // --------------------------------------------------------------- functions

    function createSeries(
        string calldata seriesName,
        uint256 maxSupply,
        TransferPolicy policy,
        uint256 holdSeconds,
        string calldata baseURI
    ) external returns (uint256 seriesId);

    function closeSeries(uint256 seriesId) external;

    function mint(uint256 seriesId, address to) external returns (uint256 tokenId);

    function mintBatch(uint256 seriesId, address to, uint256 quantity) external returns (uint256 firstTokenId);

    function airdrop(
        uint256 seriesId,
        bytes32 batchId,
        address[] calldata recipients
    ) external returns (uint256 firstTokenId);

    function setMerkleRoot(uint256 seriesId, bytes32 root) external;

    function claim(uint256 seriesId, address account, bytes32[] calldata proof) external returns (uint256 tokenId);

    function setSeriesBaseURI(uint256 seriesId, string calldata baseURI) external;

    function freezeSeriesMetadata(uint256 seriesId) external;

    function setContractURI(string calldata uri) external;

    function setDefaultRoyalty(address receiver, uint96 feeNumerator) external;

    function pause() external;

    function unpause() external;

    function burn(uint256 tokenId) external;

    function series(uint256 seriesId) external view returns (SeriesInfo memory);

    function seriesCount() external view returns (uint256);

    function totalSupply() external view returns (uint256);

    function tokenSeries(uint256 tokenId) external view returns (uint256 seriesId, uint256 serial);

    function acquiredAt(uint256 tokenId) external view returns (uint256);

    function airdropFirstTokenId(bytes32 batchId) external view returns (uint256);

    function hasClaimed(uint256 seriesId, address account) external view returns (bool);
}

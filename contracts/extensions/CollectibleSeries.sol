// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";
import {CollectibleTransferPolicy} from "./CollectibleTransferPolicy.sol";

/**
 * @dev Series of numbered editions ("serial 12 of 500") and the mints that take their serials.
 *
 * Token ids encode their series and serial: `tokenId = seriesId * SERIES_STRIDE + serial`, so neither is stored.
 * Each series carries a cap, a transfer policy and hold period (copied into every token it mints), a base URI
 * and a claim Merkle root. Serials are taken in order by {_reserve}, which every mint (direct, batch, airdrop,
 * claim, roster) goes through: it checks the series once per mint.
 */
abstract contract CollectibleSeries is CollectibleTransferPolicy {
    /// @notice Token ids of series `s` are `s * SERIES_STRIDE + serial`, serial from 1 to the series cap.
    uint256 public constant SERIES_STRIDE = 1_000_000;

    /// @notice Largest {mintBatch}: one lazy run, shorter than a word of the run-start bitmap.
    uint256 public constant MAX_MINT_BATCH = 128;

    /// @notice Burns members' tokens with {burnFrom}: the programme contracts (crafting, burn-mode redemption).
    bytes32 public constant BURNER_ROLE = keccak256("BURNER_ROLE");

    /// @dev A series. First slot: everything a mint reads and writes, so a batch touches it once.
    // 4 slots, the least its fields need; the first holds 23 bytes. `rosters` counts the series' roster
    // airdrops ({CollectibleAirdrop}), in the slot the airdrop writes anyway.
    // solhint-disable-next-line gas-struct-packing
    struct Series {
        uint32 maxSupply;
        uint32 minted;
        uint32 burned;
        TransferPolicy policy;
        uint32 holdSeconds;
        bool closed;
        bool metadataFrozen;
        uint32 rosters;
        bytes32 merkleRoot;
        string name;
        string baseURI;
    }

    uint256 private _seriesCount;
    mapping(uint256 seriesId => Series series) private _series;

    // ------------------------------------------------------------------- series

    /// @inheritdoc ICollectible
    function createSeries(
        string calldata seriesName,
        uint256 maxSupply,
        TransferPolicy policy,
        uint256 holdSeconds,
        string calldata baseURI
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 seriesId) {
        if (bytes(seriesName).length == 0) revert CollectibleEmptySeriesName();
        if (maxSupply == 0 || maxSupply >= SERIES_STRIDE) revert CollectibleInvalidMaxSupply(maxSupply);
        if (holdSeconds > type(uint32).max || (policy != TransferPolicy.GiftAfterHold && holdSeconds != 0)) {
            revert CollectibleInvalidHold(policy, holdSeconds);
        }
        seriesId = ++_seriesCount;
        Series storage s = _series[seriesId];
        s.maxSupply = uint32(maxSupply);
        s.policy = policy;
        s.holdSeconds = uint32(holdSeconds);
        s.name = seriesName;
        s.baseURI = baseURI;
        emit SeriesCreated(seriesId, seriesName, maxSupply, policy, holdSeconds, baseURI);
    }

    /// @inheritdoc ICollectible
    function closeSeries(uint256 seriesId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _existingSeries(seriesId).closed = true;
        emit SeriesClosed(seriesId);
    }

    /// @inheritdoc ICollectible
    function series(uint256 seriesId) external view returns (SeriesInfo memory) {
        Series storage s = _existingSeries(seriesId);
        return
            SeriesInfo({
                name: s.name,
                baseURI: s.baseURI,
                merkleRoot: s.merkleRoot,
                maxSupply: s.maxSupply,
                minted: s.minted,
                burned: s.burned,
                policy: s.policy,
                holdSeconds: s.holdSeconds,
                closed: s.closed,
                metadataFrozen: s.metadataFrozen
            });
    }

    /// @inheritdoc ICollectible
    function seriesCount() external view returns (uint256) {
        return _seriesCount;
    }

    /// @inheritdoc ICollectible
    function totalSupply() external view returns (uint256 supply) {
        uint256 count = _seriesCount;
        for (uint256 id = 1; id <= count; ++id) {
            Series storage s = _series[id];
            supply += s.minted - s.burned;
        }
    }

    /// @inheritdoc ICollectible
    function tokenSeries(uint256 tokenId) external view returns (uint256 seriesId, uint256 serial) {
        _packedOwnershipOf(tokenId);
        return _split(tokenId);
    }

    // ------------------------------------------------------------------ minting

    /// @inheritdoc ICollectible
    function mint(uint256 seriesId, address to) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 tokenId) {
        tokenId = _mintNext(seriesId, to);
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
    }

    /// @inheritdoc ICollectible
    function mintBatch(
        uint256 seriesId,
        address to,
        uint256 quantity
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId) {
        if (quantity > MAX_MINT_BATCH) revert CollectibleInvalidQuantity(quantity);
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, quantity);
        _safeMintRun(to, firstTokenId, quantity, rules);
    }

    /// @inheritdoc ICollectible
    function burn(uint256 tokenId) external whenNotPaused {
        _burnOwned(_msgSender(), tokenId);
    }

    /// @inheritdoc ICollectible
    function burnFrom(address owner, uint256[] calldata tokenIds) external onlyRole(BURNER_ROLE) whenNotPaused {
        uint256 count = tokenIds.length;
        for (uint256 i = 0; i < count; ++i) {
            _burnOwned(owner, tokenIds[i]);
        }
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev Burns `tokenId`, which `owner` must own ({CollectibleCallerNotOwner} names `owner` otherwise), and
     * counts it in its series' burned tokens: {burn} with the caller, {burnFrom} with the owner it was given.
     */
    function _burnOwned(address owner, uint256 tokenId) private {
        uint256 prev = _packedOwnershipOf(tokenId);
        if (owner != address(uint160(prev))) revert CollectibleCallerNotOwner(tokenId, owner);
        (uint256 seriesId, ) = _split(tokenId);
        ++_series[seriesId].burned;
        _burn(tokenId, prev);
    }

    /**
     * @dev Takes the next `quantity` serials of `seriesId`: checks the series and its cap once, bumps the minted
     * count and returns the first token id and the policy bits every new token carries.
     *
     * Requirements: `quantity` is at least one ({CollectibleInvalidQuantity}); the series exists
     * ({CollectibleUnknownSeries}), is open ({CollectibleSeriesClosed}) and has room for `quantity` more tokens
     * ({CollectibleMaxSupplyReached}).
     */
    function _reserve(uint256 seriesId, uint256 quantity) internal returns (uint256 firstTokenId, uint256 rules) {
        if (quantity == 0) revert CollectibleInvalidQuantity(0);
        Series storage s = _existingSeries(seriesId);
        if (s.closed) revert CollectibleSeriesClosed(seriesId);
        uint256 maxSupply = s.maxSupply;
        uint256 minted = s.minted;
        if (quantity > maxSupply - minted) revert CollectibleMaxSupplyReached(seriesId, maxSupply);
        // Fits: minted + quantity <= maxSupply < SERIES_STRIDE < 2**32.
        s.minted = uint32(minted + quantity);
        firstTokenId = seriesId * SERIES_STRIDE + minted + 1;
        rules = _rulesOf(s);
    }

    /// @dev The policy bits series `s` gives its tokens (in place in an ownership word); fixed at its creation.
    function _rulesOf(Series storage s) internal view returns (uint256) {
        return (uint256(s.policy) << _BITPOS_POLICY) | (uint256(s.holdSeconds) << _BITPOS_HOLD);
    }

    /// @dev The number of series created; their ids run from 1 to it.
    function _seriesTotal() internal view returns (uint256) {
        return _seriesCount;
    }

    /**
     * @dev Mints the next serial of `seriesId` to `to` without the receiver check and returns its id.
     *
     * Requirements: `to` is not the zero address ({ERC721InvalidReceiver}); as {_reserve} for one token.
     */
    function _mintNext(uint256 seriesId, address to) internal returns (uint256 tokenId) {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 rules;
        (tokenId, rules) = _reserve(seriesId, 1);
        _mint(to, tokenId, rules);
    }

    /// @dev Returns series `seriesId`, which must exist ({CollectibleUnknownSeries}).
    function _existingSeries(uint256 seriesId) internal view returns (Series storage s) {
        s = _series[seriesId];
        if (s.maxSupply == 0) revert CollectibleUnknownSeries(seriesId);
    }

    /// @dev Returns series `seriesId`, created or not (an uncreated one reads as zeros).
    function _seriesAt(uint256 seriesId) internal view returns (Series storage) {
        return _series[seriesId];
    }

    /**
     * @dev Serials above the minted count and up to the cap of an open series could still be minted.
     * @param tokenId The token id asked about.
     * @return Whether a mint could create it.
     */
    function _mintable(uint256 tokenId) internal view override returns (bool) {
        (uint256 seriesId, uint256 serial) = _split(tokenId);
        Series storage s = _series[seriesId];
        return !s.closed && serial > s.minted && serial <= s.maxSupply;
    }

    /// @dev Returns the series and the serial of `tokenId`.
    function _split(uint256 tokenId) internal pure returns (uint256 seriesId, uint256 serial) {
        return (tokenId / SERIES_STRIDE, tokenId % SERIES_STRIDE);
    }
}

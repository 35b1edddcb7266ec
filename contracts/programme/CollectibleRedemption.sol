// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";
import {ICollectibleRedemption} from "../interfaces/ICollectibleRedemption.sol";

/**
 * @dev Benefit redemption for one {Collectible}: a `CAMPAIGN_ROLE` holder creates campaigns (eligible series, a
 * time window, burn or mark, a limit per token); a holder redeems a token for an off-chain order, and the
 * {Redeemed} event carries the order's hash, which the fulfilment ledger reconciles against.
 *
 * Storage: a campaign is one slot ({Campaign}); eligibility is a flag per campaign and series; each token's count
 * per campaign is one slot, written by every redemption (in a `Burn` campaign too, so that {redemptions} answers
 * alike for both modes). Burn mode burns through {ICollectible-burnFrom}, for which this contract holds the
 * collectible's `BURNER_ROLE`: the holder approves nothing.
 */
contract CollectibleRedemption is AccessControl, ICollectibleRedemption {
    /// @notice Creates campaigns.
    bytes32 public constant CAMPAIGN_ROLE = keccak256("CAMPAIGN_ROLE");

    /// @dev Token ids are `seriesId * _SERIES_STRIDE + serial` ({CollectibleSeries-SERIES_STRIDE}).
    uint256 private constant _SERIES_STRIDE = 1_000_000;

    address private immutable _COLLECTIBLE;

    uint256 private _campaignCount;
    mapping(uint256 campaignId => Campaign campaign) private _campaigns;
    mapping(uint256 campaignId => mapping(uint256 seriesId => bool eligible)) private _eligible;
    mapping(uint256 campaignId => mapping(uint256 tokenId => uint256 count)) private _redemptions;

    /**
     * @dev Redeems tokens of `collectible_`; `admin` gets `DEFAULT_ADMIN_ROLE` (and grants `CAMPAIGN_ROLE`).
     * @param collectible_ The collection whose tokens are redeemed.
     * @param admin The default admin.
     */
    constructor(address collectible_, address admin) {
        _COLLECTIBLE = collectible_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc ICollectibleRedemption
    function createCampaign(
        uint256[] calldata seriesIds,
        uint64 start,
        uint64 end,
        RedemptionMode mode,
        uint32 limit
    ) external onlyRole(CAMPAIGN_ROLE) returns (uint256 campaignId) {
        if (seriesIds.length == 0) revert CollectibleRedemptionInvalidSeries();
        if (start >= end) revert CollectibleRedemptionInvalidWindow(start, end);
        if (limit == 0 || (mode == RedemptionMode.Burn && limit != 1)) {
            revert CollectibleRedemptionInvalidLimit(mode, limit);
        }
        campaignId = ++_campaignCount;
        uint256 count = seriesIds.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 seriesId = seriesIds[i];
            // Reverts with CollectibleUnknownSeries for a series the collectible never created: the existence
            // check is all this needs of the answer.
            // slither-disable-next-line unused-return,calls-loop
            ICollectible(_COLLECTIBLE).series(seriesId);
            if (_eligible[campaignId][seriesId]) revert CollectibleRedemptionInvalidSeries();
            _eligible[campaignId][seriesId] = true;
        }
        _campaigns[campaignId] = Campaign({start: start, end: end, mode: mode, limit: limit});
        emit CampaignCreated(campaignId, seriesIds, start, end, mode, limit);
    }

    /// @inheritdoc ICollectibleRedemption
    function redeem(uint256 campaignId, uint256 tokenId, bytes32 orderRef) external {
        Campaign memory c = _campaigns[campaignId];
        if (c.limit == 0) revert CollectibleRedemptionUnknownCampaign(campaignId);
        // The window is a time window by nature: a block producer's few seconds of leeway are acceptable.
        // slither-disable-next-line timestamp
        if (block.timestamp < c.start || block.timestamp >= c.end) {
            revert CollectibleRedemptionOutsideWindow(campaignId, c.start, c.end);
        }
        uint256 seriesId = tokenId / _SERIES_STRIDE;
        if (!_eligible[campaignId][seriesId]) revert CollectibleRedemptionSeriesNotEligible(campaignId, seriesId);
        address owner = IERC721(_COLLECTIBLE).ownerOf(tokenId);
        if (owner != msg.sender) revert CollectibleRedemptionNotOwner(tokenId, msg.sender, owner);
        uint256 count = _redemptions[campaignId][tokenId] + 1;
        if (count > c.limit) revert CollectibleRedemptionLimitReached(campaignId, tokenId, c.limit);
        _redemptions[campaignId][tokenId] = count;
        if (c.mode == RedemptionMode.Burn) {
            uint256[] memory tokenIds = new uint256[](1);
            tokenIds[0] = tokenId;
            ICollectible(_COLLECTIBLE).burnFrom(owner, tokenIds);
        }
        emit Redeemed(campaignId, tokenId, owner, orderRef, count);
    }

    /// @inheritdoc ICollectibleRedemption
    function redemptions(uint256 campaignId, uint256 tokenId) external view returns (uint256) {
        return _redemptions[campaignId][tokenId];
    }

    /// @inheritdoc ICollectibleRedemption
    function campaign(uint256 campaignId) external view returns (Campaign memory c) {
        c = _campaigns[campaignId];
        if (c.limit == 0) revert CollectibleRedemptionUnknownCampaign(campaignId);
    }

    /// @inheritdoc ICollectibleRedemption
    function isEligible(uint256 campaignId, uint256 seriesId) external view returns (bool) {
        return _eligible[campaignId][seriesId];
    }

    /// @inheritdoc ICollectibleRedemption
    function campaignCount() external view returns (uint256) {
        return _campaignCount;
    }

    /// @inheritdoc ICollectibleRedemption
    function collectible() external view returns (address) {
        return _COLLECTIBLE;
    }
}

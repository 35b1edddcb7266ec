// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Events, errors and external functions of {CollectibleRedemption}: benefit campaigns that holders redeem
 * their collectibles in (priority buying, a physical gift), each redemption carrying a reference to the off-chain
 * order so that fulfilment can be reconciled with the chain.
 */
interface ICollectibleRedemption {
    /**
     * @dev What a redemption does to the token.
     *
     * - `Burn`: the token is burned (through {ICollectible-burnFrom}); a token redeems once.
     * - `Mark`: the token stays with its holder and its redemptions in the campaign are counted, up to the
     *   campaign's limit.
     */
    enum RedemptionMode {
        Burn,
        Mark
    }

    /**
     * @dev A campaign, as returned by {campaign}:
     *
     * - `start`, `end`: the window, as timestamps: redemptions from `start` (included) to `end` (excluded).
     * - `mode`: the campaign's {RedemptionMode}.
     * - `limit`: redemptions allowed per token (1 for `Burn`).
     */
    // One slot of 21 bytes: the solhint packing hint counts bytes against 32-byte slots, not slots.
    // solhint-disable-next-line gas-struct-packing
    struct Campaign {
        uint64 start;
        uint64 end;
        RedemptionMode mode;
        uint32 limit;
    }

    // ------------------------------------------------------------------ events

    /**
     * @dev Emitted when campaign `campaignId` is created by {createCampaign}.
     * @param campaignId The new campaign's id (1, 2, …).
     * @param seriesIds The series whose tokens may be redeemed.
     * @param start The first timestamp of the window.
     * @param end The first timestamp after the window.
     * @param mode Whether a redemption burns or marks the token.
     * @param limit Redemptions allowed per token.
     */
    event CampaignCreated(
        uint256 indexed campaignId,
        uint256[] seriesIds,
        uint64 start,
        uint64 end,
        RedemptionMode mode,
        uint32 limit
    );

    /**
     * @dev Emitted by every {redeem}: `holder` redeemed `tokenId` in campaign `campaignId` for the off-chain
     * order `orderRef`; `count` is the token's redemptions in the campaign, this one included.
     * @param campaignId The campaign.
     * @param tokenId The token redeemed (burned in a `Burn` campaign).
     * @param holder The token's owner, who sent the redemption.
     * @param orderRef The hash of the off-chain order the redemption pays for.
     * @param count The token's redemptions in the campaign after this one.
     */
    event Redeemed(
        uint256 indexed campaignId,
        uint256 indexed tokenId,
        address indexed holder,
        bytes32 orderRef,
        uint256 count
    );

    // ------------------------------------------------------------------ errors

    /**
     * @dev `campaignId` names no campaign.
     * @param campaignId The id asked for.
     */
    error CollectibleRedemptionUnknownCampaign(uint256 campaignId);

    /**
     * @dev The campaign's window is `[start, end)` and the block's timestamp is outside it.
     * @param campaignId The campaign.
     * @param start The first timestamp of the window.
     * @param end The first timestamp after the window.
     */
    error CollectibleRedemptionOutsideWindow(uint256 campaignId, uint256 start, uint256 end);

    /**
     * @dev `tokenId` was already redeemed `limit` times in campaign `campaignId`.
     * @param campaignId The campaign.
     * @param tokenId The token.
     * @param limit Redemptions allowed per token.
     */
    error CollectibleRedemptionLimitReached(uint256 campaignId, uint256 tokenId, uint256 limit);

    /**
     * @dev Only the owner of `tokenId` may redeem it.
     * @param tokenId The token.
     * @param caller The account that tried.
     * @param owner The token's owner.
     */
    error CollectibleRedemptionNotOwner(uint256 tokenId, address caller, address owner);

    /**
     * @dev Tokens of series `seriesId` are not eligible in campaign `campaignId`.
     * @param campaignId The campaign.
     * @param seriesId The token's series.
     */
    error CollectibleRedemptionSeriesNotEligible(uint256 campaignId, uint256 seriesId);

    /// @dev A campaign needs at least one series, with no series listed twice.
    error CollectibleRedemptionInvalidSeries();

    /**
     * @dev A campaign's window must end after it starts.
     * @param start The first timestamp asked for.
     * @param end The end asked for.
     */
    error CollectibleRedemptionInvalidWindow(uint64 start, uint64 end);

    /**
     * @dev A `Mark` campaign's limit must be at least one, a `Burn` campaign's exactly one.
     * @param mode The mode asked for.
     * @param limit The limit asked for.
     */
    error CollectibleRedemptionInvalidLimit(RedemptionMode mode, uint32 limit);

    // --------------------------------------------------------------- functions

    /**
     * @dev Creates a campaign and returns its id (1, 2, …).
     *
     * Requirements:
     *
     * - the caller has `CAMPAIGN_ROLE`.
     * - `seriesIds` is not empty and lists no series twice ({CollectibleRedemptionInvalidSeries}); every series
     *   exists on the collectible ({ICollectible-CollectibleUnknownSeries}).
     * - `start < end` ({CollectibleRedemptionInvalidWindow}).
     * - `limit` is at least one for `Mark` and exactly one for `Burn` ({CollectibleRedemptionInvalidLimit}).
     *
     * Emits a {CampaignCreated} event.
     *
     * @param seriesIds The series whose tokens may be redeemed.
     * @param start The first timestamp of the window.
     * @param end The first timestamp after the window.
     * @param mode Whether a redemption burns or marks the token.
     * @param limit Redemptions allowed per token.
     * @return campaignId The new campaign's id.
     */
    function createCampaign(
        uint256[] calldata seriesIds,
        uint64 start,
        uint64 end,
        RedemptionMode mode,
        uint32 limit
    ) external returns (uint256 campaignId);

    /**
     * @dev Redeems `tokenId` in campaign `campaignId` for the off-chain order `orderRef`: counts one redemption
     * and, in a `Burn` campaign, burns the token (this contract holds the collectible's `BURNER_ROLE`; the
     * holder approves nothing). Each call counts exactly once.
     *
     * Requirements:
     *
     * - the campaign exists ({CollectibleRedemptionUnknownCampaign}).
     * - the block's timestamp is in the campaign's window ({CollectibleRedemptionOutsideWindow}).
     * - the token's series is eligible ({CollectibleRedemptionSeriesNotEligible}).
     * - the caller owns the token ({CollectibleRedemptionNotOwner}; a burned or unminted token reverts with
     *   {IERC721Errors-ERC721NonexistentToken}).
     * - the token has fewer than `limit` redemptions in the campaign ({CollectibleRedemptionLimitReached}).
     *
     * Emits a {Redeemed} event, after the token's {IERC721-Transfer} to the zero address in a `Burn` campaign.
     *
     * @param campaignId The campaign.
     * @param tokenId The token redeemed.
     * @param orderRef The hash of the off-chain order.
     */
    function redeem(uint256 campaignId, uint256 tokenId, bytes32 orderRef) external;

    /**
     * @dev Returns the number of times `tokenId` was redeemed in campaign `campaignId`.
     * @param campaignId The campaign.
     * @param tokenId The token.
     * @return The token's redemptions in the campaign.
     */
    function redemptions(uint256 campaignId, uint256 tokenId) external view returns (uint256);

    /**
     * @dev Returns campaign `campaignId`, which must exist ({CollectibleRedemptionUnknownCampaign}).
     * @param campaignId The campaign.
     * @return The campaign's window, mode and limit.
     */
    function campaign(uint256 campaignId) external view returns (Campaign memory);

    /**
     * @dev Returns whether tokens of series `seriesId` may be redeemed in campaign `campaignId`.
     * @param campaignId The campaign.
     * @param seriesId The series.
     * @return Whether the series is eligible.
     */
    function isEligible(uint256 campaignId, uint256 seriesId) external view returns (bool);

    /**
     * @dev Returns the number of campaigns created; their ids run from 1 to it.
     * @return The number of campaigns.
     */
    function campaignCount() external view returns (uint256);

    /**
     * @dev Returns the collectible whose tokens are redeemed.
     * @return The collectible's address.
     */
    function collectible() external view returns (address);
}

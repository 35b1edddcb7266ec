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

    /**
     * @dev Everything known about a series, as returned by {series}:
     *
     * - `name`: the series' display name, never empty.
     * - `baseURI`: a folder ending in `/` (token URIs are `<baseURI><serial>.json`) or one shared document.
     * - `merkleRoot`: root of the claim tree, or zero when claims are closed.
     * - `maxSupply`: the cap, from 1 to 999,999 serials.
     * - `minted`: serials taken so far (burned ones included); the next mint takes serial `minted + 1`.
     * - `burned`: tokens of the series burned so far.
     * - `policy`: the series' {TransferPolicy}, fixed at creation.
     * - `holdSeconds`: the hold period of a `GiftAfterHold` series, else zero.
     * - `closed`: whether minting has stopped for good.
     * - `metadataFrozen`: whether `baseURI` can no longer change.
     */
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

    /**
     * @dev Emitted when series `seriesId` is created by {createSeries}.
     * @param seriesId The new series' id (1, 2, …).
     * @param name The series' display name.
     * @param maxSupply The series' cap.
     * @param policy The series' transfer policy, fixed for good.
     * @param holdSeconds The hold period of a `GiftAfterHold` series, else zero.
     * @param baseURI The series' first base URI (often a placeholder before the reveal).
     */
    event SeriesCreated(
        uint256 indexed seriesId,
        string name,
        uint256 maxSupply,
        TransferPolicy policy,
        uint256 holdSeconds,
        string baseURI
    );

    /**
     * @dev Emitted when series `seriesId` is closed to minting for good by {closeSeries}.
     * @param seriesId The closed series.
     */
    event SeriesClosed(uint256 indexed seriesId);

    /**
     * @dev Emitted when the base URI of series `seriesId` changes (a reveal, for instance), beside ERC-4906's
     * `BatchMetadataUpdate` over the series' token ids.
     * @param seriesId The series whose metadata moved.
     * @param baseURI The new base URI.
     */
    event SeriesBaseURIUpdated(uint256 indexed seriesId, string baseURI);

    /**
     * @dev Emitted when the metadata of series `seriesId` is frozen for good by {freezeSeriesMetadata}.
     * @param seriesId The frozen series.
     */
    event SeriesMetadataFrozen(uint256 indexed seriesId);

    /**
     * @dev Emitted when the claim tree of series `seriesId` is set by {setMerkleRoot}.
     * @param seriesId The series.
     * @param root The new root; zero closes claims.
     * @param members The number of leaves of the tree: their indices run from 0 to `members - 1`.
     */
    event MerkleRootUpdated(uint256 indexed seriesId, bytes32 root, uint256 members);

    /**
     * @dev Emitted when leaf `index` of series `seriesId`'s claim tree is claimed with {claim}, after the token's
     * {IERC721-Transfer}.
     * @param seriesId The series claimed from.
     * @param account The member the token went to (not necessarily the sender of the claim).
     * @param index The member's leaf index, now marked claimed.
     * @param tokenId The token minted.
     */
    event Claimed(uint256 indexed seriesId, address indexed account, uint256 index, uint256 tokenId);

    /**
     * @dev Emitted by an {airdrop} call that minted, after its transfers: of the `count` members from
     * `firstIndex` of campaign `campaignId`, the `minted` not served before received tokens `firstTokenId` to
     * `firstTokenId + minted - 1`, in recipient order. A call whose members were all served mints nothing and
     * emits nothing.
     * @param minter The `MINTER_ROLE` holder that sent the airdrop; the campaign's marks are its own.
     * @param seriesId The series the tokens belong to.
     * @param campaignId The sender's id of the campaign (its set of members).
     * @param firstIndex The campaign member number of the call's first recipient.
     * @param count The number of recipients in the call.
     * @param firstTokenId The first token minted.
     * @param minted The number of tokens minted: `count` minus the members already served.
     */
    event AirdropExecuted(
        address indexed minter,
        uint256 indexed seriesId,
        bytes32 indexed campaignId,
        uint256 firstIndex,
        uint256 count,
        uint256 firstTokenId,
        uint256 minted
    );

    /**
     * @dev Emitted by an {airdropRoster} call that minted, before its {AirdropExecuted}: roster `index` of series
     * `seriesId` keeps the owners of tokens `firstTokenId` to `firstTokenId + count - 1` as the code of `pointer`.
     * @param seriesId The series the tokens belong to.
     * @param index The roster's number in the series, from 0 (see {roster}).
     * @param pointer The data contract: a STOP byte, then the owners' 20-byte addresses in token order.
     * @param firstTokenId The roster's first token.
     * @param count The number of tokens in the roster.
     */
    event RosterStored(
        uint256 indexed seriesId,
        uint256 index,
        address pointer,
        uint256 firstTokenId,
        uint256 count
    );

    /**
     * @dev Emitted when the default ERC-2981 royalty changes, at deployment or by {setDefaultRoyalty}.
     * @param receiver The account royalties are paid to.
     * @param feeNumerator The royalty, in basis points of the sale price.
     */
    event DefaultRoyaltyUpdated(address indexed receiver, uint96 feeNumerator);

    // ------------------------------------------------------------------ errors

    /**
     * @dev `seriesId` does not name a created series.
     * @param seriesId The id asked for.
     */
    error CollectibleUnknownSeries(uint256 seriesId);

    /**
     * @dev Minting would take series `seriesId` past its cap.
     * @param seriesId The series.
     * @param maxSupply The series' cap.
     */
    error CollectibleMaxSupplyReached(uint256 seriesId, uint256 maxSupply);

    /**
     * @dev Series `seriesId` is closed to minting.
     * @param seriesId The series.
     */
    error CollectibleSeriesClosed(uint256 seriesId);

    /**
     * @dev `maxSupply` is zero or above the per-series limit of 999,999.
     * @param maxSupply The cap asked for.
     */
    error CollectibleInvalidMaxSupply(uint256 maxSupply);

    /**
     * @dev A hold period was given for a policy that has none, or is longer than a uint32.
     * @param policy The policy asked for.
     * @param holdSeconds The hold period asked for.
     */
    error CollectibleInvalidHold(TransferPolicy policy, uint256 holdSeconds);

    /// @dev A series needs a name.
    error CollectibleEmptySeriesName();

    /**
     * @dev A mint of `quantity` tokens was asked for; it must be at least one (and at most `MAX_MINT_BATCH` for
     * {mintBatch}).
     * @param quantity The quantity asked for.
     */
    error CollectibleInvalidQuantity(uint256 quantity);

    /// @dev Airdrop campaign ids must be non-zero.
    error CollectibleInvalidCampaignId();

    /**
     * @dev The members `firstIndex` to `firstIndex + count - 1` of an {airdrop} run past the largest uint256.
     * @param firstIndex The member number of the first recipient.
     * @param count The number of recipients.
     */
    error CollectibleInvalidMemberRange(uint256 firstIndex, uint256 count);

    /**
     * @dev The recipients of an {airdropRoster} are not whole 20-byte addresses, or more than `MAX_ROSTER`.
     * @param length The length of the packed recipients, in bytes.
     */
    error CollectibleInvalidRosterLength(uint256 length);

    /**
     * @dev The recipients of an {airdropRoster} are not sorted: `next` comes right after `previous` among the
     * tokens it would mint, and is a smaller number.
     * @param previous The recipient before.
     * @param next The recipient after it, smaller.
     */
    error CollectibleRosterNotSorted(address previous, address next);

    /**
     * @dev Series `seriesId` has no roster `index`.
     * @param seriesId The series.
     * @param index The roster number asked for.
     */
    error CollectibleUnknownRoster(uint256 seriesId, uint256 index);

    /// @dev The data contract of an {airdropRoster} could not be created (the transaction ran short of gas).
    error CollectibleRosterNotStored();

    /**
     * @dev The metadata of series `seriesId` is frozen.
     * @param seriesId The series.
     */
    error CollectibleMetadataFrozen(uint256 seriesId);

    /**
     * @dev A royalty of `feeNumerator` basis points is above the cap.
     * @param feeNumerator The royalty asked for, in basis points.
     * @param maxFeeNumerator The cap, in basis points.
     */
    error CollectibleRoyaltyTooHigh(uint96 feeNumerator, uint96 maxFeeNumerator);

    /**
     * @dev Series `seriesId` has no claim Merkle root.
     * @param seriesId The series.
     */
    error CollectibleClaimsNotOpen(uint256 seriesId);

    /**
     * @dev The proof does not show the leaf `[index, account]` in the claim tree of series `seriesId`: the index and
     * the address belong to no single member, or the proof is for another tree.
     * @param seriesId The series.
     * @param index The leaf index the claim was for.
     * @param account The account the claim was for.
     */
    error CollectibleInvalidProof(uint256 seriesId, uint256 index, address account);

    /**
     * @dev Leaf `index` of series `seriesId`'s claim tree was already claimed.
     * @param seriesId The series.
     * @param index The leaf index the claim was for.
     */
    error CollectibleAlreadyClaimed(uint256 seriesId, uint256 index);

    /**
     * @dev A claim with an invalid proof named leaf `index`, past the `members` leaves of series `seriesId`'s tree.
     * @param seriesId The series.
     * @param index The leaf index the claim was for.
     * @param members The number of leaves set with the root.
     */
    error CollectibleClaimIndexOutOfRange(uint256 seriesId, uint256 index, uint256 members);

    /**
     * @dev Only the owner of `tokenId` may do this (burn it, or move it under `GiftAfterHold`).
     * @param tokenId The token.
     * @param caller The account that tried (for {burnFrom}, the owner it was given).
     */
    error CollectibleCallerNotOwner(uint256 tokenId, address caller);

    /**
     * @dev `tokenId` is soulbound and can never be transferred.
     * @param tokenId The token.
     */
    error CollectibleSoulbound(uint256 tokenId);

    /**
     * @dev `tokenId` is in its holding period.
     * @param tokenId The token.
     * @param transferableAt The timestamp from which its owner may gift it.
     */
    error CollectibleHoldNotOver(uint256 tokenId, uint256 transferableAt);

    /**
     * @dev The policy of `tokenId` refuses approvals: only `Free` tokens can be approved.
     * @param tokenId The token.
     */
    error CollectibleApprovalNotAllowed(uint256 tokenId);

    // -------------------------------------------------------------- series

    /**
     * @dev Creates a series and returns its id (1, 2, …). The policy can never change afterwards.
     *
     * Requirements:
     *
     * - the caller has `DEFAULT_ADMIN_ROLE`.
     * - `seriesName` is not empty ({CollectibleEmptySeriesName}).
     * - `maxSupply` is between 1 and `SERIES_STRIDE - 1` ({CollectibleInvalidMaxSupply}).
     * - `holdSeconds` fits a uint32 and is zero unless `policy` is `GiftAfterHold` ({CollectibleInvalidHold}).
     *
     * Emits a {SeriesCreated} event.
     *
     * @param seriesName The series' display name.
     * @param maxSupply The cap: serials run from 1 to `maxSupply`.
     * @param policy Who may move the series' tokens, for good.
     * @param holdSeconds How long a `GiftAfterHold` token stays with its owner before it can be gifted.
     * @param baseURI The first base URI: a folder ending in `/` or one shared placeholder document.
     * @return seriesId The new series' id.
     */
    function createSeries(
        string calldata seriesName,
        uint256 maxSupply,
        TransferPolicy policy,
        uint256 holdSeconds,
        string calldata baseURI
    ) external returns (uint256 seriesId);

    /**
     * @dev Closes series `seriesId` to minting for good; tokens already minted are unaffected.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; the series exists ({CollectibleUnknownSeries}).
     *
     * Emits a {SeriesClosed} event.
     *
     * @param seriesId The series to close.
     */
    function closeSeries(uint256 seriesId) external;

    /**
     * @dev Returns everything known about series `seriesId`, which must exist ({CollectibleUnknownSeries}).
     * @param seriesId The series.
     * @return The series' name, base URI, claim root, cap, counts, policy, hold period and flags.
     */
    function series(uint256 seriesId) external view returns (SeriesInfo memory);

    /**
     * @dev Returns the number of series created; their ids are 1 to this number.
     * @return The number of series.
     */
    function seriesCount() external view returns (uint256);

    /**
     * @dev Returns the number of tokens in existence: minted minus burned, over all series.
     * @return The number of tokens.
     */
    function totalSupply() external view returns (uint256);

    /**
     * @dev Returns the series and the 1-based serial of `tokenId`, which must exist
     * ({IERC721Errors-ERC721NonexistentToken}).
     * @param tokenId The token.
     * @return seriesId The token's series (`tokenId / 1_000_000`).
     * @return serial The token's serial in its series (`tokenId % 1_000_000`).
     */
    function tokenSeries(uint256 tokenId) external view returns (uint256 seriesId, uint256 serial);

    /**
     * @dev Returns the timestamp at which the current owner of `tokenId` acquired it (minted or received it); a
     * `GiftAfterHold` token's hold runs from there. `tokenId` must exist.
     * @param tokenId The token.
     * @return The acquisition timestamp, in seconds.
     */
    function acquiredAt(uint256 tokenId) external view returns (uint256);

    // ------------------------------------------------------------- minting

    /**
     * @dev Mints the next serial of series `seriesId` to `to` and returns its token id. When `to` is a contract
     * it must implement {IERC721Receiver-onERC721Received}.
     *
     * Requirements: the caller has `MINTER_ROLE`; not paused; `to` is not the zero address; the series exists,
     * is open ({CollectibleSeriesClosed}) and below its cap ({CollectibleMaxSupplyReached}).
     *
     * Emits a {IERC721-Transfer} event, and an {IERC5192-Locked} event for a soulbound series.
     *
     * @param seriesId The series to mint from.
     * @param to The recipient.
     * @return tokenId The token minted.
     */
    function mint(uint256 seriesId, address to) external returns (uint256 tokenId);

    /**
     * @dev Mints `quantity` consecutive serials of series `seriesId` to `to` (a treasury, say) and returns the
     * first token id. Writes one ownership slot for the whole run. When `to` is a contract it must implement
     * {IERC721Receiver-onERC721Received}, which is called once per token.
     *
     * Requirements: as {mint}, and `quantity` between 1 and `MAX_MINT_BATCH` ({CollectibleInvalidQuantity}).
     *
     * Emits one {IERC721-Transfer} event per token, and an {IERC5192-Locked} event per token for a soulbound
     * series.
     *
     * @param seriesId The series to mint from.
     * @param to The recipient of every token.
     * @param quantity The number of tokens.
     * @return firstTokenId The first token minted; the others follow it.
     */
    function mintBatch(uint256 seriesId, address to, uint256 quantity) external returns (uint256 firstTokenId);

    /**
     * @dev Push airdrop to members of a campaign: recipient `i` is member `firstIndex + i` of campaign
     * `campaignId`, and each member not served before gets the next serial of series `seriesId`, in recipient
     * order. Recipients are members' wallets: like ERC-721's `_mint`, this does not call
     * {IERC721Receiver-onERC721Received}.
     *
     * Exactly once per member: the contract marks every member it mints for in a bitmap keyed by the caller,
     * the series and the campaign, and skips (does not revert on) a member already marked. Sending a batch
     * again after a crash or a lost receipt, another split of the same members into batches, or batches that
     * overlap, never mints twice for a member; nobody but the caller can mark the caller's campaign. The
     * caller keeps the numbering stable (the planner numbers members by their place in the sorted member
     * list); the contract does not check which address a member number had before.
     *
     * Requirements: the caller has `MINTER_ROLE`; not paused; `campaignId` is not zero
     * ({CollectibleInvalidCampaignId}); there is at least one recipient ({CollectibleInvalidQuantity}); the
     * member numbers fit a uint256 ({CollectibleInvalidMemberRange}); when any member is new, the series exists,
     * is open and has room for the new members, and none of their recipients is the zero address or a word with
     * dirty upper bits ({IERC721Errors-ERC721InvalidReceiver}).
     *
     * Emits a {IERC721-Transfer} event per token, an {IERC5192-Locked} event per token for a soulbound series,
     * and one {AirdropExecuted} event when anything was minted.
     *
     * @param seriesId The series to mint from.
     * @param campaignId The sender's id of the campaign: non-zero, the same for every batch of it.
     * @param firstIndex The campaign member number of the first recipient.
     * @param recipients One wallet per member, members `firstIndex`, `firstIndex + 1`, … in order.
     * @return firstTokenId The first token minted, or 0 when every member was already served.
     * @return minted The number of tokens minted (the recipients whose member was not served before).
     */
    function airdrop(
        uint256 seriesId,
        bytes32 campaignId,
        uint256 firstIndex,
        address[] calldata recipients
    ) external returns (uint256 firstTokenId, uint256 minted);

    /**
     * @dev Roster airdrop: the same campaign, members, marks, serials, policies and {AirdropExecuted} event as
     * {airdrop} (a replay or an overlapping batch mints nothing for members already marked by either), but the
     * owners of the new tokens are written once as the code of a new data contract (SSTORE2) instead of one
     * ownership slot and one balance slot per token: the tokens' {IERC721-ownerOf}, {IERC721-balanceOf},
     * approvals, transfers and burns are the same as an {airdrop}'s, and a token's hold clock starts at this
     * call. The first transfer of a roster token writes its ownership slot.
     *
     * `recipients` is packed: 20 bytes per member, members `firstIndex`, `firstIndex + 1`, … in order, sorted
     * ascending as numbers (repeats allowed), so that {IERC721-balanceOf} finds an owner in each roster by
     * binary search. The off-chain planner numbers members by their place in the sorted member list, so any
     * batch of consecutive members is sorted.
     *
     * Requirements: as {airdrop}; `recipients` holds 1 to `MAX_ROSTER` whole addresses
     * ({CollectibleInvalidQuantity} for none, {CollectibleInvalidRosterLength} otherwise); the recipients of
     * the tokens minted are sorted ({CollectibleRosterNotSorted}) and not the zero address
     * ({IERC721Errors-ERC721InvalidReceiver}).
     *
     * Emits a {IERC721-Transfer} event per token, an {IERC5192-Locked} event per token for a soulbound series,
     * and, when anything was minted, one {RosterStored} then one {AirdropExecuted} event.
     *
     * @param seriesId The series to mint from.
     * @param campaignId The sender's id of the campaign: non-zero, the same for every batch of it.
     * @param firstIndex The campaign member number of the first recipient.
     * @param recipients The members' wallets, 20 bytes each, sorted ascending.
     * @return firstTokenId The first token minted, or 0 when every member was already served.
     * @return minted The number of tokens minted (the recipients whose member was not served before).
     */
    function airdropRoster(
        uint256 seriesId,
        bytes32 campaignId,
        uint256 firstIndex,
        bytes calldata recipients
    ) external returns (uint256 firstTokenId, uint256 minted);

    /**
     * @dev Returns the number of rosters of series `seriesId` (its {airdropRoster} calls that minted).
     * @param seriesId The series.
     * @return The number of rosters; roster numbers run from 0 to this minus one.
     */
    function rosterCount(uint256 seriesId) external view returns (uint256);

    /**
     * @dev Returns roster `index` of series `seriesId`, which must exist ({CollectibleUnknownRoster}).
     * @param seriesId The series.
     * @param index The roster's number in the series.
     * @return pointer The data contract holding the owners.
     * @return firstTokenId The roster's first token.
     * @return count The number of tokens in the roster.
     * @return airdroppedAt The timestamp of the airdrop, where its tokens' hold clocks start.
     */
    function roster(
        uint256 seriesId,
        uint256 index
    ) external view returns (address pointer, uint256 firstTokenId, uint256 count, uint256 airdroppedAt);

    /**
     * @dev Returns whether member `memberIndex` of campaign `campaignId` of series `seriesId`, sent by
     * `minter`, has received its airdrop.
     * @param minter The `MINTER_ROLE` holder that sends the campaign.
     * @param seriesId The series.
     * @param campaignId The campaign.
     * @param memberIndex The member's number in the campaign.
     * @return Whether the member was served.
     */
    function isAirdropped(
        address minter,
        uint256 seriesId,
        bytes32 campaignId,
        uint256 memberIndex
    ) external view returns (bool);

    /**
     * @dev Returns word `wordIndex` of the marks of campaign `campaignId` of series `seriesId` sent by `minter`:
     * bit `b` says whether member `256 * wordIndex + b` was served. One call checks 256 members.
     * @param minter The `MINTER_ROLE` holder that sends the campaign.
     * @param seriesId The series.
     * @param campaignId The campaign.
     * @param wordIndex The word: members `256 * wordIndex` to `256 * wordIndex + 255`.
     * @return The word's 256 marks.
     */
    function airdropMarks(
        address minter,
        uint256 seriesId,
        bytes32 campaignId,
        uint256 wordIndex
    ) external view returns (uint256);

    /**
     * @dev Burns `tokenId`. Policies never block burning: a soulbound badge can be given up.
     *
     * Requirements: not paused; the caller owns `tokenId` ({CollectibleCallerNotOwner}).
     *
     * Emits a {IERC721-Transfer} event to the zero address.
     *
     * @param tokenId The token to burn.
     */
    function burn(uint256 tokenId) external;

    /**
     * @dev Burns `tokenIds`, every one of which `owner` must own, on the owner's behalf: the programme contracts
     * (crafting, burn-mode redemption) burn a member's inputs with it, so the member neither approves anything
     * nor, for a relayed craft, pays gas. Those contracts decide when the owner agreed (the owner sent the
     * transaction, or signed it). Policies never block burning, as for {burn}.
     *
     * Requirements: the caller has `BURNER_ROLE`; not paused; every token exists (a burned one, or one listed
     * twice, reverts with {IERC721Errors-ERC721NonexistentToken}) and is owned by `owner`
     * ({CollectibleCallerNotOwner}, naming the token and `owner`).
     *
     * Emits a {IERC721-Transfer} event to the zero address per token.
     *
     * @param owner The account that owns every token.
     * @param tokenIds The tokens to burn.
     */
    function burnFrom(address owner, uint256[] calldata tokenIds) external;

    // -------------------------------------------------------------- claims

    /**
     * @dev Sets the claim tree of series `seriesId`: its root and its number of leaves. Leaves are OpenZeppelin
     * StandardMerkleTree leaves of type `["uint256", "address"]`, one `[index, account]` per member with indices
     * 0 to `members - 1`: `keccak256(bytes.concat(keccak256(abi.encode(index, account))))`. Setting the zero root
     * closes claims. Claims are recorded by index, so a new root must keep the indices of the members who claimed
     * (claimed indices stay claimed when the root changes).
     *
     * Requirements: the caller has `MINTER_ROLE`; the series exists.
     *
     * Emits a {MerkleRootUpdated} event.
     *
     * @param seriesId The series.
     * @param root The root of the claim tree, or zero.
     * @param members The number of leaves of the tree (it names the error of a claim past the end).
     */
    function setMerkleRoot(uint256 seriesId, bytes32 root, uint256 members) external;

    /**
     * @dev Mints the next serial of series `seriesId` to `account`, the member at leaf `index` of the series'
     * claim tree, which `proof` shows. Anyone may submit the claim (and pay its gas); the token always goes to the
     * leaf's `account`, once per leaf: an index and an address of two different members fail the proof. When
     * `account` is a contract it must implement {IERC721Receiver-onERC721Received}.
     *
     * The root alone decides who may claim; the member count only names the error of a failed proof whose index
     * is past the end ({CollectibleClaimIndexOutOfRange}), so a valid claim never reads it.
     *
     * Requirements: not paused; the series has a root ({CollectibleClaimsNotOpen}), is open and below its cap;
     * leaf `index` was not claimed before ({CollectibleAlreadyClaimed}); the proof is valid
     * ({CollectibleInvalidProof}, or {CollectibleClaimIndexOutOfRange} when `index` is past the tree's leaves).
     *
     * Emits {IERC721-Transfer} and {Claimed} events, and an {IERC5192-Locked} event for a soulbound series.
     *
     * @param seriesId The series to claim from.
     * @param index The member's leaf index in the claim tree.
     * @param account The member's address in that leaf, and the recipient of the token.
     * @param proof The sibling hashes from the leaf to the root.
     * @return tokenId The token minted.
     */
    function claim(
        uint256 seriesId,
        uint256 index,
        address account,
        bytes32[] calldata proof
    ) external returns (uint256 tokenId);

    /**
     * @dev Returns whether leaf `index` of series `seriesId`'s claim tree has been claimed.
     * @param seriesId The series.
     * @param index The leaf index.
     * @return Whether the claim was made.
     */
    function isClaimed(uint256 seriesId, uint256 index) external view returns (bool);

    /**
     * @dev Returns the number of leaves set with the claim root of series `seriesId` (zero before any).
     * @param seriesId The series.
     * @return The number of members of the claim tree.
     */
    function claimMembers(uint256 seriesId) external view returns (uint256);

    // ------------------------------------------------------------ metadata

    /**
     * @dev Sets the base URI of series `seriesId`, typically the reveal from a placeholder to `ipfs://<cid>/`.
     *
     * Requirements: the caller has `METADATA_ROLE`; the series exists and its metadata is not frozen
     * ({CollectibleMetadataFrozen}).
     *
     * Emits a {SeriesBaseURIUpdated} event and an ERC-4906 {IERC4906-BatchMetadataUpdate} over the series' token
     * ids (serial 1 to the cap).
     *
     * @param seriesId The series.
     * @param baseURI The new base URI: a folder ending in `/` or one shared document.
     */
    function setSeriesBaseURI(uint256 seriesId, string calldata baseURI) external;

    /**
     * @dev Freezes the metadata of series `seriesId` for good: its base URI can no longer change.
     *
     * Requirements: the caller has `METADATA_ROLE`; the series exists and is not frozen yet
     * ({CollectibleMetadataFrozen}).
     *
     * Emits a {SeriesMetadataFrozen} event.
     *
     * @param seriesId The series.
     */
    function freezeSeriesMetadata(uint256 seriesId) external;

    /**
     * @dev Sets the ERC-7572 collection metadata URI.
     *
     * Requirements: the caller has `METADATA_ROLE`.
     *
     * Emits an {IERC7572-ContractURIUpdated} event.
     *
     * @param uri The URI of the collection's metadata JSON.
     */
    function setContractURI(string calldata uri) external;

    // --------------------------------------------------------------- admin

    /**
     * @dev Sets the default ERC-2981 royalty: `feeNumerator` basis points to `receiver`.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; `feeNumerator` is at most `MAX_ROYALTY_BPS`
     * ({CollectibleRoyaltyTooHigh}); `receiver` is not the zero address.
     *
     * Emits a {DefaultRoyaltyUpdated} event.
     *
     * @param receiver The account royalties are paid to.
     * @param feeNumerator The royalty, in basis points of the sale price.
     */
    function setDefaultRoyalty(address receiver, uint96 feeNumerator) external;

    /**
     * @dev Stops minting, airdrops, claims, transfers and burns until {unpause}.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; not paused.
     *
     * Emits a {Pausable-Paused} event.
     */
    function pause() external;

    /**
     * @dev Lifts a {pause}.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; paused.
     *
     * Emits a {Pausable-Unpaused} event.
     */
    function unpause() external;
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/interfaces/IERC165.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {ICollectible} from "./interfaces/ICollectible.sol";
import {IERC5192} from "./interfaces/IERC5192.sol";
import {IERC6454} from "./interfaces/IERC6454.sol";
import {IERC7572} from "./interfaces/IERC7572.sol";

/**
 * @dev A themed ERC-721 collection of numbered editions ("serial 12 of 500"), grouped in series that each
 * carry a cap, a transfer policy, a base URI and a claim Merkle root.
 *
 * Token ids encode their series and serial: `tokenId = seriesId * SERIES_STRIDE + serial`, so neither is
 * stored. Everything else a token needs is packed beside its owner in the one slot a mint writes anyway:
 *
 * - bits [0, 160): owner
 * - bits [160, 200): timestamp at which the owner acquired the token (for `GiftAfterHold`)
 * - bit 200: burned
 * - bit 201: the slot of the next token id is initialized (see below)
 * - bits [216, 224): transfer policy, copied from the series (immutable there)
 * - bits [224, 256): hold period in seconds, copied from the series
 *
 * {mintBatch} writes only the slot of the first token of its run, as ERC721A does; the owner of a later token
 * in the run is found by scanning back to the nearest written slot, and a transfer or burn writes the next
 * slot before it changes its own. Push airdrops write every slot, so they cost two cold storage writes and
 * one `Transfer` log per token and nothing more: series, serial, hold clock and the airdrop's replay mark
 * (one slot per batch) all ride on writes that are unavoidable.
 *
 * Roles: `DEFAULT_ADMIN_ROLE` (two-step transfer with a delay, from {AccessControlDefaultAdminRules}) creates
 * and closes series, pauses, sets royalties and grants the other roles; `MINTER_ROLE` mints, airdrops and sets
 * claim roots; `METADATA_ROLE` sets and freezes base URIs and the contract URI.
 */
contract Collectible is
    ICollectible,
    IERC721Metadata,
    IERC4906,
    IERC5192,
    IERC6454,
    IERC7572,
    IERC721Errors,
    ERC2981,
    AccessControlDefaultAdminRules,
    Pausable
{
    // ---------------------------------------------------------------- constants

    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant METADATA_ROLE = keccak256("METADATA_ROLE");

    /// @dev Token ids of series `s` are `s * SERIES_STRIDE + serial`, serial from 1 to the series cap.
    uint256 public constant SERIES_STRIDE = 1_000_000;

    /// @dev Largest {mintBatch}: bounds the back-scan of a lazily owned run (about 2,100 gas a token).
    uint256 public constant MAX_MINT_BATCH = 128;

    /// @dev Royalty cap, in basis points of the sale price (10%).
    uint96 public constant MAX_ROYALTY_BPS = 1_000;

    uint256 private constant _BITMASK_ADDRESS = (1 << 160) - 1;
    uint256 private constant _BITPOS_ACQUIRED_AT = 160;
    uint256 private constant _BITMASK_BURNED = 1 << 200;
    uint256 private constant _BITMASK_NEXT_INITIALIZED = 1 << 201;
    uint256 private constant _BITPOS_POLICY = 216;
    uint256 private constant _BITPOS_HOLD = 224;
    uint256 private constant _BITMASK_RULES = type(uint256).max << _BITPOS_POLICY;

    // ------------------------------------------------------------------ storage

    /// @dev First slot: everything a mint reads and writes, so a batch touches it once.
    struct Series {
        uint32 maxSupply;
        uint32 minted;
        uint32 burned;
        TransferPolicy policy;
        uint32 holdSeconds;
        bool closed;
        bool metadataFrozen;
        bytes32 merkleRoot;
        string name;
        string baseURI;
    }

    string private _name;
    string private _symbol;
    string private _contractURI;
    uint256 private _seriesCount;

    mapping(uint256 seriesId => Series) private _series;
    mapping(uint256 tokenId => uint256) private _packedOwnerships;
    mapping(address owner => uint256) private _balances;
    mapping(uint256 tokenId => address) private _tokenApprovals;
    mapping(address owner => mapping(address operator => bool)) private _operatorApprovals;
    mapping(bytes32 batchId => uint256 firstTokenId) private _airdropFirstTokenIds;
    mapping(uint256 seriesId => mapping(address account => bool)) private _claimed;

    // -------------------------------------------------------------- constructor

    /**
     * @dev Sets the collection's `name_` and `symbol_`, makes `admin` the default admin (whose role moves in
     * two steps, `adminTransferDelay` seconds apart) and sets the default royalty unless `royaltyReceiver` is
     * the zero address.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        uint48 adminTransferDelay,
        address royaltyReceiver,
        uint96 royaltyFeeNumerator
    ) AccessControlDefaultAdminRules(adminTransferDelay, admin) {
        _name = name_;
        _symbol = symbol_;
        if (royaltyReceiver != address(0)) {
            _setRoyalty(royaltyReceiver, royaltyFeeNumerator);
        }
    }

    // ------------------------------------------------------------------- series

    /**
     * @dev Creates a series and returns its id (1, 2, …). `holdSeconds` applies to `GiftAfterHold` only and
     * must be zero for the other policies. The policy can never change afterwards.
     *
     * Requirements:
     *
     * - the caller has `DEFAULT_ADMIN_ROLE`.
     * - `seriesName` is not empty; `maxSupply` is between 1 and `SERIES_STRIDE - 1`.
     *
     * Emits a {SeriesCreated} event.
     */
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

    /**
     * @dev Closes series `seriesId` to minting for good; tokens already minted are unaffected.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; the series exists.
     *
     * Emits a {SeriesClosed} event.
     */
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

    /// @dev Tokens in existence: minted minus burned, over all series.
    function totalSupply() external view returns (uint256 supply) {
        uint256 count = _seriesCount;
        for (uint256 id = 1; id <= count; ++id) {
            Series storage s = _series[id];
            supply += s.minted - s.burned;
        }
    }

    /// @dev Returns the series and the 1-based serial of `tokenId`, which must exist.
    function tokenSeries(uint256 tokenId) external view returns (uint256 seriesId, uint256 serial) {
        _packedOwnershipOf(tokenId);
        return _split(tokenId);
    }

    /// @dev Returns the timestamp at which the current owner of `tokenId` acquired it.
    function acquiredAt(uint256 tokenId) external view returns (uint256) {
        return uint40(_packedOwnershipOf(tokenId) >> _BITPOS_ACQUIRED_AT);
    }

    // ------------------------------------------------------------------ minting

    /**
     * @dev Mints the next serial of series `seriesId` to `to` and returns its token id. When `to` is a
     * contract it must implement {IERC721Receiver-onERC721Received}.
     *
     * Requirements: the caller has `MINTER_ROLE`; not paused; the series exists, is open and below its cap.
     *
     * Emits a {Transfer} event, and a {Locked} event for a soulbound series.
     */
    function mint(uint256 seriesId, address to) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 tokenId) {
        tokenId = _mintOne(seriesId, to);
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
    }

    /**
     * @dev Mints `quantity` consecutive serials of series `seriesId` to `to` (a treasury, say) and returns the
     * first token id. Writes one ownership slot for the whole run. When `to` is a contract it must implement
     * {IERC721Receiver-onERC721Received}.
     *
     * Requirements: as {mint}, and `quantity` between 1 and `MAX_MINT_BATCH`.
     *
     * Emits one {Transfer} event per token, and a {Locked} event per token for a soulbound series.
     */
    function mintBatch(
        uint256 seriesId,
        address to,
        uint256 quantity
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId) {
        if (quantity > MAX_MINT_BATCH) revert CollectibleInvalidQuantity(quantity);
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, quantity);
        // A run of one has no unwritten successor.
        _packedOwnerships[firstTokenId] = _pack(to, rules) | (quantity == 1 ? _BITMASK_NEXT_INITIALIZED : 0);
        // Cannot overflow: a balance is at most the number of tokens ever minted, far below 2**256.
        unchecked {
            _balances[to] += quantity;
        }
        bool soulbound = _isSoulbound(rules);
        uint256 end = firstTokenId + quantity;
        for (uint256 tokenId = firstTokenId; tokenId < end; ++tokenId) {
            emit Transfer(address(0), to, tokenId);
            if (soulbound) emit Locked(tokenId);
        }
        if (to.code.length != 0) {
            for (uint256 tokenId = firstTokenId; tokenId < end; ++tokenId) {
                ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
            }
        }
    }

    /**
     * @dev Push airdrop: mints the next serials of series `seriesId`, one to each of `recipients`, in order,
     * and returns the first token id. Recipients are members' wallets: like ERC-721's `_mint`, this does not
     * call {IERC721Receiver-onERC721Received}.
     *
     * Idempotent: `batchId` (chosen by the sender, non-zero, e.g. a hash of the plan and the batch's index) is
     * recorded once. Sending the same batch again, after a crash or a lost receipt, mints nothing and returns
     * the first token id of the original execution.
     *
     * Requirements: the caller has `MINTER_ROLE`; not paused; the series exists, is open and has room for every
     * recipient; no recipient is the zero address.
     *
     * Emits a {Transfer} event per token, a {Locked} event per token for a soulbound series, and one
     * {AirdropExecuted} event.
     */
    function airdrop(
        uint256 seriesId,
        bytes32 batchId,
        address[] calldata recipients
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId) {
        if (batchId == bytes32(0)) revert CollectibleInvalidBatchId();
        firstTokenId = _airdropFirstTokenIds[batchId];
        if (firstTokenId != 0) return firstTokenId;

        uint256 count = recipients.length;
        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, count);
        _airdropFirstTokenIds[batchId] = firstTokenId;

        // Every token of the batch gets its own slot, so every successor slot is (or will be) written.
        uint256 template = (block.timestamp << _BITPOS_ACQUIRED_AT) | rules | _BITMASK_NEXT_INITIALIZED;
        bool soulbound = _isSoulbound(rules);
        bytes4 invalidReceiver = ERC721InvalidReceiver.selector;
        bytes32 transferTopic = Transfer.selector;
        bytes32 lockedTopic = Locked.selector;
        // The loop is the whole cost of an airdrop, so it is written out: two mapping-slot hashes, the two
        // unavoidable cold writes (owner slot, balance) and the Transfer log. Solidity's version spends a
        // few hundred gas per token more on checks that `_reserve` made once for the whole batch.
        assembly ("memory-safe") {
            // Scratch past the free memory pointer: [key, mapping slot] pairs for the two hashes.
            let m := mload(0x40)
            mstore(add(m, 0x20), _packedOwnerships.slot)
            mstore(add(m, 0x60), _balances.slot)
            let tokenId := firstTokenId
            let end := add(recipients.offset, shl(5, count))
            for {
                let p := recipients.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let to := calldataload(p)
                // Rejects the zero address and words with dirty upper bits in one comparison.
                if iszero(lt(sub(to, 1), _BITMASK_ADDRESS)) {
                    mstore(0x00, invalidReceiver)
                    mstore(0x04, to)
                    revert(0x00, 0x24)
                }
                mstore(m, tokenId)
                sstore(keccak256(m, 0x40), or(to, template))
                mstore(add(m, 0x40), to)
                let balanceSlot := keccak256(add(m, 0x40), 0x40)
                sstore(balanceSlot, add(sload(balanceSlot), 1))
                log4(0, 0, transferTopic, 0, to, tokenId)
                if soulbound {
                    mstore(0x00, tokenId)
                    log1(0x00, 0x20, lockedTopic)
                }
                tokenId := add(tokenId, 1)
            }
        }
        emit AirdropExecuted(batchId, seriesId, firstTokenId, count);
    }

    /// @dev Returns the first token id minted by airdrop batch `batchId`, or 0 if it has not been executed.
    function airdropFirstTokenId(bytes32 batchId) external view returns (uint256) {
        return _airdropFirstTokenIds[batchId];
    }

    // ------------------------------------------------------------------- claims

    /**
     * @dev Sets the claim Merkle root of series `seriesId`. Leaves are OpenZeppelin StandardMerkleTree leaves
     * of type `["address"]`: `keccak256(bytes.concat(keccak256(abi.encode(account))))`. Setting the zero root
     * closes claims. Accounts that claimed stay claimed when the root changes.
     *
     * Requirements: the caller has `MINTER_ROLE`; the series exists.
     *
     * Emits a {MerkleRootUpdated} event.
     */
    function setMerkleRoot(uint256 seriesId, bytes32 root) external onlyRole(MINTER_ROLE) {
        _existingSeries(seriesId).merkleRoot = root;
        emit MerkleRootUpdated(seriesId, root);
    }

    /**
     * @dev Mints the next serial of series `seriesId` to `account`, which proves membership of the series'
     * claim tree with `proof`. Anyone may submit the claim (and pay its gas); the token always goes to
     * `account`, once per series. When `account` is a contract it must implement
     * {IERC721Receiver-onERC721Received}.
     *
     * Requirements: not paused; the series has a root, is open and below its cap; the proof is valid; the
     * account has not claimed from this series before.
     *
     * Emits {Transfer} and {Claimed} events, and a {Locked} event for a soulbound series.
     */
    function claim(
        uint256 seriesId,
        address account,
        bytes32[] calldata proof
    ) external whenNotPaused returns (uint256 tokenId) {
        bytes32 root = _existingSeries(seriesId).merkleRoot;
        if (root == bytes32(0)) revert CollectibleClaimsNotOpen(seriesId);
        if (_claimed[seriesId][account]) revert CollectibleAlreadyClaimed(seriesId, account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert CollectibleInvalidProof(seriesId, account);
        _claimed[seriesId][account] = true;
        tokenId = _mintOne(seriesId, account);
        emit Claimed(seriesId, account, tokenId);
        ERC721Utils.checkOnERC721Received(_msgSender(), address(0), account, tokenId, "");
    }

    /// @dev Returns whether `account` has claimed from series `seriesId`.
    function hasClaimed(uint256 seriesId, address account) external view returns (bool) {
        return _claimed[seriesId][account];
    }

    // ----------------------------------------------------------------- metadata

    /// @inheritdoc IERC721Metadata
    function name() external view returns (string memory) {
        return _name;
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /**
     * @dev A base URI ending in `/` names a folder: the token's URI is `<baseURI><serial>.json`. Any other
     * base URI is one document shared by the whole series, such as a placeholder before the reveal.
     */
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _packedOwnershipOf(tokenId);
        (uint256 seriesId, uint256 serial) = _split(tokenId);
        bytes memory base = bytes(_series[seriesId].baseURI);
        if (base.length == 0 || base[base.length - 1] != "/") return string(base);
        return string.concat(string(base), Strings.toString(serial), ".json");
    }

    /**
     * @dev Sets the base URI of series `seriesId`, typically the reveal from a placeholder to `ipfs://<cid>/`.
     *
     * Requirements: the caller has `METADATA_ROLE`; the series exists and its metadata is not frozen.
     *
     * Emits a {SeriesBaseURIUpdated} event and an ERC-4906 {BatchMetadataUpdate} over the series' token ids.
     */
    function setSeriesBaseURI(uint256 seriesId, string calldata baseURI) external onlyRole(METADATA_ROLE) {
        Series storage s = _existingSeries(seriesId);
        if (s.metadataFrozen) revert CollectibleMetadataFrozen(seriesId);
        s.baseURI = baseURI;
        emit SeriesBaseURIUpdated(seriesId, baseURI);
        uint256 first = seriesId * SERIES_STRIDE + 1;
        emit BatchMetadataUpdate(first, first + s.maxSupply - 1);
    }

    /**
     * @dev Freezes the metadata of series `seriesId` for good: its base URI can no longer change.
     *
     * Requirements: the caller has `METADATA_ROLE`; the series exists and is not frozen yet.
     *
     * Emits a {SeriesMetadataFrozen} event.
     */
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

    /**
     * @dev Sets the ERC-7572 collection metadata URI.
     *
     * Requirements: the caller has `METADATA_ROLE`.
     *
     * Emits a {ContractURIUpdated} event.
     */
    function setContractURI(string calldata uri) external onlyRole(METADATA_ROLE) {
        _contractURI = uri;
        emit ContractURIUpdated();
    }

    // ------------------------------------------------------------ admin powers

    /**
     * @dev Sets the default ERC-2981 royalty: `feeNumerator` basis points to `receiver`.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; `feeNumerator` is at most `MAX_ROYALTY_BPS`;
     * `receiver` is not the zero address.
     *
     * Emits a {DefaultRoyaltyUpdated} event.
     */
    function setDefaultRoyalty(address receiver, uint96 feeNumerator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRoyalty(receiver, feeNumerator);
    }

    /**
     * @dev Stops minting, claims, transfers and burns until {unpause}.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; not paused.
     *
     * Emits a {Paused} event.
     */
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /**
     * @dev Lifts a {pause}.
     *
     * Requirements: the caller has `DEFAULT_ADMIN_ROLE`; paused.
     *
     * Emits an {Unpaused} event.
     */
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------ ERC-721 views

    /// @inheritdoc IERC721
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _balances[owner];
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) public view returns (address) {
        return address(uint160(_packedOwnershipOf(tokenId)));
    }

    /// @inheritdoc IERC721
    function getApproved(uint256 tokenId) external view returns (address) {
        _packedOwnershipOf(tokenId);
        return _tokenApprovals[tokenId];
    }

    /// @inheritdoc IERC721
    function isApprovedForAll(address owner, address operator) public view returns (bool) {
        return _operatorApprovals[owner][operator];
    }

    // ---------------------------------------------------- ERC-721 approvals

    /**
     * @dev See {IERC721-approve}. Refused with {CollectibleApprovalNotAllowed} for tokens whose policy is not
     * `Free`, so no marketplace can list them.
     */
    function approve(address to, uint256 tokenId) external {
        uint256 packed = _packedOwnershipOf(tokenId);
        if (_policyOf(packed) != TransferPolicy.Free) revert CollectibleApprovalNotAllowed(tokenId);
        address owner = address(uint160(packed));
        if (_msgSender() != owner && !isApprovedForAll(owner, _msgSender())) {
            revert ERC721InvalidApprover(_msgSender());
        }
        _tokenApprovals[tokenId] = to;
        emit Approval(owner, to, tokenId);
    }

    /**
     * @dev See {IERC721-setApprovalForAll}. Operators are account-wide; they can still move only `Free` tokens.
     */
    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0)) revert ERC721InvalidOperator(address(0));
        _operatorApprovals[_msgSender()][operator] = approved;
        emit ApprovalForAll(_msgSender(), operator, approved);
    }

    // ---------------------------------------------------- ERC-721 transfers

    /**
     * @dev See {IERC721-transferFrom}, with the token's transfer policy applied: `GiftAfterHold` tokens move
     * only by their owner once the hold is over, `Soulbound` tokens never.
     */
    function transferFrom(address from, address to, uint256 tokenId) public whenNotPaused {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 prev = _packedOwnershipOf(tokenId);
        address owner = address(uint160(prev));
        address caller = _msgSender();
        // `packed` holds the hold clock (a timestamp) beside the policy, so slither's incorrect-equality
        // detector sees a timestamp in these comparisons; they compare policy bits and never the time.
        // slither-disable-start incorrect-equality
        TransferPolicy policy = _policyOf(prev);
        if (policy == TransferPolicy.Free) {
            if (caller != owner && !isApprovedForAll(owner, caller) && _tokenApprovals[tokenId] != caller) {
                revert ERC721InsufficientApproval(caller, tokenId);
            }
            delete _tokenApprovals[tokenId];
        } else if (policy == TransferPolicy.Soulbound) {
            revert CollectibleSoulbound(tokenId);
        } else {
            if (caller != owner) revert CollectibleCallerNotOwner(tokenId, caller);
            uint256 transferableAt = _transferableAt(prev);
            if (block.timestamp < transferableAt) revert CollectibleHoldNotOver(tokenId, transferableAt);
        }
        // slither-disable-end incorrect-equality
        if (owner != from) revert ERC721IncorrectOwner(from, tokenId, owner);

        // Cannot underflow: `from` owns `tokenId`, so its balance is at least one.
        unchecked {
            _balances[from] -= 1;
            _balances[to] += 1;
        }
        _initializeNext(tokenId, prev);
        _packedOwnerships[tokenId] = _pack(to, prev & _BITMASK_RULES) | _BITMASK_NEXT_INITIALIZED;
        emit Transfer(from, to, tokenId);
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        ERC721Utils.checkOnERC721Received(_msgSender(), from, to, tokenId, data);
    }

    /**
     * @dev Burns `tokenId`. Policies never block burning: a soulbound badge can be given up.
     *
     * Requirements: not paused; the caller owns `tokenId`.
     *
     * Emits a {Transfer} event to the zero address.
     */
    function burn(uint256 tokenId) external whenNotPaused {
        uint256 prev = _packedOwnershipOf(tokenId);
        address owner = address(uint160(prev));
        if (_msgSender() != owner) revert CollectibleCallerNotOwner(tokenId, _msgSender());
        delete _tokenApprovals[tokenId];
        // Cannot underflow: `owner` owns `tokenId`.
        unchecked {
            _balances[owner] -= 1;
        }
        _initializeNext(tokenId, prev);
        // The owner bits stay, so a back-scan never walks past a burned token into an earlier run.
        _packedOwnerships[tokenId] = prev | _BITMASK_BURNED | _BITMASK_NEXT_INITIALIZED;
        (uint256 seriesId, ) = _split(tokenId);
        ++_series[seriesId].burned;
        emit Transfer(owner, address(0), tokenId);
    }

    // ------------------------------------------------------ policy views

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        return _isSoulbound(_packedOwnershipOf(tokenId));
    }

    /**
     * @dev See {IERC6454-isTransferable}. Answers for a transfer by the owner (the only caller a
     * `GiftAfterHold` token accepts): `false` while paused, when `from` is not the owner, for soulbound tokens
     * and for gifts before the hold is over. Burns (`to == 0`) by the owner are always allowed; mints
     * (`from == 0`) to a non-zero address are allowed for serials of an open series not minted yet and within
     * its cap (a batch can mint several at once).
     */
    function isTransferable(uint256 tokenId, address from, address to) external view returns (bool) {
        if (from == address(0)) return to != address(0) && !paused() && _mintable(tokenId);
        uint256 packed = _packedOwnershipOf(tokenId);
        if (paused() || from != address(uint160(packed))) return false;
        if (to == address(0)) return true;
        // `packed` holds the hold clock (a timestamp) beside the policy, so slither's incorrect-equality
        // detector sees a timestamp in the two comparisons below; they compare policy bits and never the time.
        // slither-disable-start incorrect-equality
        TransferPolicy policy = _policyOf(packed);
        if (policy == TransferPolicy.Soulbound) return false;
        return policy == TransferPolicy.Free || block.timestamp >= _transferableAt(packed);
        // slither-disable-end incorrect-equality
    }

    // -------------------------------------------------------------- ERC-165

    /// @inheritdoc IERC165
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(IERC165, ERC2981, AccessControlDefaultAdminRules) returns (bool) {
        return
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId ||
            interfaceId == bytes4(0x49064906) || // ERC-4906, as the ERC defines its id
            interfaceId == type(IERC5192).interfaceId ||
            interfaceId == type(IERC6454).interfaceId ||
            ERC2981.supportsInterface(interfaceId) ||
            AccessControlDefaultAdminRules.supportsInterface(interfaceId);
    }

    // ------------------------------------------------------------- internals

    /// @dev Mints one token of `seriesId` to `to` without the receiver check; returns its id.
    function _mintOne(uint256 seriesId, address to) private returns (uint256 tokenId) {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 rules;
        (tokenId, rules) = _reserve(seriesId, 1);
        _packedOwnerships[tokenId] = _pack(to, rules) | _BITMASK_NEXT_INITIALIZED;
        // Cannot overflow: a balance is at most the number of tokens ever minted.
        unchecked {
            _balances[to] += 1;
        }
        emit Transfer(address(0), to, tokenId);
        if (_isSoulbound(rules)) emit Locked(tokenId);
    }

    /**
     * @dev Takes the next `quantity` serials of `seriesId`: checks the series and its cap once, bumps the
     * minted count and returns the first token id and the policy bits every new token carries.
     */
    function _reserve(uint256 seriesId, uint256 quantity) private returns (uint256 firstTokenId, uint256 rules) {
        if (quantity == 0) revert CollectibleInvalidQuantity(0);
        Series storage s = _existingSeries(seriesId);
        if (s.closed) revert CollectibleSeriesClosed(seriesId);
        uint256 maxSupply = s.maxSupply;
        uint256 minted = s.minted;
        if (quantity > maxSupply - minted) revert CollectibleMaxSupplyReached(seriesId, maxSupply);
        // Fits: minted + quantity <= maxSupply < SERIES_STRIDE < 2**32.
        s.minted = uint32(minted + quantity);
        firstTokenId = seriesId * SERIES_STRIDE + minted + 1;
        rules = (uint256(s.policy) << _BITPOS_POLICY) | (uint256(s.holdSeconds) << _BITPOS_HOLD);
    }

    /// @dev Returns the packed ownership of `tokenId`, scanning back over a lazily owned run if needed.
    function _packedOwnershipOf(uint256 tokenId) private view returns (uint256 packed) {
        packed = _packedOwnerships[tokenId];
        // An unwritten slot is exactly zero; a written one always has owner bits (see {_pack}).
        // slither-disable-next-line incorrect-equality
        if (packed == 0) {
            (uint256 seriesId, uint256 serial) = _split(tokenId);
            if (serial == 0 || serial > _series[seriesId].minted) revert ERC721NonexistentToken(tokenId);
            // Every mint writes the slot of the first token it creates, and serial 1 is always one, so the
            // scan stops within the series. Cannot underflow for the same reason.
            uint256 id = tokenId;
            unchecked {
                do {
                    packed = _packedOwnerships[--id];
                } while (packed == 0);
            }
        }
        if (packed & _BITMASK_BURNED != 0) revert ERC721NonexistentToken(tokenId);
    }

    /**
     * @dev Before token `tokenId` changes hands, writes the ownership of the next token if that token exists
     * and was found by scanning back over `tokenId`'s slot (packed `prev`).
     */
    function _initializeNext(uint256 tokenId, uint256 prev) private {
        if (prev & _BITMASK_NEXT_INITIALIZED != 0) return;
        uint256 next = tokenId + 1;
        if (_packedOwnerships[next] != 0) return;
        (uint256 seriesId, uint256 serial) = _split(next);
        if (serial != 0 && serial <= _series[seriesId].minted) _packedOwnerships[next] = prev;
    }

    /// @dev Whether `tokenId` is among the serials its series could still mint.
    function _mintable(uint256 tokenId) private view returns (bool) {
        (uint256 seriesId, uint256 serial) = _split(tokenId);
        Series storage s = _series[seriesId];
        return !s.closed && serial > s.minted && serial <= s.maxSupply;
    }

    function _existingSeries(uint256 seriesId) private view returns (Series storage s) {
        s = _series[seriesId];
        if (s.maxSupply == 0) revert CollectibleUnknownSeries(seriesId);
    }

    function _setRoyalty(address receiver, uint96 feeNumerator) private {
        if (feeNumerator > MAX_ROYALTY_BPS) revert CollectibleRoyaltyTooHigh(feeNumerator, MAX_ROYALTY_BPS);
        _setDefaultRoyalty(receiver, feeNumerator);
        emit DefaultRoyaltyUpdated(receiver, feeNumerator);
    }

    function _pack(address owner, uint256 rules) private view returns (uint256) {
        return uint256(uint160(owner)) | (block.timestamp << _BITPOS_ACQUIRED_AT) | rules;
    }

    function _split(uint256 tokenId) private pure returns (uint256 seriesId, uint256 serial) {
        return (tokenId / SERIES_STRIDE, tokenId % SERIES_STRIDE);
    }

    function _policyOf(uint256 packed) private pure returns (TransferPolicy) {
        return TransferPolicy(uint8(packed >> _BITPOS_POLICY));
    }

    function _isSoulbound(uint256 packed) private pure returns (bool) {
        // Compares policy bits, not the timestamp stored beside them.
        // slither-disable-next-line incorrect-equality
        return _policyOf(packed) == TransferPolicy.Soulbound;
    }

    function _transferableAt(uint256 packed) private pure returns (uint256) {
        return uint40(packed >> _BITPOS_ACQUIRED_AT) + uint32(packed >> _BITPOS_HOLD);
    }
}

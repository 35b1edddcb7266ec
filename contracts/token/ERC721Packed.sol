// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IERC5192} from "../interfaces/IERC5192.sol";

/**
 * @dev The ERC-721 core of {Collectible}: ownership, balances, approvals and transfers, with everything a token
 * needs packed beside its owner in the one slot a mint writes anyway. Our own code rather than OpenZeppelin's
 * {ERC721}: OpenZeppelin writes one slot per token and keeps no per-token data beside the owner, which makes a
 * batch mint cost a cold write per token and a hold clock cost a second slot.
 *
 * Storage layout. The ownership word of `tokenId` is `_packedOwnerships[tokenId]`, at
 * `keccak256(abi.encode(tokenId, _packedOwnerships.slot))`:
 *
 * - bits [0, 160): owner
 * - bits [160, 200): timestamp at which the owner acquired the token (40 bits last until the year 36812)
 * - bit 200: burned
 * - bit 201: born in its slot: the token was minted into this slot, so no lazy run or roster covers its id
 * - bits [202, 210): zero in an ownership slot; in a run word, the run's length (see below)
 * - bit 210: may be approved: `_tokenApprovals[tokenId]` may be set. {approve} sets it in a written slot; a word
 *   read from a run or a roster always has it (setting it there would write the slot). A transfer writes a word
 *   without it, so a token never approved skips the approval slot (2,200 gas) when it moves or burns.
 * - bits [211, 216): zero
 * - bits [216, 256): extra data chosen by the extension at mint and kept unchanged by transfers
 *   ({Collectible} keeps the transfer policy and the hold period there)
 *
 * The balance of `owner` is {_rosterBalanceOf} (the tokens minted to `owner` by rosters, which write no balance)
 * plus the whole word `_balances[owner]`, at `keccak256(abi.encode(owner, _balances.slot))`, read as a signed
 * two's-complement delta: every mint that writes a balance adds, every transfer and burn adds and subtracts, all
 * wrapping, so a roster holder who gives its token away stores -1 and {balanceOf} still adds up exactly.
 *
 * Rosters. An extension may own tokens whose slot was never written and which no lazy run covers (the roster
 * airdrop keeps their owners as contract code): {_rosterOwnershipOf} returns their ownership word. A lookup asks
 * it when no run covers the token.
 *
 * Lazy runs. {_safeMintRun} of more than one token writes no ownership slot: it writes the run's ownership word
 * once, with the run's length in bits [202, 210), in `_runOwnerships[firstTokenId]`, and sets bit
 * `firstTokenId % 256` of `_runStarts[firstTokenId / 256]`. The owner of a token whose own slot is zero is
 * then found in a bounded number of reads ({_runOwnershipOf}): the highest run start at or below it in its
 * word of the bitmap or, as a run is at most 256 tokens, the word before; then that run's word, if the run
 * reaches the token. A transfer or burn writes only the token's own slot, which from then on takes precedence,
 * so the run word never changes and no neighbour's slot is ever written. {_mint} and {_mintEach} write every
 * slot. A written slot is never zero (it always holds an owner), so zero means "not written".
 *
 * Burning. A token born in its slot (bit 201, kept by transfers) has nothing else that could answer for its id,
 * so {_burn} clears the slot: zero then reads as "never minted", which is what a burned token must answer, and
 * the cleared slot earns EIP-3529's refund (4,800 gas), most of a burn's cost. Any other token (from a run or a
 * roster) keeps its slot with the burned bit, which shadows the run or roster from then on.
 *
 * Hooks. {_beforeTransfer} runs first in every transfer (a pause, say), {_authorizeTransfer} decides who may move
 * a token (the default is ERC-721's owner, operator or approved address), {_authorizeApproval} may refuse an
 * {approve}, and {_isLocked} says which extra data make a token soulbound (ERC-5192 {IERC5192-Locked} at mint).
 */
abstract contract ERC721Packed is Context, IERC721, IERC721Errors {
    // ---------------------------------------------------------------- constants

    uint256 private constant _BITMASK_ADDRESS = (1 << 160) - 1;
    uint256 private constant _BITMASK_BURNED = 1 << 200;
    /// @dev Set in a word minted into its own slot (see the storage layout); kept by transfers.
    uint256 private constant _BITMASK_BORN_IN_SLOT = 1 << 201;
    /// @dev Set in a word whose token may have an approved address (see the storage layout).
    uint256 private constant _BITMASK_MAY_BE_APPROVED = 1 << 210;
    /// @dev Position of a run's length in its run word (8 bits; a run has at most 255 tokens).
    uint256 private constant _BITPOS_RUN_LENGTH = 202;
    uint256 private constant _BITMASK_RUN_LENGTH = 0xff << _BITPOS_RUN_LENGTH;

    /// @dev Position of the acquisition timestamp in an ownership word.
    uint256 internal constant _BITPOS_ACQUIRED_AT = 160;

    /// @dev Position of the extension's extra data in an ownership word: bits [216, 256).
    uint256 internal constant _BITPOS_EXTRA = 216;

    /// @dev Selects the extra data of an ownership word, left in place.
    uint256 internal constant _BITMASK_EXTRA = type(uint256).max << _BITPOS_EXTRA;

    // ------------------------------------------------------------------ storage

    mapping(uint256 tokenId => uint256 packed) private _packedOwnerships;
    mapping(uint256 firstTokenId => uint256 packed) private _runOwnerships;
    mapping(uint256 wordIndex => uint256 starts) private _runStarts;
    mapping(address owner => uint256 balance) private _balances;
    mapping(uint256 tokenId => address approved) private _tokenApprovals;
    mapping(address owner => mapping(address operator => bool approved)) private _operatorApprovals;

    // ------------------------------------------------------------ ERC-721 views

    /**
     * @inheritdoc IERC721
     * @dev Adds the tokens rosters minted to `owner` ({_rosterBalanceOf}): in {Collectible} a binary search
     * of every roster of the collection, so its gas grows linearly with the number of rosters (about 9,000
     * each), whether `owner` is in them or not; without rosters it is one read.
     */
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        // The stored word is a signed delta (see the contract's storage layout): the sum wraps back to the
        // true, non-negative count.
        unchecked {
            return _balances[owner] + _rosterBalanceOf(owner);
        }
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

    // -------------------------------------------------------- ERC-721 approvals

    /**
     * @inheritdoc IERC721
     * @dev {_authorizeApproval} may refuse it: {Collectible} refuses approvals for tokens
     * whose transfer policy is not `Free`, so no marketplace can list them.
     */
    function approve(address to, uint256 tokenId) external {
        uint256 packed = _packedOwnershipOf(tokenId);
        _authorizeApproval(packed, tokenId);
        address owner = address(uint160(packed));
        if (_msgSender() != owner && !isApprovedForAll(owner, _msgSender())) {
            revert ERC721InvalidApprover(_msgSender());
        }
        _tokenApprovals[tokenId] = to;
        // A word read from a run or roster already has the bit; a written slot gets it once. (A bit test, not
        // the timestamp comparison slither's incorrect-equality detector takes it for.)
        // slither-disable-next-line incorrect-equality
        if (packed & _BITMASK_MAY_BE_APPROVED == 0) {
            _packedOwnerships[tokenId] = packed | _BITMASK_MAY_BE_APPROVED;
        }
        emit Approval(owner, to, tokenId);
    }

    /**
     * @inheritdoc IERC721
     * @dev Operators are account-wide; {_authorizeTransfer} still decides which
     * tokens they can move ({Collectible}: only `Free` ones).
     */
    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0)) revert ERC721InvalidOperator(address(0));
        _operatorApprovals[_msgSender()][operator] = approved;
        emit ApprovalForAll(_msgSender(), operator, approved);
    }

    // -------------------------------------------------------- ERC-721 transfers

    /**
     * @inheritdoc IERC721
     * @dev Runs {_beforeTransfer} first, then {_authorizeTransfer} on the token's
     * ownership word; the extra data travel with the token and the acquisition time restarts.
     */
    function transferFrom(address from, address to, uint256 tokenId) public {
        _transfer(_msgSender(), from, to, tokenId);
    }

    /**
     * @dev {transferFrom} on behalf of `caller`, the account {_authorizeTransfer} judges: the sender for
     * {transferFrom}, the owner whose signature an extension checked for a signed gift. Does not call
     * {IERC721Receiver-onERC721Received}.
     */
    function _transfer(address caller, address from, address to, uint256 tokenId) internal {
        _beforeTransfer();
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 prev = _packedOwnershipOf(tokenId);
        address owner = address(uint160(prev));
        _authorizeTransfer(caller, prev, tokenId);
        if (owner != from) revert ERC721IncorrectOwner(from, tokenId, owner);

        // Signed deltas (see the storage layout): `from` may store zero (its token came from a roster) and wraps
        // to -1; the sum with the roster count is the true balance.
        unchecked {
            --_balances[from];
            ++_balances[to];
        }
        _packedOwnerships[tokenId] = _pack(to, prev & (_BITMASK_EXTRA | _BITMASK_BORN_IN_SLOT));
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

    // -------------------------------------------------------------------- hooks

    /// @dev Runs first in {transferFrom} and the safe transfers, before any other check. Does nothing here.
    // A hook: the default is to do nothing, extensions override it.
    // solhint-disable-next-line no-empty-blocks
    function _beforeTransfer() internal view virtual {}

    /**
     * @dev Reverts unless `caller` may move `tokenId`, whose ownership word is `packed`, and clears what the
     * transfer consumes. Here as in ERC-721: the owner, an operator of the owner or the approved address may move
     * it ({ERC721InsufficientApproval}), and the approval is cleared.
     */
    function _authorizeTransfer(address caller, uint256 packed, uint256 tokenId) internal virtual {
        address owner = address(uint160(packed));
        bool mayBeApproved = packed & _BITMASK_MAY_BE_APPROVED != 0;
        if (
            caller != owner &&
            !isApprovedForAll(owner, caller) &&
            !(mayBeApproved && _tokenApprovals[tokenId] == caller)
        ) {
            revert ERC721InsufficientApproval(caller, tokenId);
        }
        // Without the bit the slot is known to be zero (see the storage layout).
        if (mayBeApproved) delete _tokenApprovals[tokenId];
    }

    /**
     * @dev Whether a token whose ownership word is `packed` can ever hold an approval: when it cannot,
     * {_authorizeApproval} must refuse every {approve} of it, and a burn skips clearing the approval. Every token
     * can here.
     */
    function _approvable(uint256 /* packed */) internal pure virtual returns (bool) {
        return true;
    }

    /// @dev Reverts if `tokenId`, whose ownership word is `packed`, may not be approved. Allows every token here.
    // A hook: the default allows everything, extensions override it.
    // solhint-disable-next-line no-empty-blocks
    function _authorizeApproval(uint256 /* packed */, uint256 /* tokenId */) internal view virtual {}

    /**
     * @dev The ownership word of `tokenId`, whose slot is unwritten and which no run covers, when a roster owns
     * it; zero when none does (the token was never minted).
     */
    function _rosterOwnershipOf(uint256 tokenId) internal view virtual returns (uint256);

    /// @dev The number of tokens rosters minted to `owner` (whatever happened to them since).
    function _rosterBalanceOf(address owner) internal view virtual returns (uint256);

    /// @dev Whether tokens minted with these extra data (or ownership word) are soulbound. None are here.
    function _isLocked(uint256 /* packed */) internal pure virtual returns (bool) {
        return false;
    }

    // ------------------------------------------------------------------ minting

    /**
     * @dev Mints `tokenId`, which must not exist, to `to`, which must not be the zero address, with extra data
     * `extra` (bits [216, 256), in place). Does not call {IERC721Receiver-onERC721Received}.
     *
     * Emits a {Transfer} event, and an {IERC5192-Locked} event when {_isLocked} says so.
     */
    function _mint(address to, uint256 tokenId, uint256 extra) internal {
        _packedOwnerships[tokenId] = _pack(to, extra | _BITMASK_BORN_IN_SLOT);
        // Cannot overflow: a balance is at most the number of tokens ever minted, far below 2**256.
        unchecked {
            ++_balances[to];
        }
        emit Transfer(address(0), to, tokenId);
        if (_isLocked(extra)) emit IERC5192.Locked(tokenId);
    }

    /**
     * @dev Mints the `quantity` consecutive ids from `firstTokenId`, none of which may exist, to `to` (not the
     * zero address) with extra data `extra`, as one lazy run (see the storage layout): one run word and one bit
     * of the run starts for the whole run. `quantity` is from 1 to 255 (a run of one writes the token's own
     * slot instead). When `to` is a contract it must implement {IERC721Receiver-onERC721Received}, called once
     * per token.
     *
     * Emits one {Transfer} event per token, and an {IERC5192-Locked} event per token when {_isLocked} says so.
     */
    function _safeMintRun(address to, uint256 firstTokenId, uint256 quantity, uint256 extra) internal {
        if (quantity == 1) {
            _packedOwnerships[firstTokenId] = _pack(to, extra | _BITMASK_BORN_IN_SLOT);
        } else {
            _runOwnerships[firstTokenId] = _pack(to, extra) | (quantity << _BITPOS_RUN_LENGTH);
            _runStarts[firstTokenId >> 8] |= 1 << (firstTokenId & 0xff);
        }
        // Cannot overflow: a balance is at most the number of tokens ever minted, far below 2**256.
        unchecked {
            _balances[to] += quantity;
        }
        _emitRun(to, firstTokenId, quantity, _isLocked(extra));
        if (to.code.length != 0) {
            uint256 end = firstTokenId + quantity;
            for (uint256 tokenId = firstTokenId; tokenId < end; ++tokenId) {
                ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
            }
        }
    }

    /**
     * @dev Emits the {Transfer} events (and {IERC5192-Locked} ones when `soulbound`) of a run of `quantity`
     * tokens from `firstTokenId` to `to`. In assembly, two tokens a turn: a batch mint's cost is its logs.
     */
    function _emitRun(address to, uint256 firstTokenId, uint256 quantity, bool soulbound) private {
        bytes32 transferTopic = Transfer.selector;
        bytes32 lockedTopic = IERC5192.Locked.selector;
        // `switch soulbound` tests a bool, not a timestamp: slither's detectors read it as a comparison with one.
        // slither-disable-start incorrect-equality,timestamp
        // "memory-safe": the block writes only the scratch word at 0x00 (a Locked log's data).
        // Inline assembly: Solidity's `emit` builds memory and checks the counter per token.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Cannot overflow: the caller reserved these ids inside one series.
            let end := add(firstTokenId, quantity)
            let tokenId := firstTokenId
            switch soulbound
            case 0 {
                let pairsEnd := sub(end, and(quantity, 1))
                for {} lt(tokenId, pairsEnd) {
                    tokenId := add(tokenId, 2)
                } {
                    // Transfer(address(0), to, tokenId): all three arguments indexed, no data.
                    log4(0, 0, transferTopic, 0, to, tokenId)
                    log4(0, 0, transferTopic, 0, to, add(tokenId, 1))
                }
                if lt(tokenId, end) {
                    log4(0, 0, transferTopic, 0, to, tokenId)
                }
            }
            default {
                for {} lt(tokenId, end) {
                    tokenId := add(tokenId, 1)
                } {
                    log4(0, 0, transferTopic, 0, to, tokenId)
                    mstore(0x00, tokenId)
                    log1(0x00, 0x20, lockedTopic)
                }
            }
        }
        // slither-disable-end incorrect-equality,timestamp
    }

    /**
     * @dev Push mint: mints `firstTokenId`, `firstTokenId + 1`, … to `recipients`, one each and in order, with
     * extra data `extra` (bits [216, 256), in place). Like {_mint}, does not call
     * {IERC721Receiver-onERC721Received}.
     *
     * What the caller must have checked, once for the whole batch, so that the loop checks nothing per token but
     * the recipient ({CollectibleAirdrop} does it with {CollectibleSeries-_reserve}): `recipients` is not empty;
     * the ids `firstTokenId` to `firstTokenId + recipients.length - 1` were never minted (so their slots are
     * zero and no balance or approval refers to them). The ids
     * stay inside one series, below its cap and far below 2**256, so `tokenId + 1` cannot overflow.
     *
     * Requirements: no recipient is the zero address or a word with dirty upper bits (either reverts with
     * {ERC721InvalidReceiver} carrying the word as given).
     *
     * Emits a {Transfer} event per token, and an {IERC5192-Locked} event per token when {_isLocked} says so.
     *
     * The loop is the whole cost of an airdrop, so it is written in assembly: per token two mapping-slot hashes,
     * the two unavoidable cold writes (ownership word, balance) and the {Transfer} log. It is equivalent to:
     *
     * ```solidity
     * uint256 word = (block.timestamp << _BITPOS_ACQUIRED_AT) | _BITMASK_BORN_IN_SLOT | extra;
     * for (uint256 i = 0; i < recipients.length; ++i) {
     *     address to = recipients[i]; // Solidity reverts without data on dirty upper bits
     *     if (to == address(0)) revert ERC721InvalidReceiver(address(0));
     *     uint256 tokenId = firstTokenId + i;
     *     _packedOwnerships[tokenId] = uint256(uint160(to)) | word;
     *     unchecked { ++_balances[to]; }
     *     emit Transfer(address(0), to, tokenId);
     *     if (_isLocked(extra)) emit IERC5192.Locked(tokenId);
     * }
     * ```
     *
     * Solidity's version spends a few hundred gas per token more: a bounds check and an ABI validation of each
     * element, the memory an `emit` builds, and checked increments of the two counters.
     */
    // Most of its lines are the step-by-step comments of the assembly.
    // solhint-disable-next-line function-max-lines
    function _mintEach(address[] calldata recipients, uint256 firstTokenId, uint256 extra) internal {
        // Every token of the batch gets its own slot, so it is born there.
        uint256 word = (block.timestamp << _BITPOS_ACQUIRED_AT) | _BITMASK_BORN_IN_SLOT | extra;
        bool soulbound = _isLocked(extra);
        bytes4 invalidReceiver = ERC721InvalidReceiver.selector;
        bytes32 transferTopic = Transfer.selector;
        bytes32 lockedTopic = IERC5192.Locked.selector;
        // "memory-safe" in the sense of Solidity's documentation, which lets the optimizer move stack variables to
        // memory around the block: the block writes only the scratch space [0x00, 0x40) (the error selector and
        // argument of a revert, the data of a Locked log) and the 128 bytes from the free memory pointer, which it
        // reads but never moves, i.e. temporary memory that Solidity treats as unallocated. It allocates nothing,
        // so nothing Solidity keeps in memory is overwritten, and it leaves the free memory pointer as it was.
        // Inline assembly: the airdrop's per-token cost, documented above.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Hash inputs, two words each, at the free memory pointer m:
            //   [m, m + 0x40)         = (tokenId, _packedOwnerships.slot): keccak256 is the ownership slot;
            //   [m + 0x40, m + 0x80)  = (to, _balances.slot):              keccak256 is the balance slot.
            // This is how Solidity derives `mapping[key]` for a value-type key: keccak256(abi.encode(key, slot)).
            let m := mload(0x40)
            mstore(add(m, 0x20), _packedOwnerships.slot)
            mstore(add(m, 0x60), _balances.slot)
            let tokenId := firstTokenId
            // `recipients` is a calldata array: its elements are the `recipients.length` words from
            // `recipients.offset`. The ABI decoder checked offset and length against the calldata size, so every
            // word read below is in bounds.
            let end := add(recipients.offset, shl(5, recipients.length))
            for {
                let p := recipients.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let to := calldataload(p)
                // `to - 1` wraps to 2**256 - 1 for zero and is at least 2**160 - 1 for a word with any of the upper
                // 96 bits set, so one comparison rejects the zero address and dirty upper bits alike with
                // ERC721InvalidReceiver(to) (OpenZeppelin's error; the argument is the word as given).
                if iszero(lt(sub(to, 1), _BITMASK_ADDRESS)) {
                    mstore(0x00, invalidReceiver)
                    mstore(0x04, to)
                    revert(0x00, 0x24)
                }
                // Ownership word: owner in bits [0, 160) (`to` is clean, checked above); `word` holds the
                // acquisition time and the extra data, neither of which overlaps the owner.
                mstore(m, tokenId)
                sstore(keccak256(m, 0x40), or(to, word))
                // Balance: cannot overflow, a balance is at most the number of tokens ever minted, and every mint
                // takes serials below its series' cap (at most 999,999 per series, as many series as transactions
                // can create), far below 2**256; so the plain `add` equals the `unchecked` increment above.
                mstore(add(m, 0x40), to)
                let balanceSlot := keccak256(add(m, 0x40), 0x40)
                sstore(balanceSlot, add(sload(balanceSlot), 1))
                // Transfer(address(0), to, tokenId): all three arguments are indexed, so the log has no data.
                log4(0, 0, transferTopic, 0, to, tokenId)
                if soulbound {
                    // Locked(tokenId): one unindexed argument, written to the scratch space.
                    mstore(0x00, tokenId)
                    log1(0x00, 0x20, lockedTopic)
                }
                // Cannot overflow: the caller reserved these ids inside one series (see above).
                tokenId := add(tokenId, 1)
            }
        }
    }

    // ------------------------------------------------------------------ burning

    /**
     * @dev Burns `tokenId`, whose ownership word is `prev` (from {_packedOwnershipOf}), and clears its approval.
     * Checks nothing: the caller decides who may burn. A token born in its slot leaves the slot zero (refunded);
     * any other keeps its slot, marked burned (see the storage layout).
     *
     * Emits a {Transfer} event to the zero address.
     */
    function _burn(uint256 tokenId, uint256 prev) internal {
        address owner = address(uint160(prev));
        // A token never approved, or that never can be, has nothing to clear: skipping the slot saves its cold
        // access.
        if (prev & _BITMASK_MAY_BE_APPROVED != 0 && _approvable(prev)) delete _tokenApprovals[tokenId];
        // A signed delta: wraps to -1 for a roster token's owner (see {transferFrom}).
        unchecked {
            --_balances[owner];
        }
        if (prev & _BITMASK_BORN_IN_SLOT != 0) {
            // Nothing else covers the id, so a zero slot reads as "never minted", as a burned token must.
            delete _packedOwnerships[tokenId];
        } else {
            // The slot takes precedence over the run or roster from now on; the owner bits keep it non-zero.
            _packedOwnerships[tokenId] = prev | _BITMASK_BURNED;
        }
        emit Transfer(owner, address(0), tokenId);
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev Returns the ownership word of `tokenId`: its own slot, else the run that covers it, else its roster.
     * A bounded number of reads: one slot, one or two bitmap words and a run word, then the roster lookup.
     *
     * Requirements: `tokenId` exists (minted and not burned), else {ERC721NonexistentToken}.
     */
    function _packedOwnershipOf(uint256 tokenId) internal view returns (uint256 packed) {
        packed = _packedOwnerships[tokenId];
        // An unwritten slot is exactly zero; a written one always has owner bits (see {_pack}).
        // slither-disable-next-line incorrect-equality
        if (packed == 0) {
            packed = _runOwnershipOf(tokenId);
            // slither-disable-next-line incorrect-equality
            if (packed == 0) packed = _rosterOwnershipOf(tokenId);
            // Neither: never minted.
            // slither-disable-next-line incorrect-equality
            if (packed == 0) revert ERC721NonexistentToken(tokenId);
            // Its approval cannot be flagged in a slot that was never written, so it may always have one.
            packed |= _BITMASK_MAY_BE_APPROVED;
        }
        if (packed & _BITMASK_BURNED != 0) revert ERC721NonexistentToken(tokenId);
    }

    /**
     * @dev The ownership word of the lazy run covering `tokenId`, or zero when none does: the highest run start
     * at or below `tokenId` in its bitmap word, else in the word before (a run is shorter than a word, so its
     * start is in one of the two), then the run's word if the run reaches `tokenId`.
     */
    function _runOwnershipOf(uint256 tokenId) private view returns (uint256) {
        uint256 wordIndex = tokenId >> 8;
        // The starts at or below `tokenId` in its word: bits 0 to `tokenId % 256`.
        uint256 starts = _runStarts[wordIndex] & (type(uint256).max >> (0xff - (tokenId & 0xff)));
        // slither-disable-next-line incorrect-equality
        if (starts == 0) {
            // slither-disable-next-line incorrect-equality
            if (wordIndex == 0) return 0;
            starts = _runStarts[--wordIndex];
            // slither-disable-next-line incorrect-equality
            if (starts == 0) return 0;
        }
        uint256 start = (wordIndex << 8) | Math.log2(starts);
        uint256 word = _runOwnerships[start];
        // Cannot underflow: `start` is at most `tokenId`.
        if (tokenId - start >= (word >> _BITPOS_RUN_LENGTH) & 0xff) return 0;
        return word & ~_BITMASK_RUN_LENGTH;
    }

    /// @dev Returns the timestamp at which the owner in ownership word `packed` acquired the token.
    function _acquiredAtOf(uint256 packed) internal pure returns (uint256) {
        return uint40(packed >> _BITPOS_ACQUIRED_AT);
    }

    function _pack(address owner, uint256 extra) private view returns (uint256) {
        return uint256(uint160(owner)) | (block.timestamp << _BITPOS_ACQUIRED_AT) | extra;
    }
}

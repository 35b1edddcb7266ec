// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";

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
 * - bit 201: the slot of the next token id is initialized (see below)
 * - bits [202, 216): zero
 * - bits [216, 256): extra data chosen by the extension at mint and kept unchanged by transfers
 *   ({Collectible} keeps the transfer policy and the hold period there)
 *
 * The balance of `owner` is the whole word `_balances[owner]`, at `keccak256(abi.encode(owner, _balances.slot))`.
 *
 * Lazy runs. {_safeMintRun} writes only the slot of the first token of its run, as ERC721A does; the owner of a
 * later token in the run is found by scanning back to the nearest written slot ({_packedOwnershipOf}), and a
 * transfer or burn writes the next slot ({_initializeNext}) before it changes its own. {_mint} and {_mintEach}
 * write every slot. A written slot is never zero (it
 * always holds an owner), so zero means "not written". The extension says which token ids exist through
 * {_isMinted} and guarantees the scan's stop: the first token id of every mint is written.
 *
 * Hooks. {_beforeTransfer} runs first in every transfer (a pause, say), {_authorizeTransfer} decides who may move
 * a token (the default is ERC-721's owner, operator or approved address), {_authorizeApproval} may refuse an
 * {approve}, and {_isLocked} says which extra data make a token soulbound (ERC-5192 {IERC5192-Locked} at mint).
 */
abstract contract ERC721Packed is Context, IERC721, IERC721Errors {
    // ---------------------------------------------------------------- constants

    uint256 private constant _BITMASK_ADDRESS = (1 << 160) - 1;
    uint256 private constant _BITMASK_BURNED = 1 << 200;
    uint256 private constant _BITMASK_NEXT_INITIALIZED = 1 << 201;

    /// @dev Position of the acquisition timestamp in an ownership word.
    uint256 internal constant _BITPOS_ACQUIRED_AT = 160;

    /// @dev Position of the extension's extra data in an ownership word: bits [216, 256).
    uint256 internal constant _BITPOS_EXTRA = 216;

    /// @dev Selects the extra data of an ownership word, left in place.
    uint256 internal constant _BITMASK_EXTRA = type(uint256).max << _BITPOS_EXTRA;

    // ------------------------------------------------------------------ storage

    mapping(uint256 tokenId => uint256 packed) private _packedOwnerships;
    mapping(address owner => uint256 balance) private _balances;
    mapping(uint256 tokenId => address approved) private _tokenApprovals;
    mapping(address owner => mapping(address operator => bool approved)) private _operatorApprovals;

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

        // Cannot underflow: `from` owns `tokenId`, so its balance is at least one. Cannot overflow: a balance is
        // at most the number of tokens ever minted, far below 2**256.
        unchecked {
            --_balances[from];
            ++_balances[to];
        }
        // Tested here rather than in {_initializeNext}: the usual token has the bit, and skips the call. A bit of the
        // ownership word, not the timestamp slither's incorrect-equality detector sees beside it.
        // slither-disable-next-line incorrect-equality
        if (prev & _BITMASK_NEXT_INITIALIZED == 0) _initializeNext(tokenId, prev);
        _packedOwnerships[tokenId] = _pack(to, prev & _BITMASK_EXTRA) | _BITMASK_NEXT_INITIALIZED;
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

    /**
     * @dev Whether `tokenId` was minted (burned or not). The extension knows which ids its mints took; the core
     * asks before scanning back over unwritten slots and before writing the slot after a token.
     */
    function _isMinted(uint256 tokenId) internal view virtual returns (bool);

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
        if (caller != owner && !isApprovedForAll(owner, caller) && _tokenApprovals[tokenId] != caller) {
            revert ERC721InsufficientApproval(caller, tokenId);
        }
        delete _tokenApprovals[tokenId];
    }

    /// @dev Reverts if `tokenId`, whose ownership word is `packed`, may not be approved. Allows every token here.
    // A hook: the default allows everything, extensions override it.
    // solhint-disable-next-line no-empty-blocks
    function _authorizeApproval(uint256 /* packed */, uint256 /* tokenId */) internal view virtual {}

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
        _packedOwnerships[tokenId] = _pack(to, extra) | _BITMASK_NEXT_INITIALIZED;
        // Cannot overflow: a balance is at most the number of tokens ever minted, far below 2**256.
        unchecked {
            ++_balances[to];
        }
        emit Transfer(address(0), to, tokenId);
        if (_isLocked(extra)) emit IERC5192.Locked(tokenId);
    }

    /**
     * @dev Mints the `quantity` consecutive ids from `firstTokenId`, none of which may exist, to `to` (not the
     * zero address) with extra data `extra`, writing one ownership slot for the whole run. When `to` is a
     * contract it must implement {IERC721Receiver-onERC721Received}, called once per token.
     *
     * Emits one {Transfer} event per token, and an {IERC5192-Locked} event per token when {_isLocked} says so.
     */
    function _safeMintRun(address to, uint256 firstTokenId, uint256 quantity, uint256 extra) internal {
        // A run of one has no unwritten successor.
        _packedOwnerships[firstTokenId] = _pack(to, extra) | (quantity == 1 ? _BITMASK_NEXT_INITIALIZED : 0);
        // Cannot overflow: a balance is at most the number of tokens ever minted, far below 2**256.
        unchecked {
            _balances[to] += quantity;
        }
        bool soulbound = _isLocked(extra);
        uint256 end = firstTokenId + quantity;
        for (uint256 tokenId = firstTokenId; tokenId < end; ++tokenId) {
            emit Transfer(address(0), to, tokenId);
            if (soulbound) emit IERC5192.Locked(tokenId);
        }
        if (to.code.length != 0) {
            for (uint256 tokenId = firstTokenId; tokenId < end; ++tokenId) {
                ERC721Utils.checkOnERC721Received(_msgSender(), address(0), to, tokenId, "");
            }
        }
    }

    /**
     * @dev Push mint: mints `firstTokenId`, `firstTokenId + 1`, … to `recipients`, one each and in order, with
     * extra data `extra` (bits [216, 256), in place). Like {_mint}, does not call
     * {IERC721Receiver-onERC721Received}.
     *
     * What the caller must have checked, once for the whole batch, so that the loop checks nothing per token but
     * the recipient ({CollectibleAirdrop} does it with {CollectibleSeries-_reserve}): `recipients` is not empty;
     * the ids `firstTokenId` to `firstTokenId + recipients.length - 1` were never minted (so their slots are
     * zero and no balance or approval refers to them), and {_isMinted} already counts them (the series' minted
     * count was raised first), so a lookup of any of them during or after the batch finds its own slot. The ids
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
     * uint256 word = (block.timestamp << _BITPOS_ACQUIRED_AT) | extra | _BITMASK_NEXT_INITIALIZED;
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
        // Every token of the batch gets its own slot, so every successor slot is (or will be) written.
        uint256 word = (block.timestamp << _BITPOS_ACQUIRED_AT) | extra | _BITMASK_NEXT_INITIALIZED;
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
                // acquisition time, the next-initialized bit and the extra data, none of which overlap the owner.
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
     * Checks nothing: the caller decides who may burn.
     *
     * Emits a {Transfer} event to the zero address.
     */
    function _burn(uint256 tokenId, uint256 prev) internal {
        address owner = address(uint160(prev));
        delete _tokenApprovals[tokenId];
        // Cannot underflow: `owner` owns `tokenId`.
        unchecked {
            --_balances[owner];
        }
        // A bit of the ownership word, not a timestamp (see {transferFrom}).
        // slither-disable-next-line incorrect-equality
        if (prev & _BITMASK_NEXT_INITIALIZED == 0) _initializeNext(tokenId, prev);
        // The owner bits stay, so a back-scan never walks past a burned token into an earlier run.
        _packedOwnerships[tokenId] = prev | _BITMASK_BURNED | _BITMASK_NEXT_INITIALIZED;
        emit Transfer(owner, address(0), tokenId);
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev Returns the ownership word of `tokenId`, scanning back over a lazily owned run if needed.
     *
     * Requirements: `tokenId` exists (minted and not burned), else {ERC721NonexistentToken}.
     */
    function _packedOwnershipOf(uint256 tokenId) internal view returns (uint256 packed) {
        packed = _packedOwnerships[tokenId];
        // An unwritten slot is exactly zero; a written one always has owner bits (see {_pack}).
        // slither-disable-next-line incorrect-equality
        if (packed == 0) {
            if (!_isMinted(tokenId)) revert ERC721NonexistentToken(tokenId);
            // The first token id of every mint is written, so the scan stops within that mint's run. Cannot
            // underflow for the same reason.
            uint256 id = tokenId;
            unchecked {
                do {
                    packed = _packedOwnerships[--id];
                } while (packed == 0);
            }
        }
        if (packed & _BITMASK_BURNED != 0) revert ERC721NonexistentToken(tokenId);
    }

    /// @dev Returns the timestamp at which the owner in ownership word `packed` acquired the token.
    function _acquiredAtOf(uint256 packed) internal pure returns (uint256) {
        return uint40(packed >> _BITPOS_ACQUIRED_AT);
    }

    /**
     * @dev Before token `tokenId` (ownership word `prev`, whose next-initialized bit is clear) changes hands, writes
     * `prev` into the slot of the next token if that token exists and was found by scanning back over `tokenId`.
     */
    function _initializeNext(uint256 tokenId, uint256 prev) private {
        uint256 next = tokenId + 1;
        if (_packedOwnerships[next] != 0) return;
        if (_isMinted(next)) _packedOwnerships[next] = prev;
    }

    function _pack(address owner, uint256 extra) private view returns (uint256) {
        return uint256(uint160(owner)) | (block.timestamp << _BITPOS_ACQUIRED_AT) | extra;
    }
}

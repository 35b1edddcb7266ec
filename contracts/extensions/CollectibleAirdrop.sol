// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICollectible} from "../interfaces/ICollectible.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {CollectibleSeries} from "./CollectibleSeries.sol";

/**
 * @dev Push airdrops that give each member of a campaign one token at most, however the campaign is split into
 * batches, ordered, replayed or resumed, from any machine.
 *
 * A campaign is a set of members, numbered 0, 1, 2, … by the sender (the off-chain planner numbers them by
 * their place in the sorted member list, so the numbering does not depend on the file's order or the batch
 * size). {airdrop} is given the number of its first recipient, `firstIndex`: recipient `i` is member
 * `firstIndex + i`. A bitmap keyed by the calling minter, the series and the campaign marks every member minted;
 * a member already marked is skipped, not reverted, so a replayed or overlapping batch mints only for the
 * members no batch has served yet.
 *
 * Storage layout. The marks of campaign `campaignId` of series `seriesId` sent by `minter` live in
 * `_airdropMarks[key]` with `key = keccak256(abi.encode(minter, seriesId, campaignId))` (see {_campaignKey}):
 * word `w` holds members `256 * w` to `256 * w + 255`, member `m` at bit `m % 256` of word `m / 256`. Binding
 * the key to the minter and the series means nobody else's execution (another `MINTER_ROLE` holder, another
 * series) can mark our members. Each word is read once and written at most once per call, so a fresh batch of
 * `n` members pays about one cold write per 256 members on top of the core's two writes per token.
 */
abstract contract CollectibleAirdrop is CollectibleSeries {
    /// @notice Most recipients of one {airdropRoster}: 1 + 20 * 1,228 bytes of code fit EIP-170's 24,576.
    uint256 public constant MAX_ROSTER = 1228;

    /// @dev Bits [200, 224) of a roster record: the roster's first serial.
    uint256 private constant _BITPOS_ROSTER_SERIAL = 200;
    /// @dev Bits [224, 256) of a roster record: the number of tokens.
    uint256 private constant _BITPOS_ROSTER_COUNT = 224;
    /// @dev The acquisition time of an ownership word, bits [160, 200), where a roster record keeps its own.
    uint256 private constant _BITMASK_ACQUIRED_AT = ((1 << 40) - 1) << _BITPOS_ACQUIRED_AT;

    mapping(bytes32 campaignKey => mapping(uint256 wordIndex => uint256 marks)) private _airdropMarks;

    /**
     * @dev Roster `index` of series `seriesId`, one word: the data contract's address in bits [0, 160), the
     * airdrop's timestamp in bits [160, 200) (where an ownership word keeps its acquisition time), the first
     * serial in bits [200, 224) and the number of tokens in bits [224, 256). A series' rosters are numbered in
     * the order they were stored, so their serials increase with their numbers.
     */
    mapping(uint256 seriesId => mapping(uint256 index => uint256 record)) private _rosters;

    /// @inheritdoc ICollectible
    function airdrop(
        uint256 seriesId,
        bytes32 campaignId,
        uint256 firstIndex,
        address[] calldata recipients
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId, uint256 minted) {
        if (campaignId == bytes32(0)) revert CollectibleInvalidCampaignId();
        uint256 count = recipients.length;
        if (count == 0) revert CollectibleInvalidQuantity(0);
        // The last member number, `firstIndex + count - 1`, must fit: cannot underflow, `count` is at least one.
        if (firstIndex > type(uint256).max - (count - 1)) revert CollectibleInvalidMemberRange(firstIndex, count);

        mapping(uint256 => uint256) storage marks = _airdropMarks[
            _campaignKey(_msgSender(), seriesId, campaignId)
        ];
        uint256[] memory before;
        (minted, before) = _mark(marks, firstIndex, count);
        // Every member already served: nothing to mint, nothing to announce.
        if (minted == 0) return (0, 0);

        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, minted);
        if (minted == count) {
            _mintEach(recipients, firstTokenId, rules);
        } else {
            _mintUnmarked(recipients, firstIndex, before, firstTokenId, rules);
        }
        emit AirdropExecuted(_msgSender(), seriesId, campaignId, firstIndex, count, firstTokenId, minted);
    }

    /// @inheritdoc ICollectible
    function airdropRoster(
        uint256 seriesId,
        bytes32 campaignId,
        uint256 firstIndex,
        bytes calldata recipients
    ) external onlyRole(MINTER_ROLE) whenNotPaused returns (uint256 firstTokenId, uint256 minted) {
        // The data contract's code is a STOP byte (so a call to it does nothing) then the addresses: CREATE pays
        // 200 gas per byte of it, 4,000 per token, and the loop adds the Transfer log and a comparison per token;
        // the roster's record, the campaign's marks and the series slot are written once.
        if (campaignId == bytes32(0)) revert CollectibleInvalidCampaignId();
        uint256 length = recipients.length;
        if (length == 0) revert CollectibleInvalidQuantity(0);
        if (length % 20 != 0 || length > MAX_ROSTER * 20) revert CollectibleInvalidRosterLength(length);
        uint256 count = length / 20;
        // Cannot underflow: `count` is at least one.
        if (firstIndex > type(uint256).max - (count - 1)) revert CollectibleInvalidMemberRange(firstIndex, count);

        uint256[] memory before;
        (minted, before) = _mark(_airdropMarks[_campaignKey(_msgSender(), seriesId, campaignId)], firstIndex, count);
        if (minted == 0) return (0, 0);

        uint256 rules;
        (firstTokenId, rules) = _reserve(seriesId, minted);
        address pointer = _storeRoster(recipients, firstIndex, before, minted, firstTokenId, _isLocked(rules));
        _recordRoster(seriesId, pointer, firstTokenId, minted);
        emit AirdropExecuted(_msgSender(), seriesId, campaignId, firstIndex, count, firstTokenId, minted);
    }

    /// @inheritdoc ICollectible
    function rosterCount(uint256 seriesId) external view returns (uint256) {
        return _seriesAt(seriesId).rosters;
    }

    /// @inheritdoc ICollectible
    function roster(
        uint256 seriesId,
        uint256 index
    ) external view returns (address pointer, uint256 firstTokenId, uint256 count, uint256 airdroppedAt) {
        if (index >= _seriesAt(seriesId).rosters) revert CollectibleUnknownRoster(seriesId, index);
        uint256 record = _rosters[seriesId][index];
        pointer = address(uint160(record));
        firstTokenId = seriesId * SERIES_STRIDE + uint24(record >> _BITPOS_ROSTER_SERIAL);
        count = record >> _BITPOS_ROSTER_COUNT;
        airdroppedAt = uint40(record >> _BITPOS_ACQUIRED_AT);
    }

    /// @inheritdoc ICollectible
    function isAirdropped(
        address minter,
        uint256 seriesId,
        bytes32 campaignId,
        uint256 memberIndex
    ) external view returns (bool) {
        uint256 word = _airdropMarks[_campaignKey(minter, seriesId, campaignId)][memberIndex >> 8];
        return (word >> (memberIndex & 0xff)) & 1 == 1;
    }

    /// @inheritdoc ICollectible
    function airdropMarks(
        address minter,
        uint256 seriesId,
        bytes32 campaignId,
        uint256 wordIndex
    ) external view returns (uint256) {
        return _airdropMarks[_campaignKey(minter, seriesId, campaignId)][wordIndex];
    }

    // ------------------------------------------------------------- roster reads

    /**
     * @dev The ownership word of roster token `tokenId` (slot unwritten), or zero outside every roster:
     * the series' rosters are searched by first serial (one cold read per halving: about `log2(rosters) + 1`
     * reads of 2,100 gas), then the owner is read from the roster's code (one EXTCODECOPY).
     */
    function _rosterOwnershipOf(uint256 tokenId) internal view override returns (uint256) {
        (uint256 seriesId, uint256 serial) = _split(tokenId);
        Series storage s = _seriesAt(seriesId);
        uint256 high = s.rosters;
        if (high == 0) return 0;
        mapping(uint256 => uint256) storage records = _rosters[seriesId];
        // The last roster whose first serial is at most `serial` is in [low, high).
        uint256 low = 0;
        while (high - low > 1) {
            uint256 middle = (low + high) >> 1;
            if (uint24(records[middle] >> _BITPOS_ROSTER_SERIAL) <= serial) low = middle;
            else high = middle;
        }
        uint256 record = records[low];
        uint256 first = uint24(record >> _BITPOS_ROSTER_SERIAL);
        if (serial < first || serial - first >= record >> _BITPOS_ROSTER_COUNT) return 0;
        address owner = _rosterAt(address(uint160(record)), serial - first);
        return uint256(uint160(owner)) | (record & _BITMASK_ACQUIRED_AT) | _rulesOf(s);
    }

    /**
     * @dev The number of roster tokens minted to `owner`, over every roster of every series: per roster one
     * cold read of its record and a binary search of its sorted code (one cold account access, then about
     * `log2(count) + 1` EXTCODECOPY of 20 bytes). It grows linearly with the number of rosters in the whole
     * collection, about 9,000 gas each (970,157 measured at 104 rosters), whether `owner` is in them or not.
     */
    function _rosterBalanceOf(address owner) internal view override returns (uint256 total) {
        uint256 seriesTotal = _seriesTotal();
        for (uint256 seriesId = 1; seriesId <= seriesTotal; ++seriesId) {
            uint256 rosters = _seriesAt(seriesId).rosters;
            mapping(uint256 => uint256) storage records = _rosters[seriesId];
            for (uint256 index = 0; index < rosters; ++index) {
                uint256 record = records[index];
                total += _occurrences(address(uint160(record)), record >> _BITPOS_ROSTER_COUNT, owner);
            }
        }
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev Writes the recipients that {_mark} found new (all of `recipients` when `minted` equals their number,
     * else those whose member was not marked in `before`) as the code of a new contract, emits their {Transfer}
     * events (and {IERC5192-Locked} ones when `soulbound`) from `firstTokenId`, and returns the contract.
     *
     * Requirements: the new recipients are sorted ({CollectibleRosterNotSorted}) and the first is not the zero
     * address ({ERC721InvalidReceiver}), so none is; the CREATE succeeds ({CollectibleRosterNotStored}).
     */
    function _storeRoster(
        bytes calldata recipients,
        uint256 firstIndex,
        uint256[] memory before,
        uint256 minted,
        uint256 firstTokenId,
        bool soulbound
    ) private returns (address pointer) {
        bytes memory initCode = _rosterInitCode(recipients, firstIndex, before, minted);
        _emitRosterTransfers(initCode, minted, firstTokenId, soulbound);
        bytes4 notStored = CollectibleRosterNotStored.selector;
        // Inline assembly: Solidity has no CREATE of raw init code.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pointer := create(0, add(initCode, 0x20), mload(initCode))
            if iszero(pointer) {
                mstore(0x00, notStored)
                revert(0x00, 0x04)
            }
        }
    }

    /**
     * @dev The init code of a roster's data contract: an 11-byte header, then the `minted` new recipients, 20
     * bytes each. The header returns the code from its own byte 10 on, a STOP (0x00) followed by the addresses:
     * `PUSH2 size, DUP1, PUSH1 0x0a, PUSH0, CODECOPY` (to memory 0 from code byte 10, `size` bytes),
     * `PUSH0, RETURN` (memory 0, `size` bytes), `STOP`.
     */
    function _rosterInitCode(
        bytes calldata recipients,
        uint256 firstIndex,
        uint256[] memory before,
        uint256 minted
    ) private pure returns (bytes memory initCode) {
        // "memory-safe": the block allocates `initCode` at the free memory pointer and moves the pointer past it
        // (rounded up to a word), and writes nothing else.
        // Inline assembly: a calldata copy and a packed copy, which Solidity would do element by element.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            initCode := mload(0x40)
            let size := add(mul(minted, 20), 1)
            let code := add(initCode, 0x20)
            mstore(initCode, add(size, 10))
            // Written first: its last 21 bytes are overwritten by the addresses below.
            mstore(code, or(or(shl(248, 0x61), shl(232, size)), shl(176, 0x80600a5f395ff3)))
            let data := add(code, 11)
            let count := div(recipients.length, 20)
            switch eq(minted, count)
            case 1 {
                calldatacopy(data, recipients.offset, recipients.length)
            }
            default {
                // Only members not marked before: member `firstIndex + i` is bit `(firstIndex + i) % 256` of
                // `before[(firstIndex + i) / 256 - firstIndex / 256]`. A replay's path.
                let firstWord := shr(8, firstIndex)
                let out := data
                for {
                    let i := 0
                } lt(i, count) {
                    i := add(i, 1)
                } {
                    let member := add(firstIndex, i)
                    let word := mload(add(add(before, 0x20), shl(5, sub(shr(8, member), firstWord))))
                    if iszero(and(shr(and(member, 0xff), word), 1)) {
                        // The 20 bytes of recipient `i`, then 12 bytes the next one overwrites.
                        mstore(out, calldataload(add(recipients.offset, mul(i, 20))))
                        out := add(out, 20)
                    }
                }
            }
            // The 32-byte writes above reach at most 12 bytes past the code; the next allocation starts after.
            mstore(0x40, and(add(add(data, mul(minted, 20)), 0x3f), not(0x1f)))
        }
    }

    /**
     * @dev Emits the {Transfer} events (and {IERC5192-Locked} ones when `soulbound`) of the `minted` addresses
     * packed in `initCode` from its byte 11, tokens from `firstTokenId`, checking that they are sorted and that
     * the first is not the zero address (so none is).
     */
    // The step-by-step comments of the assembly and its two loops make it long.
    // solhint-disable-next-line function-max-lines
    function _emitRosterTransfers(
        bytes memory initCode,
        uint256 minted,
        uint256 firstTokenId,
        bool soulbound
    ) private {
        bytes4 invalidReceiver = ERC721InvalidReceiver.selector;
        bytes4 notSorted = CollectibleRosterNotSorted.selector;
        bytes32 transferTopic = Transfer.selector;
        bytes32 lockedTopic = IERC5192.Locked.selector;
        // `switch soulbound` tests a bool, not a timestamp: slither's incorrect-equality and timestamp detectors
        // read the switch as a comparison with one.
        // slither-disable-start incorrect-equality,timestamp
        // "memory-safe": the block reads `initCode` and writes only the scratch space [0x00, 0x40) and the
        // word after it (a revert's arguments, a Locked log's data).
        // Inline assembly: the per-token cost of a roster airdrop, the log and a comparison.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(initCode, 0x2b)
            let end := add(p, mul(minted, 20))
            let previous := shr(96, mload(p))
            if iszero(previous) {
                mstore(0x00, invalidReceiver)
                mstore(0x04, 0)
                revert(0x00, 0x24)
            }
            // Set when some address is below the one before it; checked once after the loop, which costs a
            // token an OR instead of a branch.
            let unsorted := 0
            let tokenId := firstTokenId
            switch soulbound
            case 0 {
                // Two tokens a turn (the loop's own test and jump are paid once per pair), then the odd one.
                let pairsEnd := sub(end, mul(and(minted, 1), 20))
                for {} lt(p, pairsEnd) {
                    p := add(p, 40)
                    tokenId := add(tokenId, 2)
                } {
                    let a := shr(96, mload(p))
                    let b := shr(96, mload(add(p, 20)))
                    unsorted := or(unsorted, or(lt(a, previous), lt(b, a)))
                    previous := b
                    // Transfer(address(0), to, tokenId): all three arguments indexed, no data.
                    log4(0, 0, transferTopic, 0, a, tokenId)
                    log4(0, 0, transferTopic, 0, b, add(tokenId, 1))
                }
                if lt(p, end) {
                    let a := shr(96, mload(p))
                    unsorted := or(unsorted, lt(a, previous))
                    log4(0, 0, transferTopic, 0, a, tokenId)
                }
            }
            default {
                for {} lt(p, end) {
                    p := add(p, 20)
                    tokenId := add(tokenId, 1)
                } {
                    let a := shr(96, mload(p))
                    unsorted := or(unsorted, lt(a, previous))
                    previous := a
                    log4(0, 0, transferTopic, 0, a, tokenId)
                    // Locked(tokenId): one unindexed argument, from the scratch space.
                    mstore(0x00, tokenId)
                    log1(0x00, 0x20, lockedTopic)
                }
            }
            // Cannot overflow above: {_reserve} took these ids inside one series.
            if unsorted {
                // Find the first pair out of order for the error's arguments (the revert undoes the logs).
                p := add(initCode, 0x2b)
                previous := shr(96, mload(p))
                for {} 1 {} {
                    p := add(p, 20)
                    let next := shr(96, mload(p))
                    if lt(next, previous) {
                        mstore(0x00, notSorted)
                        mstore(0x04, previous)
                        mstore(0x24, next)
                        revert(0x00, 0x44)
                    }
                    previous := next
                }
            }
        }
        // slither-disable-end incorrect-equality,timestamp
    }

    /**
     * @dev Records the next roster of `seriesId`: `count` tokens from `firstTokenId` owned as listed in the
     * code of `pointer`, acquired now.
     *
     * Emits a {RosterStored} event.
     */
    function _recordRoster(uint256 seriesId, address pointer, uint256 firstTokenId, uint256 count) private {
        Series storage s = _seriesAt(seriesId);
        uint256 index = s.rosters;
        // Fits: a series has at most 999,999 tokens, so fewer rosters.
        s.rosters = uint32(index + 1);
        (, uint256 serial) = _split(firstTokenId);
        _rosters[seriesId][index] =
            uint256(uint160(pointer)) |
            (block.timestamp << _BITPOS_ACQUIRED_AT) |
            (serial << _BITPOS_ROSTER_SERIAL) |
            (count << _BITPOS_ROSTER_COUNT);
        emit RosterStored(seriesId, index, pointer, firstTokenId, count);
    }

    /// @dev Address `i` of the roster stored at `pointer` (code bytes `1 + 20 * i` to `20 + 20 * i`).
    function _rosterAt(address pointer, uint256 i) private view returns (address owner) {
        // Inline assembly: Solidity can only copy a contract's whole code.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // The 20 bytes land in the low bytes of the scratch word at 0x00, cleared first.
            mstore(0x00, 0)
            extcodecopy(pointer, 12, add(1, mul(i, 20)), 20)
            owner := mload(0x00)
        }
    }

    /// @dev How many of the `count` sorted addresses of the roster at `pointer` are `owner`: two binary searches.
    function _occurrences(address pointer, uint256 count, address owner) private view returns (uint256) {
        // The first position whose address is not below `owner`.
        uint256 low = 0;
        uint256 high = count;
        while (low < high) {
            uint256 middle = (low + high) >> 1;
            if (_rosterAt(pointer, middle) < owner) low = middle + 1;
            else high = middle;
        }
        if (low == count || _rosterAt(pointer, low) != owner) return 0;
        // The first position after it whose address is above `owner`.
        uint256 first = low;
        high = count;
        while (low < high) {
            uint256 middle = (low + high) >> 1;
            if (_rosterAt(pointer, middle) > owner) high = middle;
            else low = middle + 1;
        }
        return low - first;
    }

    /// @dev The key of a campaign's marks: bound to the minter that sends it and the series it mints from.
    function _campaignKey(address minter, uint256 seriesId, bytes32 campaignId) private pure returns (bytes32) {
        return keccak256(abi.encode(minter, seriesId, campaignId));
    }

    /**
     * @dev Marks members `firstIndex` to `firstIndex + count - 1` in `marks` and returns how many of them were
     * not marked before (`fresh`) and the words as they were (`before`, word `firstIndex / 256` first), so the
     * caller can tell whom to skip. Each word is read once and written once, only if it gains a mark.
     *
     * `count` is at least one and `firstIndex + count - 1` fits a uint256 (checked by {airdrop}).
     */
    function _mark(
        mapping(uint256 => uint256) storage marks,
        uint256 firstIndex,
        uint256 count
    ) private returns (uint256 fresh, uint256[] memory before) {
        uint256 last = firstIndex + (count - 1);
        uint256 firstWord = firstIndex >> 8;
        uint256 lastWord = last >> 8;
        before = new uint256[](lastWord - firstWord + 1);
        for (uint256 w = firstWord; w <= lastWord; ++w) {
            // The members of this call in word `w`: bits `low` to `high`, both included.
            uint256 low = w == firstWord ? firstIndex & 0xff : 0;
            uint256 high = w == lastWord ? last & 0xff : 0xff;
            uint256 mask = (type(uint256).max >> (0xff - high)) & (type(uint256).max << low);
            uint256 old = marks[w];
            before[w - firstWord] = old;
            uint256 served = old & mask;
            // Cannot underflow: `served` has at most the `high - low + 1` bits of `mask`.
            fresh += high - low + 1 - _popCount(served);
            if (served != mask) marks[w] = old | mask;
        }
    }

    /**
     * @dev Mints one token to each recipient whose member was not marked in `before` (the words {_mark} read),
     * in order, from `firstTokenId`, which {_reserve} took for exactly that many tokens. The path of a replay
     * that overlaps an earlier batch: plain Solidity through the core's {_mint}, as it is rare.
     *
     * Requirements: no minted recipient is the zero address ({ERC721InvalidReceiver}).
     */
    function _mintUnmarked(
        address[] calldata recipients,
        uint256 firstIndex,
        uint256[] memory before,
        uint256 firstTokenId,
        uint256 rules
    ) private {
        uint256 firstWord = firstIndex >> 8;
        uint256 tokenId = firstTokenId;
        uint256 count = recipients.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 member = firstIndex + i;
            if ((before[(member >> 8) - firstWord] >> (member & 0xff)) & 1 == 1) continue;
            address to = recipients[i];
            if (to == address(0)) revert ERC721InvalidReceiver(address(0));
            _mint(to, tokenId, rules);
            ++tokenId;
        }
    }

    /// @dev The number of set bits of `x` (one step per set bit: only overlapping replays have any).
    function _popCount(uint256 x) private pure returns (uint256 n) {
        while (x != 0) {
            x &= x - 1;
            ++n;
        }
    }
}

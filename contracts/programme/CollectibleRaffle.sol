// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {ICollectibleRaffle} from "../interfaces/ICollectibleRaffle.sol";

/**
 * @dev Provable raffles among badge holders (see {ICollectibleRaffle} for the protocol): a `RAFFLE_ROLE` holder
 * commits to the entries and a seed, then draws with the seed mixed with the hash of the block after the commit.
 * Independent of any collection: the entries come from an off-chain snapshot, and the winners receive their prize
 * through the collection's exactly-once airdrop.
 *
 * Storage. One slot per raffle, `_raffles[raffleId]`, so that a commit writes one fresh slot and a draw rewrites
 * it (the gas target is 120,000 for the two transactions together, whatever the number of entries):
 *
 * - bits [0, 192): the low 192 bits of `keccak256(abi.encode(terms))`, the commitment to the {RaffleTerms};
 * - bits [192, 256): the terms' `drawDeadlineBlock` while the raffle waits for its draw, so that {raffleStatus}
 *   tells an expired raffle from a committed one; `type(uint64).max` once drawn (no deadline can be that large,
 *   as a deadline is at most 256 blocks ahead).
 *
 * A zero slot is a raffle never committed: a commitment always has a deadline of at least 2 in its top bits.
 * 192 bits of the hash leave no practical way to find other terms with the same commitment (a second preimage
 * costs about 2**192 hashes; even a collision between two terms of the operator's choosing about 2**96).
 */
contract CollectibleRaffle is AccessControl, ICollectibleRaffle {
    /// @notice Commits and draws raffles.
    bytes32 public constant RAFFLE_ROLE = keccak256("RAFFLE_ROLE");

    /// @dev Position of the deadline (or the drawn mark) in a raffle's slot.
    uint256 private constant _BITPOS_DEADLINE = 192;

    /// @dev The top 64 bits of a drawn raffle's slot.
    uint256 private constant _DRAWN = type(uint64).max;

    /// @dev The next raffle's id. Starts at 1 (set by the constructor), so a commit rewrites a non-zero slot.
    uint256 private _nextRaffleId;

    mapping(uint256 raffleId => uint256 commitment) private _raffles;

    /**
     * @dev `admin` gets `DEFAULT_ADMIN_ROLE` (and grants `RAFFLE_ROLE`).
     * @param admin The default admin.
     */
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _nextRaffleId = 1;
    }

    /// @inheritdoc ICollectibleRaffle
    function commit(
        bytes32 entriesRoot,
        uint64 entryCount,
        uint32 winnerCount,
        bytes32 seedHash,
        uint64 drawDeadlineBlock
    ) external onlyRole(RAFFLE_ROLE) returns (uint256 raffleId) {
        if (winnerCount == 0 || winnerCount > entryCount) {
            revert CollectibleRaffleInvalidWinnerCount(winnerCount, entryCount);
        }
        if (drawDeadlineBlock <= block.number + 1 || drawDeadlineBlock > block.number + 256) {
            revert CollectibleRaffleInvalidDeadline(drawDeadlineBlock, block.number + 2, block.number + 256);
        }
        // Block numbers fit 64 bits for billions of years.
        uint64 commitBlock = uint64(block.number);
        RaffleTerms memory terms = RaffleTerms({
            entriesRoot: entriesRoot,
            seedHash: seedHash,
            entryCount: entryCount,
            winnerCount: winnerCount,
            commitBlock: commitBlock,
            drawDeadlineBlock: drawDeadlineBlock
        });
        raffleId = _nextRaffleId;
        _nextRaffleId = raffleId + 1;
        _raffles[raffleId] = _commitment(keccak256(abi.encode(terms)), drawDeadlineBlock);
        emit RaffleCommitted(raffleId, entriesRoot, entryCount, winnerCount, seedHash, commitBlock, drawDeadlineBlock);
    }

    /// @inheritdoc ICollectibleRaffle
    function draw(
        uint256 raffleId,
        RaffleTerms calldata terms,
        bytes32 seed,
        bytes32 winnersRoot
    ) external onlyRole(RAFFLE_ROLE) {
        uint256 stored = _raffles[raffleId];
        // A zero slot is exact: every commitment has a non-zero deadline in its top bits.
        // slither-disable-next-line incorrect-equality
        if (stored == 0) revert CollectibleRaffleUnknown(raffleId);
        // slither-disable-next-line incorrect-equality
        if (stored >> _BITPOS_DEADLINE == _DRAWN) revert CollectibleRaffleAlreadyDrawn(raffleId);
        if (stored != _commitment(keccak256(abi.encode(terms)), terms.drawDeadlineBlock)) {
            revert CollectibleRaffleTermsMismatch(raffleId);
        }
        uint256 hashedBlock = terms.commitBlock + 1;
        if (block.number <= hashedBlock) revert CollectibleRaffleDrawTooEarly(raffleId, hashedBlock + 1);
        if (block.number > terms.drawDeadlineBlock) {
            revert CollectibleRaffleDrawTooLate(raffleId, terms.drawDeadlineBlock);
        }
        if (keccak256(abi.encode(seed)) != terms.seedHash) revert CollectibleRaffleWrongSeed(raffleId);
        // Readable: hashedBlock < block.number <= deadline <= commitBlock + 256, so it is among the last 256.
        bytes32 randomness = keccak256(abi.encode(seed, blockhash(hashedBlock)));
        _raffles[raffleId] = stored | (_DRAWN << _BITPOS_DEADLINE);
        emit RaffleDrawn(raffleId, seed, randomness, winnersRoot);
    }

    /// @inheritdoc ICollectibleRaffle
    function raffleStatus(uint256 raffleId) external view returns (RaffleStatus) {
        uint256 stored = _raffles[raffleId];
        // slither-disable-next-line incorrect-equality
        if (stored == 0) return RaffleStatus.Unknown;
        uint256 deadline = stored >> _BITPOS_DEADLINE;
        // slither-disable-next-line incorrect-equality
        if (deadline == _DRAWN) return RaffleStatus.Drawn;
        return block.number > deadline ? RaffleStatus.Expired : RaffleStatus.Committed;
    }

    /// @inheritdoc ICollectibleRaffle
    function isCommittedTerms(uint256 raffleId, RaffleTerms calldata terms) external view returns (bool) {
        uint256 stored = _raffles[raffleId];
        // Comparing commitments is the point: equal hashes, equal terms.
        // slither-disable-next-line incorrect-equality
        return stored != 0 && uint192(stored) == uint192(uint256(keccak256(abi.encode(terms))));
    }

    /// @inheritdoc ICollectibleRaffle
    function raffleCount() external view returns (uint256) {
        return _nextRaffleId - 1;
    }

    /// @dev A raffle's slot while it waits for its draw: the deadline above the low 192 bits of the terms' hash.
    function _commitment(bytes32 termsHash, uint64 drawDeadlineBlock) private pure returns (uint256) {
        return (uint256(drawDeadlineBlock) << _BITPOS_DEADLINE) | uint192(uint256(termsHash));
    }
}

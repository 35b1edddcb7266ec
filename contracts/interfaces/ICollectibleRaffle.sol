// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Events, errors and external functions of {CollectibleRaffle}: commit-reveal raffles that anyone can
 * re-check from chain data and the published entries alone.
 *
 * The protocol. {commit} records the root of the entries, their number, the number of winners, the hash of a
 * secret seed (`keccak256(abi.encode(seed))`) and a draw deadline, in the commit block. {draw}, at least two
 * blocks later and no later than the deadline, reveals the seed; the randomness is
 * `keccak256(abi.encode(seed, blockhash(commitBlock + 1)))`, which neither the operator (who fixed the seed before
 * that block existed) nor the producer of that block (who did not know the seed) chose alone. The winners are
 * derived off chain from the entries and the randomness by the documented algorithm; {draw} records their root
 * and the {RaffleDrawn} event, so anyone re-derives them and compares.
 *
 * Storage: one slot per raffle, a commitment to its {RaffleTerms} (see {CollectibleRaffle}); the terms
 * themselves are in the {RaffleCommitted} event, and {draw} takes them back as calldata.
 */
interface ICollectibleRaffle {
    /**
     * @dev Where a raffle stands, as {raffleStatus} answers:
     *
     * - `Unknown`: no such raffle.
     * - `Committed`: committed, not drawn, its deadline not passed.
     * - `Drawn`: drawn; its randomness and winners' root are in its {RaffleDrawn} event.
     * - `Expired`: committed, not drawn, and past its deadline: it can never be drawn.
     */
    enum RaffleStatus {
        Unknown,
        Committed,
        Drawn,
        Expired
    }

    /**
     * @dev What {commit} fixed, as {draw} takes it back (from the {RaffleCommitted} event):
     *
     * - `entriesRoot`: the root of the entries.
     * - `seedHash`: `keccak256(abi.encode(seed))`.
     * - `entryCount`: the number of entries.
     * - `winnerCount`: the number of winners, from 1 to `entryCount`.
     * - `commitBlock`: the block of the commit.
     * - `drawDeadlineBlock`: the last block in which the raffle can be drawn.
     */
    struct RaffleTerms {
        bytes32 entriesRoot;
        bytes32 seedHash;
        uint64 entryCount;
        uint32 winnerCount;
        uint64 commitBlock;
        uint64 drawDeadlineBlock;
    }

    // ------------------------------------------------------------------ events

    /**
     * @dev Emitted by {commit}: raffle `raffleId` and every one of its terms.
     * @param raffleId The new raffle's id (1, 2, …).
     * @param entriesRoot The root of the entries.
     * @param entryCount The number of entries.
     * @param winnerCount The number of winners.
     * @param seedHash `keccak256(abi.encode(seed))` of the secret seed.
     * @param commitBlock The block of the commit: the draw mixes in the hash of the next block.
     * @param drawDeadlineBlock The last block in which the raffle can be drawn.
     */
    event RaffleCommitted(
        uint256 indexed raffleId,
        bytes32 entriesRoot,
        uint64 entryCount,
        uint32 winnerCount,
        bytes32 seedHash,
        uint64 commitBlock,
        uint64 drawDeadlineBlock
    );

    /**
     * @dev Emitted by {draw}: raffle `raffleId` was drawn with `seed`, giving `randomness`, and the winners derived
     * from it have root `winnersRoot`.
     * @param raffleId The raffle.
     * @param seed The revealed seed.
     * @param randomness `keccak256(abi.encode(seed, blockhash(commitBlock + 1)))`.
     * @param winnersRoot The root of the winners, as the operator derived them.
     */
    event RaffleDrawn(uint256 indexed raffleId, bytes32 seed, bytes32 randomness, bytes32 winnersRoot);

    // ------------------------------------------------------------------ errors

    /**
     * @dev A raffle needs at least one winner and no more winners than entries.
     * @param winnerCount The number of winners asked for.
     * @param entryCount The number of entries.
     */
    error CollectibleRaffleInvalidWinnerCount(uint32 winnerCount, uint64 entryCount);

    /**
     * @dev The draw deadline must be after the next block and at most 256 blocks after the commit, while the
     * hash of the block after the commit is still readable.
     * @param drawDeadlineBlock The deadline asked for.
     * @param earliest The smallest deadline allowed (the commit block + 2).
     * @param latest The largest deadline allowed (the commit block + 256).
     */
    error CollectibleRaffleInvalidDeadline(uint64 drawDeadlineBlock, uint256 earliest, uint256 latest);

    /**
     * @dev `raffleId` names no committed raffle.
     * @param raffleId The id asked for.
     */
    error CollectibleRaffleUnknown(uint256 raffleId);

    /**
     * @dev The terms given to {draw} are not those committed for raffle `raffleId`.
     * @param raffleId The raffle.
     */
    error CollectibleRaffleTermsMismatch(uint256 raffleId);

    /**
     * @dev Raffle `raffleId` was already drawn.
     * @param raffleId The raffle.
     */
    error CollectibleRaffleAlreadyDrawn(uint256 raffleId);

    /**
     * @dev The seed does not hash to the committed `seedHash`.
     * @param raffleId The raffle.
     */
    error CollectibleRaffleWrongSeed(uint256 raffleId);

    /**
     * @dev Too early to draw: the block after the commit must be past (its hash is mixed in).
     * @param raffleId The raffle.
     * @param firstDrawBlock The first block in which the raffle can be drawn (the commit block + 2).
     */
    error CollectibleRaffleDrawTooEarly(uint256 raffleId, uint256 firstDrawBlock);

    /**
     * @dev Too late to draw: the deadline is past, and the raffle is expired for good.
     * @param raffleId The raffle.
     * @param drawDeadlineBlock The last block in which it could have been drawn.
     */
    error CollectibleRaffleDrawTooLate(uint256 raffleId, uint256 drawDeadlineBlock);

    // --------------------------------------------------------------- functions

    /**
     * @dev Commits a raffle in this block and returns its id (1, 2, …).
     *
     * Requirements:
     *
     * - the caller has `RAFFLE_ROLE`.
     * - `0 < winnerCount <= entryCount` ({CollectibleRaffleInvalidWinnerCount}).
     * - `block.number + 1 < drawDeadlineBlock <= block.number + 256` ({CollectibleRaffleInvalidDeadline}).
     *
     * Emits a {RaffleCommitted} event.
     *
     * @param entriesRoot The root of the entries.
     * @param entryCount The number of entries.
     * @param winnerCount The number of winners.
     * @param seedHash `keccak256(abi.encode(seed))` of the secret seed.
     * @param drawDeadlineBlock The last block in which the raffle can be drawn.
     * @return raffleId The new raffle's id.
     */
    function commit(
        bytes32 entriesRoot,
        uint64 entryCount,
        uint32 winnerCount,
        bytes32 seedHash,
        uint64 drawDeadlineBlock
    ) external returns (uint256 raffleId);

    /**
     * @dev Draws raffle `raffleId`: reveals `seed`, computes the randomness and records `winnersRoot`. The contract
     * does not compute the winners: it fixes the randomness they are derived from, and anyone re-derives them.
     *
     * Requirements:
     *
     * - the caller has `RAFFLE_ROLE`.
     * - the raffle exists ({CollectibleRaffleUnknown}) and is not drawn ({CollectibleRaffleAlreadyDrawn}).
     * - `terms` are the committed ones ({CollectibleRaffleTermsMismatch}).
     * - `terms.commitBlock + 1 < block.number` ({CollectibleRaffleDrawTooEarly}) and
     *   `block.number <= terms.drawDeadlineBlock` ({CollectibleRaffleDrawTooLate}).
     * - `keccak256(abi.encode(seed)) == terms.seedHash` ({CollectibleRaffleWrongSeed}).
     *
     * Emits a {RaffleDrawn} event.
     *
     * @param raffleId The raffle.
     * @param terms The raffle's terms, as its {RaffleCommitted} event gave them.
     * @param seed The secret seed.
     * @param winnersRoot The root of the winners derived from the entries and the randomness.
     */
    function draw(uint256 raffleId, RaffleTerms calldata terms, bytes32 seed, bytes32 winnersRoot) external;

    /**
     * @dev Returns where raffle `raffleId` stands (see {RaffleStatus}).
     * @param raffleId The raffle.
     * @return The raffle's status.
     */
    function raffleStatus(uint256 raffleId) external view returns (RaffleStatus);

    /**
     * @dev Returns whether `terms` are the terms committed for raffle `raffleId` (drawn or not): what a verifier
     * checks the published terms with before it trusts them.
     * @param raffleId The raffle.
     * @param terms The terms to check.
     * @return Whether they are the committed ones.
     */
    function isCommittedTerms(uint256 raffleId, RaffleTerms calldata terms) external view returns (bool);

    /**
     * @dev Returns the number of raffles committed; their ids run from 1 to it.
     * @return The number of raffles.
     */
    function raffleCount() external view returns (uint256);
}

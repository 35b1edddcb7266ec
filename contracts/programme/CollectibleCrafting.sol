// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ICollectible} from "../interfaces/ICollectible.sol";
import {ICollectibleCrafting} from "../interfaces/ICollectibleCrafting.sol";

/**
 * @dev Crafting for one {Collectible}: a `RECIPE_ROLE` holder creates recipes; a member crafts one by sending the
 * inputs' ids (or by signing, for the operator to relay, {craftBySig}); the inputs are burned through the
 * collectible's {ICollectible-burnFrom} (this contract holds `BURNER_ROLE`) and the output minted through its
 * {ICollectible-mint} (`MINTER_ROLE`), which applies the output series' cap, closure and policy.
 *
 * Storage, read by every craft, so kept to a slot per recipe plus a slot per series range:
 *
 * - `_recipes[recipeId]` ({StoredRecipe}): the output series, the flags, the numbers of rules, ranges and inputs,
 *   and each rule's count in one byte of `counts` (rule `i` in bits [8i, 8i + 8)).
 * - `_ranges[recipeId][j]` ({Range}): the token ids `first` to `last` of one series of one rule, and the rule.
 *
 * A craft checks the inputs against the ranges (at most `MAX_RANGES`, a scan in memory), tallies them per rule
 * in the bytes of one word, and never reads a token's policy: policies are fixed per series, and a recipe that
 * allows no soulbound input names no soulbound series (checked by {createRecipe}).
 */
contract CollectibleCrafting is AccessControl, EIP712, ICollectibleCrafting {
    /// @notice Creates recipes and opens or closes them.
    bytes32 public constant RECIPE_ROLE = keccak256("RECIPE_ROLE");

    /// @notice Most input rules in a recipe (one byte of `counts` each).
    uint256 public constant MAX_RULES = 8;

    /// @notice Most series ranges over all the rules of a recipe: the scan of a craft's inputs is bounded by it.
    uint256 public constant MAX_RANGES = 16;

    /// @notice Most inputs of a recipe (a rule's tally fits its byte).
    uint256 public constant MAX_INPUTS = 128;

    /// @dev Token ids are `seriesId * _SERIES_STRIDE + serial` ({CollectibleSeries-SERIES_STRIDE}).
    uint256 private constant _SERIES_STRIDE = 1_000_000;

    // The EIP-712 type string, hashed at compile time: its length costs nothing at run time.
    // solhint-disable gas-small-strings
    bytes32 private constant _CRAFT_TYPEHASH =
        keccak256("Craft(uint256 recipeId,bytes32 tokenIdsHash,address owner,uint256 deadline)");
    // solhint-enable gas-small-strings

    /// @dev A recipe's header, one slot (see the storage layout above).
    struct StoredRecipe {
        uint64 outputSeriesId;
        bool active;
        bool allowSoulbound;
        uint8 ruleCount;
        uint8 rangeCount;
        uint8 inputCount;
        uint64 counts;
    }

    /// @dev The token ids `first` to `last` (one series, a serial range), accepted by rule `rule`; one slot.
    struct Range {
        uint112 first;
        uint112 last;
        uint8 rule;
    }

    address private immutable _COLLECTIBLE;

    uint256 private _recipeCount;
    mapping(uint256 recipeId => StoredRecipe stored) private _recipes;
    mapping(uint256 recipeId => mapping(uint256 index => Range range)) private _ranges;

    /**
     * @dev Crafts tokens of `collectible_`; `admin` gets `DEFAULT_ADMIN_ROLE` (and grants `RECIPE_ROLE`). The
     * EIP-712 domain is "CollectibleCrafting", version "1".
     * @param collectible_ The collection whose tokens are crafted.
     * @param admin The default admin.
     */
    constructor(address collectible_, address admin) EIP712("CollectibleCrafting", "1") {
        _COLLECTIBLE = collectible_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ----------------------------------------------------------------- recipes

    /// @inheritdoc ICollectibleCrafting
    function createRecipe(
        InputRule[] calldata rules,
        uint256 outputSeriesId,
        bool allowSoulbound,
        bool active
    ) external onlyRole(RECIPE_ROLE) returns (uint256 recipeId) {
        uint256 ruleCount = rules.length;
        if (ruleCount == 0 || ruleCount > MAX_RULES) revert CollectibleCraftingInvalidRule(ruleCount);
        // Reverts with CollectibleUnknownSeries for a series the collectible never created; the rest of the
        // answer is the mint's business (cap, closure, policy), checked at each craft.
        // slither-disable-next-line unused-return
        ICollectible(_COLLECTIBLE).series(outputSeriesId);
        if (outputSeriesId > type(uint64).max) revert ICollectible.CollectibleUnknownSeries(outputSeriesId);
        recipeId = ++_recipeCount;
        uint256 rangeCount = 0;
        uint256 inputCount = 0;
        uint256 counts = 0;
        for (uint256 i = 0; i < ruleCount; ++i) {
            InputRule calldata rule = rules[i];
            if (rule.count == 0) revert CollectibleCraftingInvalidRule(i);
            inputCount += rule.count;
            counts |= uint256(rule.count) << (8 * i);
            rangeCount = _storeRanges(recipeId, i, rule, rangeCount, allowSoulbound);
        }
        if (inputCount > MAX_INPUTS) revert CollectibleCraftingInvalidRule(ruleCount);
        // Fit: outputSeriesId checked above; at most 8 rules, 16 ranges, 128 inputs, eight 8-bit counts.
        _recipes[recipeId] = StoredRecipe({
            outputSeriesId: uint64(outputSeriesId),
            active: active,
            allowSoulbound: allowSoulbound,
            ruleCount: uint8(ruleCount),
            rangeCount: uint8(rangeCount),
            inputCount: uint8(inputCount),
            counts: uint64(counts)
        });
        emit RecipeCreated(recipeId, outputSeriesId, rules, allowSoulbound, active);
    }

    /// @inheritdoc ICollectibleCrafting
    function setRecipeActive(uint256 recipeId, bool active) external onlyRole(RECIPE_ROLE) {
        if (_recipes[recipeId].ruleCount == 0) revert CollectibleCraftingUnknownRecipe(recipeId);
        _recipes[recipeId].active = active;
        emit RecipeActive(recipeId, active);
    }

    // ---------------------------------------------------------------- crafting

    /// @inheritdoc ICollectibleCrafting
    function craft(uint256 recipeId, uint256[] calldata tokenIds) external returns (uint256 outputTokenId) {
        return _craft(recipeId, tokenIds, msg.sender);
    }

    /// @inheritdoc ICollectibleCrafting
    function craftBySig(
        uint256 recipeId,
        uint256[] calldata tokenIds,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 outputTokenId) {
        // A deadline is a timestamp by nature.
        // slither-disable-next-line timestamp
        if (block.timestamp > deadline) revert CollectibleCraftingExpired(deadline);
        if (tokenIds.length == 0) {
            revert CollectibleCraftingWrongInputCount(recipeId, 0, _recipes[recipeId].inputCount);
        }
        address owner = IERC721(_COLLECTIBLE).ownerOf(tokenIds[0]);
        bytes32 digest = _craftDigest(recipeId, tokenIds, owner, deadline);
        if (!_isOwnerSignature(owner, digest, signature)) {
            revert CollectibleCraftingInvalidSignature(owner);
        }
        return _craft(recipeId, tokenIds, owner);
    }

    // ------------------------------------------------------------------- views

    /// @inheritdoc ICollectibleCrafting
    function recipe(uint256 recipeId) external view returns (Recipe memory info) {
        StoredRecipe memory stored = _recipes[recipeId];
        if (stored.ruleCount == 0) revert CollectibleCraftingUnknownRecipe(recipeId);
        info.outputSeriesId = stored.outputSeriesId;
        info.inputCount = stored.inputCount;
        info.active = stored.active;
        info.allowSoulbound = stored.allowSoulbound;
        info.rules = new InputRule[](stored.ruleCount);
        uint256[] memory perRule = new uint256[](stored.ruleCount);
        for (uint256 j = 0; j < stored.rangeCount; ++j) ++perRule[_ranges[recipeId][j].rule];
        for (uint256 i = 0; i < stored.ruleCount; ++i) {
            info.rules[i].seriesIds = new uint256[](perRule[i]);
            info.rules[i].count = uint8(stored.counts >> (8 * i));
            perRule[i] = 0;
        }
        for (uint256 j = 0; j < stored.rangeCount; ++j) {
            Range memory range = _ranges[recipeId][j];
            InputRule memory rule = info.rules[range.rule];
            rule.seriesIds[perRule[range.rule]] = range.first / _SERIES_STRIDE;
            ++perRule[range.rule];
            rule.minSerial = uint32(range.first % _SERIES_STRIDE);
            rule.maxSerial = uint32(range.last % _SERIES_STRIDE);
        }
    }

    /// @inheritdoc ICollectibleCrafting
    function recipeCount() external view returns (uint256) {
        return _recipeCount;
    }

    /// @inheritdoc ICollectibleCrafting
    function craftDigest(
        uint256 recipeId,
        uint256[] calldata tokenIds,
        address owner,
        uint256 deadline
    ) external view returns (bytes32) {
        return _craftDigest(recipeId, tokenIds, owner, deadline);
    }

    /// @inheritdoc ICollectibleCrafting
    function collectible() external view returns (address) {
        return _COLLECTIBLE;
    }

    // --------------------------------------------------------------- internals

    /**
     * @dev Checks `tokenIds` against recipe `recipeId` (see {craft}), burns them from `owner`, mints the output to
     * `owner` and emits {Crafted}. The burns come before the mint, whose receiver callback is the only call
     * out to code the member controls, and this contract writes nothing after it.
     */
    function _craft(
        uint256 recipeId,
        uint256[] calldata tokenIds,
        address owner
    ) private returns (uint256 outputTokenId) {
        StoredRecipe memory stored = _recipes[recipeId];
        if (stored.ruleCount == 0) revert CollectibleCraftingUnknownRecipe(recipeId);
        if (!stored.active) revert CollectibleCraftingInactiveRecipe(recipeId);
        if (tokenIds.length != stored.inputCount) {
            revert CollectibleCraftingWrongInputCount(recipeId, tokenIds.length, stored.inputCount);
        }
        _checkInputs(recipeId, stored, tokenIds);
        ICollectible(_COLLECTIBLE).burnFrom(owner, tokenIds);
        outputTokenId = ICollectible(_COLLECTIBLE).mint(stored.outputSeriesId, owner);
        emit Crafted(recipeId, owner, outputTokenId, tokenIds);
    }

    /**
     * @dev Reverts unless `tokenIds` (as many as the recipe takes) are strictly ascending, each in a range of
     * the recipe, and no rule gets more than its count: then every rule gets exactly its count, as the counts add
     * up to the number of inputs.
     */
    function _checkInputs(uint256 recipeId, StoredRecipe memory stored, uint256[] calldata tokenIds) private view {
        uint256 rangeCount = stored.rangeCount;
        Range[] memory ranges = new Range[](rangeCount);
        for (uint256 j = 0; j < rangeCount; ++j) ranges[j] = _ranges[recipeId][j];
        // Rule i's tally in byte i; a tally never passes its count (at most 128), so never carries.
        uint256 tallies = 0;
        uint256 previous = 0;
        uint256 inputCount = tokenIds.length;
        for (uint256 k = 0; k < inputCount; ++k) {
            uint256 tokenId = tokenIds[k];
            if (k != 0 && tokenId <= previous) revert CollectibleCraftingInputsNotAscending(previous, tokenId);
            previous = tokenId;
            uint256 rule = _ruleOf(recipeId, ranges, tokenId);
            tallies += 1 << (8 * rule);
            uint256 count = uint8(stored.counts >> (8 * rule));
            if (uint8(tallies >> (8 * rule)) > count) revert CollectibleCraftingRuleOverfilled(recipeId, rule, count);
        }
    }

    /// @dev The rule whose range holds `tokenId` ({CollectibleCraftingTokenNotAccepted} when none does).
    function _ruleOf(uint256 recipeId, Range[] memory ranges, uint256 tokenId) private pure returns (uint256) {
        uint256 rangeCount = ranges.length;
        for (uint256 j = 0; j < rangeCount; ++j) {
            if (tokenId >= ranges[j].first && tokenId <= ranges[j].last) return ranges[j].rule;
        }
        revert CollectibleCraftingTokenNotAccepted(recipeId, tokenId);
    }

    /**
     * @dev Stores the ranges of rule `ruleIndex` (one per series) from index `rangeCount` on, after checking the
     * rule and its series; returns the new number of ranges.
     */
    function _storeRanges(
        uint256 recipeId,
        uint256 ruleIndex,
        InputRule calldata rule,
        uint256 rangeCount,
        bool allowSoulbound
    ) private returns (uint256) {
        uint256 seriesCount = rule.seriesIds.length;
        if (
            seriesCount == 0 ||
            rangeCount + seriesCount > MAX_RANGES ||
            rule.minSerial == 0 ||
            rule.minSerial > rule.maxSerial ||
            rule.maxSerial >= _SERIES_STRIDE
        ) revert CollectibleCraftingInvalidRule(ruleIndex);
        for (uint256 s = 0; s < seriesCount; ++s) {
            uint256 seriesId = rule.seriesIds[s];
            // Reverts with CollectibleUnknownSeries for a series the collectible never created; the ids it
            // created fit 112-bit token ids for as long as transactions can create series.
            // An admin call, bounded by MAX_RANGES.
            // slither-disable-next-line calls-loop
            ICollectible.SeriesInfo memory info = ICollectible(_COLLECTIBLE).series(seriesId);
            if (info.policy == ICollectible.TransferPolicy.Soulbound && !allowSoulbound) {
                revert CollectibleCraftingSoulboundInput(seriesId);
            }
            uint256 first = seriesId * _SERIES_STRIDE + rule.minSerial;
            uint256 last = seriesId * _SERIES_STRIDE + rule.maxSerial;
            for (uint256 j = 0; j < rangeCount; ++j) {
                Range storage other = _ranges[recipeId][j];
                if (first <= other.last && other.first <= last) revert CollectibleCraftingInvalidRule(ruleIndex);
            }
            _ranges[recipeId][rangeCount] = Range({first: uint112(first), last: uint112(last), rule: uint8(ruleIndex)});
            ++rangeCount;
        }
        return rangeCount;
    }

    /**
     * @dev Whether `signature` is `owner`'s over `digest`: an ECDSA signature of an account without code
     * (OpenZeppelin's {ECDSA-tryRecover}: 65 bytes, low `s`), else the owner's ERC-1271 answer. OpenZeppelin's
     * {SignatureChecker} does the same, but its 5.4 release pulls in `mcopy`, which the shanghai target lacks.
     */
    function _isOwnerSignature(address owner, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (owner.code.length == 0) {
            // The third value only details the failure, which the second already reports.
            // slither-disable-next-line unused-return
            (address signer, ECDSA.RecoverError failure, ) = ECDSA.tryRecover(digest, signature);
            return failure == ECDSA.RecoverError.NoError && signer == owner;
        }
        try IERC1271(owner).isValidSignature(digest, signature) returns (bytes4 magic) {
            return magic == IERC1271.isValidSignature.selector;
        } catch {
            return false;
        }
    }

    /// @dev The EIP-712 digest of `Craft(recipeId, keccak256(tokenIds), owner, deadline)` in this contract's domain.
    function _craftDigest(
        uint256 recipeId,
        uint256[] calldata tokenIds,
        address owner,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes32 tokenIdsHash = keccak256(abi.encodePacked(tokenIds));
        return _hashTypedDataV4(keccak256(abi.encode(_CRAFT_TYPEHASH, recipeId, tokenIdsHash, owner, deadline)));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Events, errors and external functions of {CollectibleCrafting}: recipes that burn a member's collectibles
 * and mint a rarer one in the same transaction ("collect five Fortunes, exchange them for a tiger").
 *
 * A recipe is a list of input rules and an output series. A rule accepts tokens of a set of series (one series,
 * or several in any mix) whose serials are in a range, and asks for exactly `count` of them. A craft must bring
 * exactly the tokens the rules ask for: the right number per rule, each token in one rule, none twice.
 */
interface ICollectibleCrafting {
    /**
     * @dev One input rule of a recipe:
     *
     * - `seriesIds`: the series a token may come from (one for "a series", several for "any mix of these").
     * - `minSerial`, `maxSerial`: the serials accepted in each of those series (1 to 999,999 for all of them).
     * - `count`: how many tokens the rule takes, exactly.
     *
     * The token-id ranges of all the rules of a recipe are disjoint, so a token satisfies at most one rule.
     */
    struct InputRule {
        uint256[] seriesIds;
        uint32 minSerial;
        uint32 maxSerial;
        uint32 count;
    }

    /**
     * @dev A recipe, as {recipe} returns it:
     *
     * - `rules`: its input rules (series in each rule in the order they were given).
     * - `outputSeriesId`: the series of the token a craft mints (its cap and policy apply).
     * - `inputCount`: the number of tokens a craft burns, the sum of the rules' counts.
     * - `active`: whether it can be crafted now.
     * - `allowSoulbound`: whether its rules may take tokens of soulbound series.
     */
    struct Recipe {
        InputRule[] rules;
        uint256 outputSeriesId;
        uint256 inputCount;
        bool active;
        bool allowSoulbound;
    }

    // ------------------------------------------------------------------ events

    /**
     * @dev Emitted when recipe `recipeId` is created by {createRecipe}.
     * @param recipeId The new recipe's id (1, 2, …).
     * @param outputSeriesId The series of the crafted token.
     * @param rules The input rules.
     * @param allowSoulbound Whether soulbound inputs are allowed.
     * @param active Whether the recipe can be crafted from now on.
     */
    event RecipeCreated(
        uint256 indexed recipeId,
        uint256 indexed outputSeriesId,
        InputRule[] rules,
        bool allowSoulbound,
        bool active
    );

    /**
     * @dev Emitted when recipe `recipeId` is opened or closed to crafting by {setRecipeActive}.
     * @param recipeId The recipe.
     * @param active Whether it can be crafted now.
     */
    event RecipeActive(uint256 indexed recipeId, bool active);

    /**
     * @dev Emitted by every craft, after the inputs' burns and the output's mint.
     * @param recipeId The recipe crafted.
     * @param owner The member whose tokens were burned and who received the output.
     * @param outputTokenId The token minted.
     * @param inputs The tokens burned, in ascending order.
     */
    event Crafted(uint256 indexed recipeId, address indexed owner, uint256 indexed outputTokenId, uint256[] inputs);

    // ------------------------------------------------------------------ errors

    /**
     * @dev `recipeId` names no recipe.
     * @param recipeId The id asked for.
     */
    error CollectibleCraftingUnknownRecipe(uint256 recipeId);

    /**
     * @dev Recipe `recipeId` is not active.
     * @param recipeId The recipe.
     */
    error CollectibleCraftingInactiveRecipe(uint256 recipeId);

    /**
     * @dev Recipe `recipeId` takes `expected` tokens and `given` were brought.
     * @param recipeId The recipe.
     * @param given The number of tokens brought.
     * @param expected The number of tokens the recipe takes.
     */
    error CollectibleCraftingWrongInputCount(uint256 recipeId, uint256 given, uint256 expected);

    /**
     * @dev The inputs must be in strictly ascending order (so none is brought twice): `next` follows `previous`.
     * @param previous The token before.
     * @param next The token after it, not larger.
     */
    error CollectibleCraftingInputsNotAscending(uint256 previous, uint256 next);

    /**
     * @dev `tokenId` satisfies no input rule of recipe `recipeId` (another series, a serial out of range, or a
     * soulbound token where the recipe allows none).
     * @param recipeId The recipe.
     * @param tokenId The token.
     */
    error CollectibleCraftingTokenNotAccepted(uint256 recipeId, uint256 tokenId);

    /**
     * @dev More tokens were brought for rule `ruleIndex` of recipe `recipeId` than it takes (so another rule has
     * too few).
     * @param recipeId The recipe.
     * @param ruleIndex The rule, from 0.
     * @param count The number of tokens the rule takes.
     */
    error CollectibleCraftingRuleOverfilled(uint256 recipeId, uint256 ruleIndex, uint256 count);

    /**
     * @dev Rule `ruleIndex` is invalid: no series, a count of zero, a serial range that is empty or outside 1 to
     * 999,999, a range that overlaps another rule's, or more rules, ranges or inputs than a recipe may have.
     * @param ruleIndex The rule, from 0 (the number of rules when there are none or too many).
     */
    error CollectibleCraftingInvalidRule(uint256 ruleIndex);

    /**
     * @dev Series `seriesId` is soulbound and the recipe does not allow soulbound inputs.
     * @param seriesId The series.
     */
    error CollectibleCraftingSoulboundInput(uint256 seriesId);

    /**
     * @dev The signed craft's deadline has passed.
     * @param deadline The deadline, a timestamp.
     */
    error CollectibleCraftingExpired(uint256 deadline);

    /**
     * @dev The signature is not `owner`'s over the craft.
     * @param owner The owner of the inputs.
     */
    error CollectibleCraftingInvalidSignature(address owner);

    // --------------------------------------------------------------- functions

    /**
     * @dev Creates a recipe and returns its id (1, 2, …). Policies are fixed when a series is created, so a token's
     * policy is its series': a recipe that does not allow soulbound inputs can name no soulbound series, and a
     * craft checks nothing per token beyond its id.
     *
     * Requirements:
     *
     * - the caller has `RECIPE_ROLE`.
     * - 1 to `MAX_RULES` rules, at most `MAX_RANGES` series over all of them and `MAX_INPUTS` inputs in all; each
     *   rule has a series, a count of at least one and `1 <= minSerial <= maxSerial < 1_000_000`, and its ranges
     *   overlap no other's ({CollectibleCraftingInvalidRule}).
     * - every series exists ({ICollectible-CollectibleUnknownSeries}), and none is soulbound unless
     *   `allowSoulbound` ({CollectibleCraftingSoulboundInput}).
     *
     * Emits a {RecipeCreated} event.
     *
     * @param rules The input rules.
     * @param outputSeriesId The series of the crafted token.
     * @param allowSoulbound Whether the rules may name soulbound series.
     * @param active Whether the recipe can be crafted from now on.
     * @return recipeId The new recipe's id.
     */
    function createRecipe(
        InputRule[] calldata rules,
        uint256 outputSeriesId,
        bool allowSoulbound,
        bool active
    ) external returns (uint256 recipeId);

    /**
     * @dev Opens or closes recipe `recipeId` to crafting.
     *
     * Requirements: the caller has `RECIPE_ROLE`; the recipe exists ({CollectibleCraftingUnknownRecipe}).
     *
     * Emits a {RecipeActive} event.
     *
     * @param recipeId The recipe.
     * @param active Whether it can be crafted.
     */
    function setRecipeActive(uint256 recipeId, bool active) external;

    /**
     * @dev Crafts recipe `recipeId` from the caller's `tokenIds`: burns them (through
     * {ICollectible-burnFrom}, no approval) and mints one token of the output series to the caller (through
     * {ICollectible-mint}), in this transaction.
     *
     * Requirements:
     *
     * - the recipe exists and is active ({CollectibleCraftingUnknownRecipe}, {CollectibleCraftingInactiveRecipe}).
     * - exactly the recipe's number of tokens ({CollectibleCraftingWrongInputCount}), strictly ascending
     *   ({CollectibleCraftingInputsNotAscending}), each satisfying a rule ({CollectibleCraftingTokenNotAccepted}),
     *   no rule given more than its count ({CollectibleCraftingRuleOverfilled}).
     * - the caller owns every token ({ICollectible-CollectibleCallerNotOwner}); none is burned
     *   ({IERC721Errors-ERC721NonexistentToken}).
     * - the output series is open and below its cap ({ICollectible-CollectibleMaxSupplyReached}); the
     *   collectible is not paused. A caller that is a contract must accept ERC-721 tokens.
     *
     * Emits the inputs' {IERC721-Transfer} events to the zero address, the output's {IERC721-Transfer} (and
     * {IERC5192-Locked} for a soulbound output), then a {Crafted} event.
     *
     * @param recipeId The recipe.
     * @param tokenIds The inputs, in ascending order.
     * @return outputTokenId The token minted.
     */
    function craft(uint256 recipeId, uint256[] calldata tokenIds) external returns (uint256 outputTokenId);

    /**
     * @dev {craft} on behalf of the inputs' owner, who signed the EIP-712 message
     * `Craft(uint256 recipeId,bytes32 tokenIdsHash,address owner,uint256 deadline)` with `tokenIdsHash` the
     * keccak-256 of the token ids' 32-byte words in order; anyone (the operator's relayer) sends it and pays the
     * gas. The owner is the first input's; a smart-account owner signs through ERC-1271. A signature works once:
     * its inputs are burned by the craft.
     *
     * Requirements: `block.timestamp <= deadline` ({CollectibleCraftingExpired}); the signature is the owner's
     * ({CollectibleCraftingInvalidSignature}); as {craft} otherwise.
     *
     * @param recipeId The recipe.
     * @param tokenIds The inputs, in ascending order.
     * @param deadline The last timestamp at which the craft may run.
     * @param signature The owner's signature (65 bytes, or what its ERC-1271 wallet accepts).
     * @return outputTokenId The token minted.
     */
    function craftBySig(
        uint256 recipeId,
        uint256[] calldata tokenIds,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 outputTokenId);

    /**
     * @dev Returns recipe `recipeId`, which must exist ({CollectibleCraftingUnknownRecipe}).
     * @param recipeId The recipe.
     * @return The recipe's rules, output series, input count and flags.
     */
    function recipe(uint256 recipeId) external view returns (Recipe memory);

    /**
     * @dev Returns the number of recipes created; their ids run from 1 to it.
     * @return The number of recipes.
     */
    function recipeCount() external view returns (uint256);

    /**
     * @dev Returns the EIP-712 digest an owner signs for {craftBySig}.
     * @param recipeId The recipe.
     * @param tokenIds The inputs, in ascending order.
     * @param owner The inputs' owner.
     * @param deadline The last timestamp at which the craft may run.
     * @return The digest.
     */
    function craftDigest(
        uint256 recipeId,
        uint256[] calldata tokenIds,
        address owner,
        uint256 deadline
    ) external view returns (bytes32);

    /**
     * @dev Returns the collectible whose tokens are crafted.
     * @return The collectible's address.
     */
    function collectible() external view returns (address);
}

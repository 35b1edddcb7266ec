// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @dev A smart account for tests: ERC-1271 signatures are its owner key's signatures over the digest, and it can
 * hold ERC-721 tokens (it accepts safe transfers and mints). `refuseAll` makes it reject every signature.
 */
contract ERC1271WalletMock is IERC1271, IERC721Receiver {
    /// @dev The key whose signatures the wallet accepts.
    // solhint-disable-next-line immutable-vars-naming
    address public immutable owner;
    /// @dev Whether the wallet refuses every signature.
    bool public refuseAll;
    /// @dev Whether `isValidSignature` burns all the gas it is given (a hostile wallet in a relay batch).
    bool public burnGas;

    constructor(address owner_) {
        owner = owner_;
    }

    /**
     * @dev Makes the wallet refuse (or accept again) every signature.
     * @param refuse Whether to refuse.
     */
    function setRefuseAll(bool refuse) external {
        refuseAll = refuse;
    }

    /**
     * @dev Makes `isValidSignature` loop until it runs out of gas (or answer again).
     * @param burn Whether to burn the gas.
     */
    function setBurnGas(bool burn) external {
        burnGas = burn;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        // A test double's hostile mode: spin until the gas runs out.
        // solhint-disable-next-line no-empty-blocks
        while (burnGas) {}
        (address signer, , ) = ECDSA.tryRecover(hash, signature);
        return !refuseAll && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}

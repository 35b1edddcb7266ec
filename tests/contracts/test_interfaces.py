"""ERC-165: the interfaces Collectible claims, and the ids they are computed from."""

import functools

import pytest
from eth_utils import keccak

SUPPORTED = {
    "ERC165": "0x01ffc9a7",
    "ERC721": "0x80ac58cd",
    "ERC721Metadata": "0x5b5e139f",
    "ERC2981": "0x2a55205a",
    "ERC4906": "0x49064906",
    "ERC5192": "0xb45a3c0e",
    "ERC6454": "0x91a6262f",
    "AccessControl": "0x7965db0b",
    "AccessControlDefaultAdminRules": "0x31498786",
}
UNSUPPORTED = {
    "invalid": "0xffffffff",
    "zero": "0x00000000",
    "ERC721Enumerable": "0x780e9d63",
    "ERC1155": "0xd9b67a26",
    "ERC20": "0x36372b07",
}


def interface_id(*signatures):
    """XOR of the function selectors, as Solidity's ``type(I).interfaceId``."""
    selectors = (int.from_bytes(keccak(text=s)[:4], "big") for s in signatures)
    return "0x" + functools.reduce(lambda a, b: a ^ b, selectors).to_bytes(4, "big").hex()


@pytest.mark.parametrize(("name", "interface"), SUPPORTED.items(), ids=list(SUPPORTED))
def test_supports_interface__implemented__true(collectible, name, interface):
    assert collectible.supportsInterface(interface) is True


@pytest.mark.parametrize(("name", "interface"), UNSUPPORTED.items(), ids=list(UNSUPPORTED))
def test_supports_interface__not_implemented__false(collectible, name, interface):
    assert collectible.supportsInterface(interface) is False


@pytest.mark.parametrize(
    ("name", "signatures"),
    [
        pytest.param("ERC5192", ["locked(uint256)"], id="ERC5192"),
        pytest.param("ERC6454", ["isTransferable(uint256,address,address)"], id="ERC6454"),
        pytest.param("ERC2981", ["royaltyInfo(uint256,uint256)"], id="ERC2981"),
        pytest.param(
            "ERC721Metadata", ["name()", "symbol()", "tokenURI(uint256)"], id="ERC721Metadata"
        ),
        pytest.param(
            "AccessControl",
            [
                "hasRole(bytes32,address)",
                "getRoleAdmin(bytes32)",
                "grantRole(bytes32,address)",
                "revokeRole(bytes32,address)",
                "renounceRole(bytes32,address)",
            ],
            id="AccessControl",
        ),
    ],
)
def test_interface_ids__match_their_selectors(name, signatures):
    assert interface_id(*signatures) == SUPPORTED[name]


def test_supports_interface__every_deployment__same_answers(deploy_collectible):
    nft = deploy_collectible(admin_delay=86_400, grant_roles=False)

    assert [nft.supportsInterface(i) for i in SUPPORTED.values()] == [True] * len(SUPPORTED)
    assert [nft.supportsInterface(i) for i in UNSUPPORTED.values()] == [False] * len(UNSUPPORTED)

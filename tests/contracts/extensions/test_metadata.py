"""Metadata: collection name and symbol, per-series token URIs, reveals (ERC-4906), freezes, contract URI."""

import pytest
from utils.logs import event_args
from utils.reverts import reverts

from collectibles.domain.tokens import SERIES_STRIDE

FOLDER = "ipfs://bafybeigdyrztfolder/"
PLACEHOLDER = "ipfs://placeholder/card.json"
REVEALED = "ipfs://bafybeirevealed/"


@pytest.fixture
def folder_series(create_series):
    return create_series(name="Folder", max_supply=300, base_uri=FOLDER)


@pytest.fixture
def placeholder_series(create_series):
    return create_series(name="Placeholder", max_supply=300, base_uri=PLACEHOLDER)


def test_name_and_symbol__from_deployment(collectible):
    assert collectible.name() == "Spring Festival"
    assert collectible.symbol() == "SPRING"


# ------------------------------------------------------------------ tokenURI


def test_token_uri__folder_base__serial_json(collectible, folder_series, mint_to, fan):
    token = mint_to(folder_series, fan)

    assert collectible.tokenURI(token) == FOLDER + "1.json"


def test_token_uri__folder_base__uses_serial_not_token_id(collectible, folder_series, minter, fan):
    collectible.mintBatch(folder_series, fan, 12, sender=minter)

    assert collectible.tokenURI(folder_series * SERIES_STRIDE + 12) == FOLDER + "12.json"
    assert collectible.tokenURI(folder_series * SERIES_STRIDE + 7) == FOLDER + "7.json"


def test_token_uri__base_without_trailing_slash__whole_series_shares_it(
    collectible, placeholder_series, minter, fan
):
    collectible.mintBatch(placeholder_series, fan, 3, sender=minter)

    uris = [
        collectible.tokenURI(placeholder_series * SERIES_STRIDE + serial) for serial in (1, 2, 3)
    ]

    assert uris == [PLACEHOLDER] * 3


def test_token_uri__empty_base__empty_string(collectible, create_series, mint_to, fan):
    token = mint_to(create_series(name="Bare", base_uri=""), fan)

    assert collectible.tokenURI(token) == ""


def test_token_uri__folder_without_trailing_slash__not_a_folder(
    collectible, create_series, mint_to, fan
):
    token = mint_to(create_series(name="Almost", base_uri="ipfs://bafy/folder"), fan)

    assert collectible.tokenURI(token) == "ipfs://bafy/folder"


@pytest.mark.parametrize("offset", [0, 2, SERIES_STRIDE])
def test_token_uri__nonexistent_token__reverts_nonexistent(
    collectible, folder_series, mint_to, fan, offset
):
    # Serial 0, an unminted serial, and serial 1 of a series that does not exist.
    mint_to(folder_series, fan)
    token = folder_series * SERIES_STRIDE + offset

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.tokenURI(token)


def test_token_uri__burned_token__reverts_nonexistent(collectible, folder_series, mint_to, fan):
    token = mint_to(folder_series, fan)
    collectible.burn(token, sender=fan)

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.tokenURI(token)


# ------------------------------------------------------------------ setSeriesBaseURI


def test_set_series_base_uri__by_curator__reveals_and_emits_batch_metadata_update(
    collectible, placeholder_series, mint_to, curator, fan
):
    token = mint_to(placeholder_series, fan)

    tx = collectible.setSeriesBaseURI(placeholder_series, REVEALED, sender=curator)

    assert collectible.tokenURI(token) == REVEALED + "1.json"
    assert collectible.series(placeholder_series).baseURI == REVEALED
    assert event_args(tx, collectible.SeriesBaseURIUpdated) == [
        {"seriesId": placeholder_series, "baseURI": REVEALED}
    ]
    first = placeholder_series * SERIES_STRIDE + 1
    assert event_args(tx, collectible.BatchMetadataUpdate) == [
        {"_fromTokenId": first, "_toTokenId": placeholder_series * SERIES_STRIDE + 300}
    ]


def test_set_series_base_uri__range__spans_whole_cap_even_before_any_mint(
    collectible, create_series, curator
):
    series_id = create_series(name="Small", max_supply=1)

    tx = collectible.setSeriesBaseURI(series_id, REVEALED, sender=curator)

    token = series_id * SERIES_STRIDE + 1
    assert event_args(tx, collectible.BatchMetadataUpdate) == [
        {"_fromTokenId": token, "_toTokenId": token}
    ]


@pytest.mark.parametrize("caller_name", ["admin", "minter", "stranger", "fan"])
def test_set_series_base_uri__without_metadata_role__reverts_unauthorized(
    request, collectible, placeholder_series, caller_name
):
    caller = request.getfixturevalue(caller_name)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=caller.address,
        neededRole=collectible.METADATA_ROLE(),
    ):
        collectible.setSeriesBaseURI(placeholder_series, REVEALED, sender=caller)

    assert collectible.series(placeholder_series).baseURI == PLACEHOLDER


def test_set_series_base_uri__unknown_series__reverts_unknown_series(collectible, curator):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        collectible.setSeriesBaseURI(unknown, REVEALED, sender=curator)


def test_set_series_base_uri__other_series__unchanged(
    collectible, placeholder_series, folder_series, mint_to, curator, fan
):
    token = mint_to(folder_series, fan)

    collectible.setSeriesBaseURI(placeholder_series, REVEALED, sender=curator)

    assert collectible.tokenURI(token) == FOLDER + "1.json"


# ------------------------------------------------------------------ freezeSeriesMetadata


def test_freeze_series_metadata__by_curator__freezes_and_emits(collectible, folder_series, curator):
    tx = collectible.freezeSeriesMetadata(folder_series, sender=curator)

    assert collectible.series(folder_series).metadataFrozen is True
    assert event_args(tx, collectible.SeriesMetadataFrozen) == [{"seriesId": folder_series}]


def test_set_series_base_uri__frozen__reverts_metadata_frozen(
    collectible, folder_series, mint_to, curator, fan
):
    token = mint_to(folder_series, fan)
    collectible.freezeSeriesMetadata(folder_series, sender=curator)

    with reverts(collectible.CollectibleMetadataFrozen, seriesId=folder_series):
        collectible.setSeriesBaseURI(folder_series, REVEALED, sender=curator)

    assert collectible.tokenURI(token) == FOLDER + "1.json"


def test_freeze_series_metadata__twice__reverts_metadata_frozen(
    collectible, folder_series, curator
):
    collectible.freezeSeriesMetadata(folder_series, sender=curator)

    with reverts(collectible.CollectibleMetadataFrozen, seriesId=folder_series):
        collectible.freezeSeriesMetadata(folder_series, sender=curator)


def test_freeze_series_metadata__one_series__others_stay_editable(
    collectible, folder_series, placeholder_series, curator
):
    collectible.freezeSeriesMetadata(folder_series, sender=curator)

    collectible.setSeriesBaseURI(placeholder_series, REVEALED, sender=curator)

    assert collectible.series(placeholder_series).metadataFrozen is False
    assert collectible.series(placeholder_series).baseURI == REVEALED


@pytest.mark.parametrize("caller_name", ["admin", "minter", "stranger"])
def test_freeze_series_metadata__without_metadata_role__reverts_unauthorized(
    request, collectible, folder_series, caller_name
):
    caller = request.getfixturevalue(caller_name)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=caller.address,
        neededRole=collectible.METADATA_ROLE(),
    ):
        collectible.freezeSeriesMetadata(folder_series, sender=caller)

    assert collectible.series(folder_series).metadataFrozen is False


def test_freeze_series_metadata__unknown_series__reverts_unknown_series(collectible, curator):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        collectible.freezeSeriesMetadata(unknown, sender=curator)


def test_freeze_series_metadata__minting_still_works(
    collectible, folder_series, mint_to, curator, fan
):
    collectible.freezeSeriesMetadata(folder_series, sender=curator)

    token = mint_to(folder_series, fan)

    assert collectible.tokenURI(token) == FOLDER + "1.json"


# ------------------------------------------------------------------ contractURI (ERC-7572)


def test_contract_uri__fresh_deployment__empty(collectible):
    assert collectible.contractURI() == ""


def test_set_contract_uri__by_curator__stores_and_emits(collectible, curator):
    uri = "ipfs://bafycollection/contract.json"

    tx = collectible.setContractURI(uri, sender=curator)

    assert collectible.contractURI() == uri
    assert event_args(tx, collectible.ContractURIUpdated) == [{}]


def test_set_contract_uri__twice__last_wins(collectible, curator):
    collectible.setContractURI("ipfs://first", sender=curator)
    collectible.setContractURI("ipfs://second", sender=curator)

    assert collectible.contractURI() == "ipfs://second"


@pytest.mark.parametrize("caller_name", ["admin", "minter", "stranger"])
def test_set_contract_uri__without_metadata_role__reverts_unauthorized(
    request, collectible, caller_name
):
    caller = request.getfixturevalue(caller_name)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=caller.address,
        neededRole=collectible.METADATA_ROLE(),
    ):
        collectible.setContractURI("ipfs://nope", sender=caller)

    assert collectible.contractURI() == ""

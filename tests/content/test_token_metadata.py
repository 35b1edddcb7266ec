"""collectibles.content.metadata: OpenSea-standard token JSON, canonical bytes, schema and rule checks.

(Named test_token_metadata.py: tests/contracts/extensions/test_metadata.py already takes the module name.)
"""

import json

import pytest

from collectibles.content.metadata import (
    SeriesProfile,
    TokenMetadata,
    _validator,
    canonical_json,
    collection_metadata,
    validate_collection,
    validate_token,
)
from collectibles.domain.catalogue import SeriesSpec, Theme
from collectibles.domain.errors import InvalidMetadata
from collectibles.domain.tokens import TransferPolicy

IMAGE = "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
CARD = SeriesProfile(
    "Spring Festival Greeting Card",
    500,
    TransferPolicy.GIFT_AFTER_HOLD,
    theme=Theme("Lantern"),
    tier="Rare",
    external_url="https://cards.example/greeting/{serial}",
)


def document(serial=12, series=CARD, **changes):
    doc = TokenMetadata.for_token(series, serial, IMAGE).as_dict()
    doc.update(changes)
    return doc


def test_for_token__serial_12__opensea_fields_and_attributes():
    doc = document()

    assert doc["name"] == "Spring Festival Greeting Card #12"
    assert doc["image"] == IMAGE
    assert doc["external_url"] == "https://cards.example/greeting/12"
    assert doc["attributes"] == [
        {"trait_type": "Series", "value": "Spring Festival Greeting Card"},
        {"trait_type": "Theme", "value": "Lantern"},
        {"trait_type": "Tier", "value": "Rare"},
        {"trait_type": "Transfer Policy", "value": "Gift after hold"},
        {"trait_type": "Serial", "value": 12, "max_value": 500, "display_type": "number"},
    ]


def test_for_token__no_tier_no_url__left_out():
    plain = SeriesProfile.from_spec(SeriesSpec("Court", 200))

    doc = document(3, plain)

    assert "external_url" not in doc
    assert [a["trait_type"] for a in doc["attributes"]] == [
        "Series",
        "Theme",
        "Transfer Policy",
        "Serial",
    ]
    assert doc["description"] == "Court: an edition of 200."


def test_to_json__canonical__sorted_compact_utf8():
    series = SeriesProfile("Fête", 10)

    data = TokenMetadata.for_token(series, 1, IMAGE).to_json()

    assert data == canonical_json(json.loads(data))
    assert b'", "' not in data
    assert b'": ' not in data
    assert "Fête #1".encode() in data
    assert list(json.loads(data)) == sorted(json.loads(data))


def test_schemas__valid_draft_2020_12():
    for name in ("token-metadata.json", "collection-metadata.json"):
        assert _validator(name).schema["$schema"].endswith("2020-12/schema")


def test_validate_token__generated__passes():
    validate_token(document(), CARD, 12, IMAGE)


def test_validate_token__missing_field__names_token_and_field():
    doc = document()
    del doc["description"]

    with pytest.raises(InvalidMetadata) as err:
        validate_token(doc, CARD, 12, IMAGE)

    assert err.value.subject == "Spring Festival Greeting Card #12"
    assert "'description' is a required property" in err.value.problem
    assert "nothing was published" in str(err.value)


@pytest.mark.parametrize(
    "image",
    [
        "ipfs://bafybeigotn5jxnnvnf4ghzikx7qits2bye4xnxbiqdahjf25holfw5rlem/12.json",
        "ipfs://bafkreiaaaa/metadata.JSON",
    ],
)
def test_validate_token__image_uri_of_json__rejected(image):
    with pytest.raises(InvalidMetadata, match="points at a JSON document, not the image"):
        validate_token(document(image=image), CARD, 12, IMAGE)


def test_validate_token__image_is_cid_of_a_json_file__rejected():
    json_cid = "ipfs://bafkreicy3f7qbwgovrhm46zmk2fbokuw36t7fkgiukeclj2b5voeqw4jse"

    with pytest.raises(InvalidMetadata, match="points at a JSON document"):
        validate_token(document(image=json_cid), CARD, 12, IMAGE, frozenset({json_cid}))


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("https://cards.example/card.png", "does not match"),
        (
            "ipfs://bafkreicy3f7qbwgovrhm46zmk2fbokuw36t7fkgiukeclj2b5voeqw4jse",
            "not the series image",
        ),
    ],
    ids=["not-ipfs", "other-cid"],
)
def test_validate_token__image_not_series_image__rejected(image, message):
    with pytest.raises(InvalidMetadata, match=message):
        validate_token(document(image=image), CARD, 12, IMAGE)


def test_validate_token__serial_over_cap__rejected():
    doc = document(501)

    assert doc["attributes"][-1] == {
        "trait_type": "Serial", "value": 501, "max_value": 500, "display_type": "number"}  # fmt: skip
    with pytest.raises(InvalidMetadata, match="serial 501 is over the cap of 500"):
        validate_token(doc, CARD, 501, IMAGE)


def test_validate_token__max_value_not_max_supply__rejected():
    doc = document(serial=12, series=SeriesProfile(CARD.name, 900, CARD.policy))

    with pytest.raises(InvalidMetadata, match="max_value 900 is not the series' max supply 500"):
        validate_token(doc, CARD, 12, IMAGE)


def test_validate_token__serial_trait_missing__schema_error():
    doc = document()
    doc["attributes"] = doc["attributes"][:-1]

    with pytest.raises(InvalidMetadata, match="attributes"):
        validate_token(doc, CARD, 12, IMAGE)


def test_validate_token__name_not_series_and_serial__rejected():
    with pytest.raises(InvalidMetadata, match="is not 'Spring Festival Greeting Card #12'"):
        validate_token(document(name="Greeting #12"), CARD, 12, IMAGE)


def test_validate_token__unknown_field__rejected():
    with pytest.raises(InvalidMetadata, match="Additional properties"):
        validate_token(document(imageUrl=IMAGE), CARD, 12, IMAGE)


def test_collection_metadata__erc7572_fields__valid():
    doc = collection_metadata(CARD, IMAGE, "https://cards.example")

    validate_collection(doc, CARD, IMAGE)
    assert doc == {
        "name": CARD.name,
        "description": "Spring Festival Greeting Card: an edition of 500.",
        "image": IMAGE,
        "external_link": "https://cards.example",
    }


def test_validate_collection__bad_link__rejected():
    doc = collection_metadata(CARD, IMAGE, "cards.example")

    with pytest.raises(InvalidMetadata, match="collection of Spring Festival Greeting Card"):
        validate_collection(doc, CARD, IMAGE)

"""collectibles.content.artwork draws a legible themed card per series, byte-for-byte reproducibly, or reads a file."""

import io

import pytest
from PIL import Image

from collectibles.content.artwork import load_artwork, render_card, series_artwork
from collectibles.content.drawing import CARD_SIZE
from collectibles.domain.catalogue import Theme
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

SUNSET = Theme("Sunset", background="#264653", accent="#f4a261", text="white")


def card(name="Spring Festival Greeting Card", supply=500, theme=SUNSET):
    return render_card(name, supply, TransferPolicy.GIFT_AFTER_HOLD, theme)


def test_render_card__same_input__same_png_bytes():
    first, second = card(), card()

    assert first.data == second.data
    assert first.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert (first.filename, first.media_type) == ("image.png", "image/png")


@pytest.mark.parametrize(
    "other",
    [
        {"name": "Court"},
        {"supply": 501},
        {"theme": Theme("Night")},
    ],
    ids=["name", "edition-size", "theme"],
)
def test_render_card__different_series__different_bytes(other):
    assert card(**other).data != card().data


def test_render_card__theme_colours__background_frame_and_lettering():
    image = Image.open(io.BytesIO(card().data)).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=100_000)}

    assert image.size == CARD_SIZE
    assert image.getpixel((60, 300)) == (0x26, 0x46, 0x53)  # background
    assert image.getpixel((22, 300)) == (0xF4, 0xA2, 0x61)  # frame
    assert (255, 255, 255) in colours  # the lettering


def test_render_card__title_drawn_in_the_title_band():
    image = Image.open(io.BytesIO(card().data)).convert("RGB")
    title_band = image.crop((40, 100, CARD_SIZE[0] - 40, 260))

    white = sum(
        n for n, colour in title_band.getcolors(maxcolors=100_000) if colour == (255, 255, 255)
    )
    assert white > 1_000


def test_theme__not_a_colour__invalid_artwork():
    with pytest.raises(InvalidArtwork, match="accent 'gold-ish' is not a colour"):
        card(theme=Theme("Odd", accent="gold-ish"))


def test_load_artwork__png_file__bytes_kept_as_they_are(tmp_path):
    path = tmp_path / "art.png"
    path.write_bytes(card().data)

    artwork = load_artwork(path)

    assert artwork.data == card().data
    assert artwork.filename == "image.png"


def test_load_artwork__jpeg__image_jpg(tmp_path):
    path = tmp_path / "photo.jpeg"
    Image.new("RGB", (8, 8), "red").save(path, format="JPEG")

    assert load_artwork(path).filename == "image.jpg"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not an image", "not an image Pillow can read"), (None, "cannot read it")],
    ids=["garbage", "missing"],
)
def test_load_artwork__unreadable__invalid_artwork(tmp_path, content, message):
    path = tmp_path / "art.png"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(InvalidArtwork, match=message):
        load_artwork(path)


def test_series_artwork__catalogue_path__file_else_drawn_card(tmp_path):
    path = tmp_path / "art.png"
    Image.new("RGB", (8, 8), "blue").save(path)

    given = series_artwork("Court", 200, TransferPolicy.FREE, image=path)
    drawn = series_artwork("Court", 200, TransferPolicy.FREE)

    assert given.data == path.read_bytes()
    assert drawn.data == render_card("Court", 200, TransferPolicy.FREE).data

"""collectibles.content.drawing draws in card pixels at twice the size; lettering colours that read."""

from PIL import Image

from collectibles.content.drawing import SCALE, Pen, legible, mix

RED = (255, 0, 0)


def test_pen__rect_in_card_pixels__covers_the_scaled_canvas_pixels():
    canvas = Image.new("RGB", (20, 20))

    Pen(canvas).rect((2, 2, 5, 5), fill=RED)

    assert canvas.getbbox() == (2 * SCALE, 2 * SCALE, 5 * SCALE + 1, 5 * SCALE + 1)
    assert canvas.getpixel((2 * SCALE, 3 * SCALE)) == RED


def test_mix__amounts__from_one_colour_to_the_other():
    a, b = (0, 0, 0), (200, 100, 50)

    assert (mix(a, b, 0), mix(a, b, 0.5), mix(a, b, 1)) == (a, (100, 50, 25), b)


def test_legible__first_choice_contrasts__first_choice():
    assert legible((0, 0, 0), (255, 255, 255), RED) == (255, 255, 255)


def test_legible__first_choice_too_faint__next_choice_that_contrasts():
    assert legible((255, 255, 255), (250, 250, 250), (0, 0, 128)) == (0, 0, 128)


def test_legible__no_choice_contrasts__black_or_white_whichever_contrasts_most():
    ground = (0x33, 0x66, 0x99)  # 6:1 with white, 3.5:1 with black

    assert legible(ground, ground, (0x30, 0x60, 0x90)) == (255, 255, 255)
    assert legible((250, 250, 250), (240, 240, 240)) == (0, 0, 0)

"""decode_image: every Pillow mode and format, resize modes, and one reason per bad-file kind."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageOps

from visionlab.data import decode
from visionlab.data.decode import BadImageError, decode_image, is_image_file
from visionlab.errors import ConfigError, DataError

pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")

VALID_NAMES = ["l.png", "la.png", "p.png", "p_transparent.png", "rgba.png", "cmyk.jpg",
               "i16.png", "rgb.jpg", "rgb.bmp", "frames.gif", "rgb.webp", "exif6.jpg"]


@pytest.mark.parametrize("name", VALID_NAMES)
@pytest.mark.parametrize(("color_mode", "channels"), [("rgb", 3), ("grayscale", 1)])
def test_every_mode_and_format_decodes_to_uint8(valid_images, name, color_mode, channels):
    array = decode_image(valid_images[name], (10, 14), color_mode)
    assert array.shape == (10, 14, channels)
    assert array.dtype == np.uint8
    assert array.flags["C_CONTIGUOUS"]


def test_source_modes_are_the_ones_under_test(valid_images):
    modes = {name: Image.open(path).mode for name, path in valid_images.items()}
    assert modes["la.png"] == "LA"
    assert modes["p_transparent.png"] == "P" and "transparency" in Image.open(
        valid_images["p_transparent.png"]).info
    assert modes["rgba.png"] == "RGBA"
    assert modes["cmyk.jpg"] == "CMYK"
    assert modes["i16.png"].startswith("I;16")


@pytest.mark.parametrize(("name", "opaque_rgb"), [
    ("rgba.png", (0, 200, 0)), ("la.png", (40, 40, 40)), ("p_transparent.png", (0, 0, 255)),
])
def test_transparency_is_composited_over_white(valid_images, name, opaque_rgb):
    array = decode_image(valid_images[name], None)
    assert array.shape == (16, 24, 3)
    assert (array[:, 12:] == 255).all()  # transparent right half
    assert (array[:, :12] == opaque_rgb).all()


def test_sixteen_bit_is_scaled_not_clipped(valid_images):
    gray = decode_image(valid_images["i16.png"], None, "grayscale")
    assert (gray[:, :12, 0] == 255).all()  # 65535 / 257
    assert (gray[:, 12:, 0] == 128).all()  # 32896 / 257
    rgb = decode_image(valid_images["i16.png"], None, "rgb")
    assert (rgb[:, 12:] == 128).all()


def test_exif_orientation_rotates_the_image(valid_images):
    assert Image.open(valid_images["exif6.jpg"]).size == (40, 20)
    assert decode_image(valid_images["exif6.jpg"], None).shape == (40, 20, 3)
    padded = decode_image(valid_images["exif6.jpg"], (20, 20), resize_mode="pad")
    # Portrait after rotation: black bars left and right, image across the full height.
    assert (padded[:, 0] == 0).all() and (padded[:, -1] == 0).all()
    assert (padded[:, 10, 1] > 150).all()


def test_gif_uses_the_first_frame_and_cmyk_converts(valid_images):
    assert tuple(decode_image(valid_images["frames.gif"], None)[0, 0]) == (255, 0, 0)
    red = decode_image(valid_images["cmyk.jpg"], None)[8, 12].astype(int)
    assert red[0] > 200 and red[1] < 40 and red[2] < 40


def test_grayscale_uses_itu_601_luma(tmp_path):
    path = tmp_path / "color.png"
    pixels = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    gray = decode_image(path, None, "grayscale")[0, :, 0]
    assert gray.tolist() == [76, 150, 29]  # 0.299, 0.587, 0.114 of 255


def test_resize_modes(tmp_path):
    path = tmp_path / "wide.png"
    wide = np.zeros((20, 40, 3), dtype=np.uint8)
    wide[:, :20] = (255, 255, 255)  # left half white
    Image.fromarray(wide).save(path)
    squash = decode_image(path, (10, 10), resize_mode="squash")
    assert squash[:, 0].min() == 255 and squash[:, -1].max() == 0
    crop = decode_image(path, (10, 10), resize_mode="crop")  # center 20x20 of 20x40
    assert crop[:, 0].min() == 255 and crop[:, -1].max() == 0 and crop.shape == (10, 10, 3)
    pad = decode_image(path, (10, 10), resize_mode="pad")  # 10x5 image, black bars top/bottom
    assert pad[0].max() == 0 and pad[-1].max() == 0 and pad[5, 0].min() == 255


def test_large_jpeg_draft_matches_full_decode(tmp_path):
    path = tmp_path / "large.jpg"
    gradient = np.linspace(0, 255, 400, dtype=np.float64)
    pixels = np.stack([np.tile(gradient, (320, 1))] * 3, axis=-1).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=95)
    fast = decode_image(path, (32, 40)).astype(int)
    reference = np.asarray(Image.open(path).convert("RGB").resize((40, 32), Image.BOX))
    assert np.abs(fast - reference.astype(int)).mean() < 3


@pytest.mark.parametrize("name", ["empty.jpg", "truncated.jpg", "corrupt.png", "not_image.png",
                                  "bomb_error.png", "bomb_warning.png", "unreadable.jpg"])
def test_bad_files_raise_with_their_reason(bad_images, bad_reasons, name):
    with pytest.raises(BadImageError) as caught:
        decode_image(bad_images[name], (8, 8))
    assert bad_reasons[name] in caught.value.reason
    assert isinstance(caught.value, DataError)
    assert str(bad_images[name]) in str(caught.value)


def test_bomb_reason_names_the_pixel_counts(bad_images):
    with pytest.raises(BadImageError, match="14400 pixels exceeds the limit of 10000"):
        decode_image(bad_images["bomb_warning.png"], (8, 8))


def test_invalid_options_raise_config_error(valid_images):
    with pytest.raises(ConfigError, match="resize_mode 'stretch'"):
        decode_image(valid_images["rgb.jpg"], (8, 8), resize_mode="stretch")
    with pytest.raises(ConfigError, match="color_mode 'rgba'"):
        decode_image(valid_images["rgb.jpg"], (8, 8), color_mode="rgba")
    with pytest.raises(ConfigError, match="image_size"):
        decode_image(valid_images["rgb.jpg"], (0, 8))


def test_decode_calls_are_counted(valid_images):
    before = decode.stats.calls
    decode_image(valid_images["rgb.jpg"], (8, 8))
    decode_image(valid_images["l.png"], (8, 8))
    assert decode.stats.calls == before + 2


def test_is_image_file():
    assert is_image_file("a/B.JPG") and is_image_file("x.webp")
    assert not is_image_file("a/.DS_Store") and not is_image_file("a/._x.jpg")
    assert not is_image_file("notes.txt")


def test_draft_decodes_jpegs_at_the_smallest_scale_that_still_covers_the_target(tmp_path,
                                                                              monkeypatch):
    from PIL import JpegImagePlugin

    decoded_sizes = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def recording_draft(self, mode, size):
        result = real_draft(self, mode, size)
        decoded_sizes.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", recording_draft)
    path = tmp_path / "photo.jpg"
    Image.fromarray(np.full((512, 520, 3), 90, dtype=np.uint8)).save(path)
    assert decode_image(path, (224, 224)).shape == (224, 224, 3)
    assert decoded_sizes[-1] == (260, 256)  # 1/2 scale: 256 >= 224, 1/4 would be 128 < 224
    decode_image(path, (300, 300))
    assert decoded_sizes[-1] == (520, 512)  # 1/2 scale would be below 300: full size
    # pad only needs the fitted content (here 100 x 98) to stay >= its drawn size: 1/4 scale.
    decode_image(path, (100, 300), resize_mode="pad")
    assert decoded_sizes[-1] == (130, 128)


@pytest.mark.parametrize("resize_mode", ["crop", "pad"])
def test_drafted_crop_and_pad_match_a_full_decode(tmp_path, resize_mode):
    path = tmp_path / "large.jpg"
    gradient = np.linspace(0, 255, 480, dtype=np.float64)
    pixels = np.stack([np.tile(gradient, (400, 1))] * 3, axis=-1).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=95)
    fast = decode_image(path, (48, 40), resize_mode=resize_mode).astype(int)
    full = Image.open(path).convert("RGB")
    if resize_mode == "crop":
        reference = ImageOps.fit(full, (40, 48), method=Image.BOX)
    else:
        reference = ImageOps.pad(full, (40, 48), method=Image.BOX, color=(0, 0, 0))
    assert np.abs(fast - np.asarray(reference).astype(int)).mean() < 3


def test_grayscale_jpeg_is_decoded_straight_to_luma(tmp_path):
    path = tmp_path / "color.jpg"
    Image.fromarray(noise_image(24, 32)).save(path, quality=95)
    gray = decode_image(path, None, "grayscale")[:, :, 0].astype(int)
    reference = np.asarray(Image.open(path).convert("L")).astype(int)
    assert gray.shape == (24, 32)
    # libjpeg's Y channel is the same ITU-R 601 luma, only without clipping RGB to 0..255 first.
    assert np.abs(gray - reference).mean() < 0.5 and np.abs(gray - reference).max() <= 8


def noise_image(height: int, width: int) -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8)


def test_a_bug_in_our_own_conversion_surfaces_instead_of_skipping_the_file(valid_images,
                                                                           monkeypatch):
    """Only Pillow's decoding errors mean a bad file; an error in visionlab's resize is a bug."""
    def broken_resize(image, size, resize_mode):
        raise ValueError("bug in resize_image")

    monkeypatch.setattr(decode, "resize_image", broken_resize)
    path = next(iter(valid_images.values()))
    with pytest.raises(ValueError, match="bug in resize_image") as raised:
        decode.decode_image(path, (16, 16))
    assert not isinstance(raised.value, BadImageError)

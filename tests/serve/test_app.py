"""The FastAPI app on a real digits run: health, metadata, predictions equal to `visionlab
predict`, every kind of bad upload refused with a 4xx naming the file, pages in two languages."""

from __future__ import annotations

import io
import re
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from visionlab import api
from visionlab.errors import ConfigError

MAX_FILE_BYTES = 64 * 1024  # the `app` fixture's --max-upload-mb 0.0625
MAX_FILES = 4


def _file(name: str, data: bytes, kind: str = "image/png") -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (name, data, kind))


def _png_declaring(width: int, height: int) -> bytes:
    """A valid, tiny PNG whose header declares width x height pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))


def _jpeg(path: Path, size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.open(path).resize((size, size)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _noise_png(side: int) -> bytes:
    pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def _assert_still_serving(client, digit_files):
    assert client.get("/health").json()["status"] == "ok"
    response = client.post("/predict", files=[_file("ok.png", digit_files[0].read_bytes())])
    assert response.status_code == 200, response.text


def test_health_and_metadata(client, digits_run):
    assert client.get("/health").json() == {"status": "ok", "backend": "keras"}
    metadata = client.get("/metadata").json()
    assert metadata["classes"] == digits_run.class_names
    assert metadata["input"] == {
        "image_size": [8, 8], "channels": 1, "color_mode": "grayscale", "resize_mode": "squash",
        "pixels": "any image file; decoded, converted and resized by the server"}
    assert metadata["run"]["name"] == digits_run.name
    assert metadata["run"]["test_accuracy"] == digits_run.info["test_accuracy"]
    assert "path" not in metadata["run"]  # the server's disk layout is not the client's business
    assert metadata["limits"] == {"max_upload_bytes": MAX_FILE_BYTES, "max_files": MAX_FILES,
                                  "field": "files"}
    assert metadata["top_k"] == 3


def test_one_and_several_images_match_visionlab_predict(client, digits_run, digit_files):
    expected = {Path(item["path"]).name: item
                for item in api.predict(digits_run, digit_files, top_k=3)}
    batches = [digit_files[:1], digit_files[1:5], digit_files[5:9]]
    for batch in batches:
        response = client.post("/predict", files=[_file(path.name, path.read_bytes())
                                                  for path in batch])
        assert response.status_code == 200, response.text
        predictions = response.json()["predictions"]
        assert [item["file"] for item in predictions] == [path.name for path in batch]
        for item in predictions:
            reference = expected[item["file"]]
            assert item["predicted"] == reference["predicted"]
            assert [entry["class"] for entry in item["top"]] == [
                entry["class"] for entry in reference["top"]]
            assert [entry["probability"] for entry in item["top"]] == pytest.approx(
                [entry["probability"] for entry in reference["top"]], abs=1e-6)
            assert item["probability"] == item["top"][0]["probability"]
    # The run learned digits: most of these real images get their own label.
    answers = [client.post("/predict", files=[_file(path.name, path.read_bytes())]).json()
               for path in digit_files]
    right = sum(answer["predictions"][0]["predicted"] == path.name.split("-")[0]
                for answer, path in zip(answers, digit_files))
    assert right >= 14


def test_a_jpeg_and_a_vietnamese_file_name(client, digits_run, digit_files, tmp_path):
    photo = tmp_path / "ảnh số 7.jpg"
    photo.write_bytes(_jpeg(digit_files[14]))
    response = client.post("/predict", files=[_file(photo.name, photo.read_bytes(),
                                                    "image/jpeg")])
    assert response.status_code == 200, response.text
    (item,) = response.json()["predictions"]
    assert item["file"] == "ảnh số 7.jpg"
    assert item["predicted"] == api.predict(digits_run, [photo])[0]["predicted"]


@pytest.mark.parametrize("name, make, status, code, words", [
    ("notes.png", lambda files: b"these are my notes, not a photo\n", 422, "not_an_image",
     "cannot be read as an image"),
    ("empty.png", lambda files: b"", 422, "empty_file", "is empty (0 bytes)"),
    ("half.jpg", lambda files: _jpeg(files[0])[:400], 422, "truncated_image", "is cut off"),
    ("bomb.png", lambda files: _png_declaring(100_000, 100_000), 422, "decompression_bomb",
     "too many pixels"),
    ("big.png", lambda files: _noise_png(160), 413, "file_too_large", "larger than the limit"),
    ("../../etc/passwd.png", lambda files: files[0].read_bytes(), 400, "bad_filename",
     "not allowed"),
    ("photos/a.png", lambda files: files[0].read_bytes(), 400, "bad_filename", "not allowed"),
    ("C:\\Users\\me\\a.png", lambda files: files[0].read_bytes(), 400, "bad_filename",
     "not allowed"),
    ("..", lambda files: files[0].read_bytes(), 400, "bad_filename", "not allowed"),
])
def test_a_bad_file_is_refused_naming_it_and_the_server_keeps_serving(
        client, digit_files, name, make, status, code, words):
    good = digit_files[1]
    response = client.post("/predict", files=[_file(good.name, good.read_bytes()),
                                              _file(name, make(digit_files))])
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["file"] == name
    assert body["index"] == 1
    assert words in body["reason"] and name in body["reason"]
    _assert_still_serving(client, digit_files)


def test_a_control_character_in_a_file_name_is_refused(client, digit_files):
    # httpx and browsers percent-encode control characters; a raw client may not.
    body = (b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\x01b.png\""
            b"\r\n\r\n" + digit_files[0].read_bytes() + b"\r\n--x--\r\n")
    response = client.post("/predict", content=body,
                           headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_filename"
    assert response.json()["file"] == "a\x01b.png"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_decompression_bomb_limit_matches_pillows(client, digit_files):
    # Between Pillow's limit and twice it Pillow only warns; the decoder refuses it too.
    side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
    response = client.post("/predict", files=[_file("warm.png", _png_declaring(side, side))])
    assert response.status_code == 422
    assert response.json()["error"] == "decompression_bomb"
    _assert_still_serving(client, digit_files)


def test_too_many_files_no_files_and_wrong_requests(client, digit_files):
    files = [_file(path.name, path.read_bytes()) for path in digit_files[:MAX_FILES + 1]]
    response = client.post("/predict", files=files)
    assert response.status_code == 400
    body = response.json()
    assert (body["error"], body["file"], body["index"]) == (
        "too_many_files", digit_files[MAX_FILES].name, MAX_FILES)
    assert f"at most {MAX_FILES} images" in body["reason"]

    response = client.post("/predict", files=[("photo", ("a.png", b"x", "image/png"))])
    assert (response.status_code, response.json()["error"]) == (400, "unexpected_field")
    response = client.post("/predict", data={"files": "not a file"},
                           files=[("unused", ("", b"", "application/octet-stream"))])
    assert response.status_code == 400
    response = client.post("/predict", json={"files": ["a.png"]})
    assert (response.status_code, response.json()["error"]) == (415, "not_multipart")
    boundary = "visionlab-test"
    response = client.post("/predict", content=f"--{boundary}\r\nbroken".encode(),
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 400 and response.json()["error"] == "bad_multipart"
    response = client.post(
        "/predict", content=f"--{boundary}--\r\n".encode(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert (response.status_code, response.json()["error"]) == (400, "no_files")
    assert client.get("/predict").status_code == 405
    assert client.get("/no-such-page").json()["error"] == "http_404"
    _assert_still_serving(client, digit_files)


def test_an_oversized_request_is_refused_on_its_content_length(client, digit_files):
    # (that the body is not read past the limit is tested on read_uploads in test_uploads.py)
    chunks = (b"\0" * 64 * 1024 for _ in range(400))
    response = client.post("/predict", content=chunks, headers={
        "content-type": "multipart/form-data; boundary=x",
        "content-length": str(400 * 64 * 1024)})
    assert response.status_code == 413
    body = response.json()
    assert (body["error"], body["file"]) == ("request_too_large", None)
    assert "more than the" in body["reason"]
    _assert_still_serving(client, digit_files)


def test_page_in_english_and_vietnamese(client, digits_run):
    english = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    vietnamese = client.get("/", headers={"accept-language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert english.status_code == vietnamese.status_code == 200
    assert '<html lang="en">' in english.text and "Try the model" in english.text
    assert '<html lang="vi">' in vietnamese.text
    assert f"Thử mô hình {digits_run.name}" in vietnamese.text
    assert "Chọn ảnh" in vietnamese.text and "ảnh xám" in vietnamese.text
    assert '<html lang="en">' in client.get("/?lang=en", headers={
        "accept-language": "vi"}).text
    assert client.get("/?lang=fr").status_code == 400
    for page in (english, vietnamese):
        assert "default-src 'none'" in page.headers["content-security-policy"]
        # Offline: nothing is loaded from anywhere (no http(s) URL in src/href/url()).
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?https?:""",
                             page.text)


def test_error_reasons_follow_the_readers_language(client, digit_files):
    response = client.post("/predict", headers={"accept-language": "vi"},
                           files=[_file("empty.png", b"")])
    assert response.status_code == 422
    assert response.json()["reason"] == "'empty.png' là tệp rỗng (0 byte). Hãy chọn lại ảnh."


def test_a_server_language_overrides_the_browsers(digits_run, digit_files):
    from fastapi.testclient import TestClient

    with TestClient(api.serving_app(digits_run, lang="vi")) as client:
        page = client.get("/", headers={"accept-language": "en"})
        assert '<html lang="vi">' in page.text
        response = client.post("/predict", headers={"accept-language": "en"},
                               files=[_file("x.png", b"")])
        assert "tệp rỗng" in response.json()["reason"]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/predict"]["post"]["requestBody"]["content"]
    assert body["multipart/form-data"]["schema"]["properties"]["files"]["type"] == "array"
    assert {"/health", "/metadata", "/predict"} <= set(schema["paths"])


def test_onnx_backend_exports_when_missing_and_agrees_with_keras(client, digits_run,
                                                                  digit_files):
    from fastapi.testclient import TestClient

    from needs import needs_module

    needs_module("onnxruntime", extra="export")
    needs_module("tf2onnx", extra="export")
    onnx_file = digits_run.path / "exports" / "onnx" / "model.onnx"
    assert not onnx_file.exists()
    files = [_file(path.name, path.read_bytes()) for path in digit_files[:MAX_FILES]]
    keras_answer = client.post("/predict", files=files).json()["predictions"]
    with TestClient(api.serving_app(digits_run, backend="onnx", max_files=MAX_FILES)) as onnx:
        assert onnx_file.is_file()
        assert onnx.get("/health").json()["backend"] == "onnx"
        onnx_answer = onnx.post("/predict", files=files).json()["predictions"]
    for ours, theirs in zip(onnx_answer, keras_answer):
        assert ours["predicted"] == theirs["predicted"]
        assert ours["probability"] == pytest.approx(theirs["probability"], abs=1e-5)


def test_bad_options_are_refused_with_the_fix(digits_run):
    from visionlab.serve import ServeError

    with pytest.raises(ServeError, match="Unknown serving backend 'tflite'.*keras, onnx"):
        api.serving_app(digits_run, backend="tflite")
    with pytest.raises(ConfigError, match="Unknown language 'fr'"):
        api.serving_app(digits_run, lang="fr")
    with pytest.raises(ConfigError, match="max_files must be a positive integer"):
        api.serving_app(digits_run, max_files=0)


def test_a_missing_serve_extra_names_the_install_command(monkeypatch):
    from visionlab.errors import VisionlabError  # visionlab.serve's own classes are re-imported

    for name in [name for name in sys.modules if name.startswith("visionlab.serve")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "fastapi", None)  # "import fastapi" raises ImportError
    with pytest.raises(VisionlabError, match=r"'fastapi'.*pip install 'visionlab\[serve\]'"):
        import visionlab.serve  # noqa: F401

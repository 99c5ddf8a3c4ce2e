"""Open the report and comparison pages in headless Chromium: everything renders, nothing loads.

The DOM check runs a copy of the page with a small inline script added (the real page has no
JavaScript and its Content-Security-Policy forbids scripts); the script records every image's
natural size, each section's height, resource timing entries, errors and CSP violations into the
DOM, which `--dump-dom` prints. Screenshots of the unmodified pages must be non-blank, and
Chromium's console log must stay empty (a blocked load is logged there).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from needs import needs
from visionlab.reports.html import SECTION_IDS, build_report

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if Path("/usr/bin/chromium").exists() else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--virtual-time-budget=10000"]

CHECK_SCRIPT = """<script>
var problems = [];
window.addEventListener('error', function (event) {
  var source = event.target && event.target.src || '';
  problems.push('error: ' + (event.message || source.slice(0, 40)));
}, true);
document.addEventListener('securitypolicyviolation', function (event) {
  problems.push('blocked: ' + event.blockedURI);
});
window.addEventListener('load', function () {
  var images = Array.prototype.map.call(document.images, function (image) {
    return {scheme: image.src.split(':')[0], width: image.naturalWidth,
            shown: image.getBoundingClientRect().width};
  });
  var sections = {};
  Array.prototype.forEach.call(document.querySelectorAll('[id]'), function (element) {
    sections[element.id] = element.getBoundingClientRect().height;
  });
  var resources = performance.getEntriesByType('resource').map(function (entry) {
    return entry.name;
  });
  var report = document.createElement('pre');
  report.id = 'visionlab-check';
  report.textContent = JSON.stringify({images: images, sections: sections,
                                       resources: resources, problems: problems});
  document.body.appendChild(report);
});
</script>"""



@pytest.fixture
def chromium_installed():
    needs(CHROMIUM is not None, "headless Chromium", "install Debian's chromium (make test does)")


requires_chromium = pytest.mark.usefixtures("chromium_installed")


def run_chromium(arguments: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments],
                          capture_output=True, text=True, timeout=120, check=False)


def dom_check(page: Path, tmp_path: Path) -> dict:
    """Load an instrumented copy of `page` and return what its check script recorded."""
    text = page.read_text(encoding="utf-8")
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert csp in text  # the shipped page forbids every load but inline style and data: images
    instrumented = text.replace(csp, csp + "; script-src 'unsafe-inline'").replace(
        "</title>", "</title>\n" + CHECK_SCRIPT, 1)
    copy = tmp_path / f"checked-{page.name}"
    copy.write_text(instrumented, encoding="utf-8")
    result = run_chromium(["--dump-dom", copy.as_uri()], tmp_path / "profile-dom")
    match = re.search(r'<pre id="visionlab-check">(.*?)</pre>', result.stdout, re.DOTALL)
    assert match, f"no check output; stderr: {result.stderr[-2000:]}"
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def screenshot(page: Path, tmp_path: Path, height: int = 2400) -> tuple[Image.Image, str]:
    target = tmp_path / f"{page.stem}.png"
    result = run_chromium(["--enable-logging=stderr", "--v=0", f"--window-size=1280,{height}",
                           f"--screenshot={target}", page.as_uri()], tmp_path / "profile-shot")
    assert target.is_file(), result.stderr[-2000:]
    return Image.open(target).convert("RGB"), result.stderr


def assert_not_blank(image: Image.Image) -> None:
    colors = image.getcolors(maxcolors=1 << 20)
    assert colors is None or len(colors) > 200, "screenshot looks blank"
    # The page header is a blue gradient band near the top.
    red, green, blue = image.getpixel((image.width // 2, 60))
    assert blue > 150 and blue > red + 40, (red, green, blue)


@pytest.fixture(scope="module")
def pages(tmp_path_factory, make_fake_run):
    from visionlab.reports.compare import compare_runs

    root = tmp_path_factory.mktemp("browser")
    fake = make_fake_run(root / "shapes-cnn-20261123-101500")
    report = build_report(fake.path, test_images=fake.test_images)
    others = [make_fake_run(root / f"seed{seed}", name="shapes-cnn", seed=seed).path
              for seed in (1, 2)]
    comparison = compare_runs([fake.path, *others], output_dir=root / "comparison")
    return report, comparison


@requires_chromium
def test_report_renders_every_section_and_image_offline(pages, tmp_path):
    report, _ = pages
    check = dom_check(report, tmp_path)
    assert check["problems"] == []
    assert [name for name in check["resources"] if not name.startswith("data:")] == []
    assert len(check["images"]) == 4
    for image in check["images"]:
        assert image["scheme"] == "data" and image["width"] > 0 and image["shown"] > 100, image
    for section_id in SECTION_IDS:
        assert check["sections"].get(section_id, 0) > 40, section_id


@requires_chromium
def test_report_screenshot_is_not_blank_and_nothing_was_blocked(pages, tmp_path):
    image, log = screenshot(pages[0], tmp_path)
    assert_not_blank(image)
    # The page runs no script, so any console message is a blocked load or a rendering error.
    assert ":CONSOLE" not in log and "net::ERR" not in log, log[-2000:]


@requires_chromium
def test_comparison_page_renders_offline(pages, tmp_path):
    _, comparison = pages
    check = dom_check(comparison, tmp_path)
    assert check["problems"] == [] and check["resources"] == []
    assert [image["width"] > 0 and image["scheme"] == "data" for image in check["images"]] == [True]
    assert check["sections"].get("comparison", 0) > 40
    image, log = screenshot(comparison, tmp_path, height=1200)
    assert_not_blank(image)
    assert ":CONSOLE" not in log, log[-2000:]

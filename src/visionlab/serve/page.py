"""The page at `/`: choose or drop photos, see each one with its top-k bars.

One self-contained HTML file (inline CSS and JavaScript, no fonts, no CDN) rendered once per
language from `templates/index.html`; its Content-Security-Policy lets it reach nothing but its
own server, so it works offline and a stray external load would fail loudly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from visionlab.i18n import LANGUAGES, t

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; "
                           "style-src 'unsafe-inline'; img-src blob: data:; connect-src 'self'; "
                           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt"}
_PREVIEW_CLASSES = 12
# Texts the page's script shows (it fills their {placeholders} itself).
_SCRIPT_TEXTS = ("waiting", "no_files", "network_error", "http_error")


def render_page(lang: str, metadata: dict[str, Any], *, backend: str, max_files: int,
                max_file_size: str) -> str:
    """Return the page in `lang` for the model described by `metadata` (`public_metadata`)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
    )
    environment.globals["t"] = lambda key, **values: t(key, lang, **values)
    classes = metadata["classes"]
    preview = ", ".join(classes[:_PREVIEW_CLASSES])
    if len(classes) > _PREVIEW_CLASSES:
        preview += ", …"
    run_name = (metadata.get("run") or {}).get("name") or t("serve.page.model", lang)
    settings = {"lang": lang, "max_files": max_files,
                "texts": {key: t(f"serve.page.{key}", lang) for key in _SCRIPT_TEXTS}}
    return environment.get_template("index.html").render(
        lang=lang, run_name=run_name, classes=classes, classes_preview=preview,
        image_size=metadata["input"]["image_size"],
        color_mode_text=t(f"serve.page.color_mode.{metadata['input']['color_mode']}", lang),
        backend=backend, max_files=max_files, max_file_size=max_file_size, settings=settings,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES],
    )

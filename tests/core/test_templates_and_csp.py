"""The content security policy allows styles and scripts from our own files only: a style=""
attribute or an inline <script> in a template would be silently ignored by the browser."""

import re
from pathlib import Path

import wushe

TEMPLATES = sorted(Path(wushe.__file__).parent.rglob("templates/**/*.html"))


def test_templates_have_no_inline_styles_or_scripts():
    offenders = [f"{path.relative_to(Path(wushe.__file__).parent)}:{n}"
                 for path in TEMPLATES for n, line in enumerate(path.read_text().splitlines(), 1)
                 if re.search(r'\sstyle="|<script(?![^>]*\ssrc=)', line)]
    assert len(TEMPLATES) > 50 and offenders == []

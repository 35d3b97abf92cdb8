"""The jinja2 environment of `transpile/templates/` (StrictUndefined, no autoescape): templates
only loop over data prepared in Python."""
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def render_template(template, **data):
    """`template` (a path relative to transpile/templates/) rendered with `data`."""
    return _ENV.get_template(template).render(**data)

"""Server-rendered HTML of the public pages (Jinja2, autoescaped)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_ENV = Environment(loader=PackageLoader("yilian.public", "templates"), autoescape=select_autoescape(["html"]))


def page(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(**context)

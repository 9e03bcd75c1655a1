"""Jinja environments: Parity's templates over the GOV.UK Frontend macros, one environment per language.

One environment per language keeps each render's `gettext` fixed without any per-request global state; there are
two languages, so the cost is two compiled copies of the templates.
"""

from __future__ import annotations

from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from parity.web.i18n import LOCALES, translations


@cache
def environment(language: str) -> Environment:
    if language not in LOCALES:
        raise ValueError(f"no templates for language '{language}' (known: {', '.join(LOCALES)})")
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("parity.web", "templates"),
                # The GOV.UK macros import each other as "govuk_frontend_jinja/...".
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env

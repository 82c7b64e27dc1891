"""Click's own texts in Dutch ("Show this message and exit", "Missing argument", …).

Click marks its texts for gettext but binds `gettext` into each of its modules
at import time, and gettext would need a compiled catalogue and a Dutch locale
on the machine. The `rules` command speaks Dutch wherever it runs, so its CLI
module replaces those bindings with a lookup in the table below (English
stays for texts not in it). Only importing `weerbaar_rules.cli` does this.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

DUTCH: dict[str, str] = {
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Error: {message}": "fout: {message}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Missing argument": "Argument ontbreekt",
    "Missing option": "Optie ontbreekt",
    "Missing parameter": "Parameter ontbreekt",
    "Missing parameter: {param_name}": "Parameter ontbreekt: {param_name}",
    "Missing {param_type}": "{param_type} ontbreekt",
    "Missing command.": "Opdracht ontbreekt.",
    "argument": "argument",
    "option": "optie",
    "parameter": "parameter",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "integer": "geheel getal",
    "float": "getal",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{value!r} is not a valid boolean.": "{value!r} is geen geldige ja/nee-waarde.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "Could not open file {filename!r}: {message}": "Kan bestand {filename!r} niet openen: {message}",
    "Value must be an iterable.": "Waarde moet een reeks zijn.",
    "default: {default}": "standaard: {default}",
    "required": "verplicht",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(dynamisch)",
    "Aborted!": "Afgebroken.",
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Onverwachte extra argumenten ({args})",
    "Did you mean {possibility}?": "Bedoelde je {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelde je een van: {possibilities}?)",
    "Option {name!r} requires an argument.": "Optie {name!r} verwacht een waarde.",
    "Option {name!r} requires {nargs} arguments.": "Optie {name!r} verwacht {nargs} waarden.",
    "{value!r} is not {choice}.": "{value!r} is niet {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} is niet een van {choices}.",
    "{value!r} does not match the format {format}.": "{value!r} heeft niet de vorm {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} heeft geen van de vormen {formats}.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} verwacht {nargs} waarden.",
    "Takes {nargs} values but 1 was given.": "Verwacht {nargs} waarden, maar kreeg er 1.",
    "Takes {nargs} values but {len} were given.": "Verwacht {nargs} waarden, maar kreeg er {len}.",
}

_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def gettext(message: str) -> str:
    return DUTCH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's gettext bindings at the Dutch table."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        bindings: dict[str, Callable[..., str]] = {"_": gettext, "ngettext": ngettext}
        for binding, function in bindings.items():
            if hasattr(module, binding):
                setattr(module, binding, function)

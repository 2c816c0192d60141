"""``new_adapter``: a commented adapter file and its contract test, from the templates beside it.

The templates are package data (``templates/*.template``), files rather than string constants, so
that they read as the Python they become; ``<<name>>``-style words are filled in on writing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ConfigError

_TEMPLATES = ("adapter.py.template", "test_adapter.py.template")


def template(name: str) -> str:
    """The text of one template in ``templates/`` (inside the wheel or the source tree)."""
    return (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")


def new_adapter(name: str, folder: str | Path = ".") -> list[Path]:
    """Write ``folder/NAME.py`` and ``folder/test_NAME.py``; the paths written."""
    if not name or not name[0].isalpha() or not name.replace("_", "").isalnum() or name != name.lower():
        raise ConfigError(
            f"bad adapter name {name!r}",
            hint="use lower-case letters, digits and underscores, starting with a letter (e.g. acme)",
        )
    where = Path(folder).expanduser()
    adapter_file, test_file = where / f"{name}.py", where / f"test_{name}.py"
    for path in (adapter_file, test_file):
        if path.exists():
            raise ConfigError(
                f"{path} already exists", hint="choose another name or folder; nothing was written"
            )
    words = {
        "<<name>>": name,
        "<<title>>": name.replace("_", " ").title(),
        "<<env>>": name.upper(),
        "<<test_file>>": str(test_file),
    }
    where.mkdir(parents=True, exist_ok=True)
    for path, name in zip((adapter_file, test_file), _TEMPLATES, strict=True):
        text = template(name)
        for key, value in words.items():
            text = text.replace(key, value)
        path.write_text(text, encoding="utf-8")
    return [adapter_file, test_file]

"""Where ethos keeps prepared models: ``$ETHOS_HOME`` or ``~/.cache/ethos``."""

from __future__ import annotations

import os
from pathlib import Path


def ethos_home() -> Path:
    home = os.environ.get("ETHOS_HOME")
    return Path(home).expanduser() if home else Path.home() / ".cache" / "ethos"


def models_dir() -> Path:
    return ethos_home() / "models"

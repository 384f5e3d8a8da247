"""``python -m ethos.cli`` (what ``accelerate launch -m ethos.cli ...`` runs)."""

from ethos.cli import main

main()

"""Allows `python -m bot` as the twin of the `overstap` command."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

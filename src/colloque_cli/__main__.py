"""Entry point of the ``colloque`` command."""

from __future__ import annotations


def main() -> None:
    from .cli import app

    app()


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Django's usual entry point; ``masterly`` (installed into .venv/bin) does the same."""

from masterly.cli import main

if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Django's usual entry point; ``masterly`` (installed into .venv/bin) does the same, reading
the settings ``make run`` remembered in var/local.env (config/local.py)."""

from masterly.cli import command_line

if __name__ == "__main__":
    command_line()

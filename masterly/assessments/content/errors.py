"""The one error the content pipeline raises for content it will not store."""

from __future__ import annotations


class ContentRejected(ValueError):
    """Content refused; ``message`` says why in plain words a teacher can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def shown_name(filename: str) -> str:
    """A file's name as a message shows it: an uploaded name can be any length."""
    return filename if len(filename) <= 80 else filename[:77] + "…"

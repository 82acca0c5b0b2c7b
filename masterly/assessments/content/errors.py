"""The one error the content pipeline raises for content it will not store."""

from __future__ import annotations


class ContentRejected(ValueError):
    """Content refused; ``message`` says why in plain words a teacher can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

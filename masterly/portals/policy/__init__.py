"""The district and school policy pages (``policy_urls``)."""

"""A Jekyll site as Jekyll reads it, and its import into MyST articles (``kb import``). Pure."""

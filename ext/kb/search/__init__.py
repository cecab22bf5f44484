"""Japanese search, the parts with no Sphinx in them: tokenizer and index format."""

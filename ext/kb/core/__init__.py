"""The data of the knowledge base, pure: records, settings, names, dates, front matter,
taxonomy, relations, the glossary table and where generated pages live. No Sphinx here."""

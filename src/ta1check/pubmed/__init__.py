"""PubMed: the record model, where records come from, and how they are parsed."""

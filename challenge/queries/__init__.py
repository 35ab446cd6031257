"""The challenge's read side: what pages and the API read, as typed values; nothing here writes."""

"""The read side of judging: what pages and the API show, as typed values; nothing here writes."""

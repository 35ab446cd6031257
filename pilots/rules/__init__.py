"""The pilots' business rules: plain Python, no framework, no database, no clock reads."""

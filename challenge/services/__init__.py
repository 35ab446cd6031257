"""Use-cases of the challenge domain: one function per kind of change, one transaction each."""

"""Pure rules of the challenge domain: phases, problem lifecycle and completeness."""

"""Accounts: sign-up, verification, sign-in, passwords, invitations and roles."""

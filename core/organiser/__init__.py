"""The organisers' back office for the platform itself: invitations, outbox, audit log."""

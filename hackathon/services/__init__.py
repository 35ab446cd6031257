"""Use-cases of the hackathon domain: set-up, building the schedule, editing and publishing it, reminders."""

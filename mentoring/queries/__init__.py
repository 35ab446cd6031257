"""Read side of mentoring: what its pages, its JSON lists, its CSV and the calendar feed read.

`mentor_sessions` (the mentor's slots and sessions, a session's notes), `startup_sessions`
(the startup's mentors, slots and bookings), `session_lists` (sessions and slots as the API
lists them), `overview` (the organiser's overview and its CSV), `matches` (runs, the proposal,
published pairs), `calendar` (the personal feed); `session_views` is the session as a page shows it.
"""

"""Bookings, conflicts, recurrence, time-driven jobs, notices and their delivery."""

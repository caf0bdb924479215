"""Webhooks: an organiser's URLs called, signed, when registrations, check-ins and reports change."""

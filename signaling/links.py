"""Join links and PINs live in the participant-link store (conference/store/participant_links.py),
shared with scheduling's notices; re-exported here for signalling's callers."""

from conference.store.participant_links import (
    IssuedLink,
    check_link,
    check_pin,
    current_link,
    issue_link,
    revoke_link,
)

__all__ = ["IssuedLink", "check_link", "check_pin", "current_link", "issue_link", "revoke_link"]

"""scheduling: a notice's link and PIN are kept sealed, never in clear

Until now every notice row kept the served text (with the PIN), the .ics (with the link and
the PIN) and the link itself in clear, and the API handed them to anyone who could read
hearings. From here a row keeps the court's copy (the same text and .ics with the link and the
PIN left out) and the served messages sealed with the notice key (Fernet), which only the
delivery worker opens, so retries and reminders of these notices still go out unchanged.
Nothing is lost: what was in clear is in the sealed copy.

`vcourt db upgrade` (and `serve`, `seed`, …) passes the notice key (VCOURT_NOTICE_KEY, or the
one generated into the data dir) in `config.attributes["notice_keys"]`; an upgrade that has
notices to seal and no key stops and says so, before anything is changed.

Revision ID: c003_notice_secrets
Revises: c002
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from alembic import context, op
from cryptography.fernet import Fernet, MultiFernet
from icalendar import Calendar

revision = "c003_notice_secrets"
down_revision = "c002"
branch_labels = None
depends_on = None

# Copied, not imported: a migration must not change when the code does.
WITHHELD = {
    "vi": "[chỉ có trong bản gửi người nhận]",
    "en": "[only in the copy sent to the addressee]",
}
PIN = re.compile(r"(PIN: )(\d{4,12})")


def _keys() -> MultiFernet:
    keys = context.config.attributes.get("notice_keys") or []
    if not keys:
        raise RuntimeError(
            "stored notices keep their link and PIN in clear and must be sealed with the notice"
            " key: run `vcourt db upgrade` (it passes VCOURT_NOTICE_KEY, or the key generated"
            " into the data dir)"
        )
    return MultiFernet([Fernet(k) for k in keys])


def _court_text(text: str, join_url: str, language: str) -> str:
    withheld = WITHHELD.get(language, WITHHELD["vi"])
    return PIN.sub(lambda m: m.group(1) + withheld, text.replace(join_url, withheld))


def _court_ics(ics: str) -> str:
    cal = Calendar.from_ical(ics)
    for event in cal.walk("VEVENT"):
        event.pop("URL", None)
        event.pop("DESCRIPTION", None)
    return str(cal.to_ical().decode())


def _old_sms(subject: str, text: str, join_url: str) -> str:
    """What the SMS of these notices was (the link's line of the text), so a retry or a
    reminder sends the same."""
    line = next((ln for ln in text.splitlines() if join_url in ln), join_url)
    return f"{subject}. {line.strip()}"


def upgrade() -> None:
    notices = sa.table(
        "notices",
        sa.column("id", sa.String),
        sa.column("subject", sa.String),
        sa.column("language", sa.String),
        sa.column("body_text", sa.Text),
        sa.column("ics", sa.Text),
        sa.column("join_url", sa.Text),
        sa.column("sealed", sa.Text),
        sa.column("pin_sent_by", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            notices.c.id,
            notices.c.subject,
            notices.c.language,
            notices.c.body_text,
            notices.c.ics,
            notices.c.join_url,
        )
    ).all()
    fernet = _keys() if rows else None  # refuse before any change when there is no key
    op.add_column("notices", sa.Column("sealed", sa.Text(), nullable=True))
    op.add_column("notices", sa.Column("pin_sent_by", sa.String(length=20), nullable=True))
    for row in rows:
        assert fernet is not None
        served = {
            "text": row.body_text,
            "ics": row.ics,
            "sms_text": _old_sms(row.subject, row.body_text, row.join_url),
            "join_url": row.join_url,
        }
        has_pin = PIN.search(row.body_text) is not None
        bind.execute(
            notices.update()
            .where(notices.c.id == row.id)
            .values(
                sealed=fernet.encrypt(json.dumps(served).encode()).decode(),
                pin_sent_by="with_link" if has_pin else None,
                body_text=_court_text(row.body_text, row.join_url, row.language),
                ics=_court_ics(row.ics),
            )
        )
    # A plain column: ALTER TABLE … DROP COLUMN on PostgreSQL and SQLite >= 3.35 (no table
    # copy, which on SQLite would cascade-delete the deliveries of every notice).
    op.drop_column("notices", "join_url")


def downgrade() -> None:
    """Puts the served text, .ics and link back in clear (needs the notice key)."""
    notices = sa.table(
        "notices",
        sa.column("id", sa.String),
        sa.column("body_text", sa.Text),
        sa.column("ics", sa.Text),
        sa.column("join_url", sa.Text),
        sa.column("sealed", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(notices.c.id, notices.c.sealed)).all()
    fernet = _keys() if rows else None
    op.add_column("notices", sa.Column("join_url", sa.Text(), nullable=False, server_default=""))
    for row in rows:
        assert fernet is not None
        if row.sealed is None:
            continue
        served = json.loads(fernet.decrypt(row.sealed.encode()))
        bind.execute(
            notices.update()
            .where(notices.c.id == row.id)
            .values(body_text=served["text"], ics=served["ics"], join_url=served["join_url"] or "")
        )
    op.drop_column("notices", "pin_sent_by")
    op.drop_column("notices", "sealed")

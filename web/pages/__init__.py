"""Server-rendered pages (Jinja2) for staff, judges, parties and IT."""

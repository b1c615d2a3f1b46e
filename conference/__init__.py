"""vcourt's domain core (pure rules) and its media and storage edges."""

"""The media edge: aiortc forwarding, recording, TURN. Everything aiortc lives here."""

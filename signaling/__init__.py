"""Live hearings: WebSocket signalling, the room's live state and the event bus."""

"""What the areas share, below all of them: the app's typed keys (settings, clock, database),
the typed hooks through which one area reaches another without importing it, who is calling
(principals and their authenticators), and the log format.

Layer: above conference/store, below conference/media, signaling, scheduler and web. Nothing
here imports an area; each area imports what it needs from here and keeps its own keys.
See docs/architecture.md.
"""

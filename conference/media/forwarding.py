"""The gate between a publisher's packets and one subscriber (or the recorder).

Routing opens and closes gates; nothing is renegotiated for a mute, a move to a consultation
room or a screen. A video gate that opens waits for a keyframe (asking the publisher for one)
so the subscriber's decoder never starts mid-picture.
"""

from __future__ import annotations

from collections.abc import Callable

import av


class Gate:
    def __init__(
        self,
        deliver: Callable[[av.Packet], None],
        *,
        video: bool,
        request_keyframe: Callable[[], None],
    ) -> None:
        self._deliver = deliver
        self._video = video
        self._request_keyframe = request_keyframe
        self.open = False
        self.waiting_for_keyframe = False
        self.passed = 0

    def set_open(self, flag: bool) -> None:
        if flag and not self.open and self._video:
            self.waiting_for_keyframe = True
            self._request_keyframe()
        self.open = flag

    def resync(self) -> None:
        """The stream behind the gate was replaced: wait for (and ask for) a keyframe."""
        if self.open and self._video:
            self.waiting_for_keyframe = True
            self._request_keyframe()

    def __call__(self, packet: av.Packet) -> None:
        if not self.open:
            return
        if self.waiting_for_keyframe:
            if not packet.is_keyframe:
                self._request_keyframe()  # rate-limited by the source
                return
            self.waiting_for_keyframe = False
        self.passed += 1
        self._deliver(packet)

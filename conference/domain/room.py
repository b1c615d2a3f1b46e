"""The live hearing room: who is where, and the commands that move them.

Commands are verbs (`room.admit(...)`); each checks the permission table and the rules about
the people involved, then returns the past-tense events it caused, already applied. `apply` is
the only code that changes the room. No I/O; the caller passes the time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from conference.domain import room_events as ev
from conference.domain.cases import Confidentiality
from conference.domain.errors import InvalidValue, NotAllowed, NotFound
from conference.domain.hearings import (
    HearingKind,
    HearingState,
    Role,
    check_transition,
)
from conference.domain.permissions import RoomAction, may, refusal
from conference.domain.seats import CONSULTING_ROLES as CONSULTING_ROLES
from conference.domain.seats import IDENTITY_CHECKED_ROLES as IDENTITY_CHECKED_ROLES
from conference.domain.seats import IdentityCheck as IdentityCheck
from conference.domain.seats import Presence as Presence
from conference.domain.seats import Seat as Seat


class Room(BaseModel):
    hearing_id: str
    kind: HearingKind = HearingKind.HEARING
    state: HearingState
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    locked: bool = False
    seats: dict[str, Seat]
    version: int = 0  # number of events applied
    consultations: int = 0  # consultation rooms opened so far (names c1, c2, …)
    recording: bool = False  # the court's recording is on

    # --- reading ---------------------------------------------------------------------------

    def seat(self, participant_id: str) -> Seat:
        try:
            return self.seats[participant_id]
        except KeyError:
            raise NotFound(
                f"participant {participant_id!r} is not part of this hearing",
                field="participant_id",
            ) from None

    # --- joining and leaving ----------------------------------------------------------------

    def join(self, participant_id: str, now: datetime) -> list[ev.RoomEvent]:
        seat = self.seat(participant_id)
        if seat.presence is Presence.REMOVED:
            raise NotAllowed("you were removed from this hearing by the court")
        if seat.presence is Presence.REJECTED:
            raise NotAllowed("the court did not admit you to this hearing; contact the clerk")
        if not may(seat.role, self.state, RoomAction.JOIN):
            raise NotAllowed(
                f"the hearing is {self.state.value}; you cannot join now"
                + (
                    ""
                    if self.state in (HearingState.CLOSED, HearingState.CANCELLED)
                    else " — the waiting room opens when the court opens it"
                )
            )
        if seat.role is Role.OBSERVER and self.confidentiality is not Confidentiality.PUBLIC:
            raise NotAllowed("this hearing is held in camera (closed); observers cannot attend")
        if seat.presence is not Presence.AWAY:  # coming back within the grace period
            return self._emit(ev.ParticipantReconnected(at=now, participant_id=participant_id))
        if self.locked and not seat.is_staff:
            raise NotAllowed("the court has locked the room; nobody new may enter now")
        presence = Presence.ADMITTED if seat.is_staff else Presence.WAITING
        return self._emit(
            ev.ParticipantJoined(at=now, participant_id=participant_id, presence=presence.value)
        )

    def disconnect(self, participant_id: str, now: datetime) -> list[ev.RoomEvent]:
        seat = self.seat(participant_id)
        if not seat.connected:
            return []
        return self._emit(ev.ParticipantDisconnected(at=now, participant_id=participant_id))

    def leave(self, participant_id: str, now: datetime, reason: str = "left") -> list[ev.RoomEvent]:
        seat = self.seat(participant_id)
        if seat.presence in (Presence.AWAY, Presence.REMOVED, Presence.REJECTED):
            return []
        return self._emit(ev.ParticipantLeft(at=now, participant_id=participant_id, reason=reason))

    def expire_grace(
        self, participant_id: str, now: datetime, grace: timedelta
    ) -> list[ev.RoomEvent]:
        """A dropped participant who did not return within the grace period has left."""
        seat = self.seat(participant_id)
        if seat.connected or seat.disconnected_at is None or now - seat.disconnected_at < grace:
            return []
        return self.leave(participant_id, now, "connection lost and not restored in time")

    # --- running the room -------------------------------------------------------------------

    def open(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        return self._change_state(actor, RoomAction.OPEN, HearingState.OPEN, now)

    def start(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        return self._change_state(actor, RoomAction.START, HearingState.IN_SESSION, now)

    def pause(self, actor: str, now: datetime, reason: str | None = None) -> list[ev.RoomEvent]:
        return self._change_state(actor, RoomAction.PAUSE, HearingState.PAUSED, now, reason)

    def resume(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        return self._change_state(actor, RoomAction.RESUME, HearingState.IN_SESSION, now)

    def adjourn(self, actor: str, now: datetime, reason: str | None = None) -> list[ev.RoomEvent]:
        return self._change_state(actor, RoomAction.ADJOURN, HearingState.ADJOURNED, now, reason)

    def close(self, actor: str, now: datetime, reason: str | None = None) -> list[ev.RoomEvent]:
        return self._change_state(actor, RoomAction.CLOSE, HearingState.CLOSED, now, reason)

    def system_change(
        self, new: HearingState, now: datetime, reason: str | None = None
    ) -> list[ev.RoomEvent]:
        """The system (a scheduled job: open the waiting room, close a room left open) moves
        the hearing; no person acts, so only the transition table applies."""
        check_transition(self.state, new)
        return self._emit(
            *self._recording_ends(None, new, now),
            ev.HearingStateChanged(at=now, actor=None, old=self.state, new=new, reason=reason),
        )

    # --- recording --------------------------------------------------------------------------

    def start_recording(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.RECORD)
        if self.recording:
            raise NotAllowed("the hearing is already being recorded")
        return self._emit(ev.RecordingStarted(at=now, actor=actor))

    def stop_recording(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.RECORD)
        if not self.recording:
            raise NotAllowed("the hearing is not being recorded")
        return self._emit(ev.RecordingStopped(at=now, actor=actor))

    def _recording_ends(
        self, actor: str | None, new: HearingState, now: datetime
    ) -> list[ev.RoomEvent]:
        """Adjourning or closing stops the recording: said in the record, not implied."""
        if not self.recording or new in {HearingState.IN_SESSION, HearingState.PAUSED}:
            return []
        return [ev.RecordingStopped(at=now, actor=actor, reason=f"the hearing is {new.value}")]

    def admit(self, actor: str, target: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.ADMIT)
        seat = self._target(target, {Presence.WAITING}, "admit", "in the waiting room")
        if seat.role in IDENTITY_CHECKED_ROLES:
            self._require_identity_check(seat, "admitting")
        presence = Presence.OUTSIDE if seat.role is Role.WITNESS else Presence.ADMITTED
        return self._emit(
            ev.ParticipantAdmitted(
                at=now, actor=actor, participant_id=target, presence=presence.value
            )
        )

    def reject(self, actor: str, target: str, now: datetime, reason: str) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.REJECT)
        self._target(target, {Presence.WAITING}, "reject", "in the waiting room")
        return self._emit(
            ev.ParticipantRejected(at=now, actor=actor, participant_id=target, reason=reason)
        )

    def mute(
        self, actor: str, target: str, now: datetime, *, audio: bool = True, video: bool = False
    ) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.MUTE)
        self._mutable_target(target, "mute", audio, video)
        return self._emit(
            ev.ParticipantMuted(
                at=now, actor=actor, participant_id=target, audio=audio, video=video
            )
        )

    def unmute(
        self, actor: str, target: str, now: datetime, *, audio: bool = True, video: bool = False
    ) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.UNMUTE)
        self._mutable_target(target, "unmute", audio, video)
        return self._emit(
            ev.ParticipantUnmuted(
                at=now, actor=actor, participant_id=target, audio=audio, video=video
            )
        )

    def remove(self, actor: str, target: str, now: datetime, reason: str) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.REMOVE)
        seat = self.seat(target)
        if seat.role is Role.PRESIDING_JUDGE or target == actor:
            raise NotAllowed("the presiding judge cannot be removed, and nobody removes themself")
        self._target(
            target,
            {Presence.WAITING, Presence.ADMITTED, Presence.OUTSIDE, Presence.IN_CONSULTATION},
            "remove",
            "in the hearing",
        )
        return self._emit(
            ev.ParticipantRemoved(at=now, actor=actor, participant_id=target, reason=reason)
        )

    def lock(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.LOCK)
        if self.locked:
            raise NotAllowed("the room is already locked")
        return self._emit(ev.RoomLocked(at=now, actor=actor))

    def unlock(self, actor: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.UNLOCK)
        if not self.locked:
            raise NotAllowed("the room is not locked")
        return self._emit(ev.RoomUnlocked(at=now, actor=actor))

    def call_witness(self, actor: str, target: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.CALL_WITNESS)
        seat = self._target(target, {Presence.OUTSIDE}, "call in", "waiting outside")
        if seat.role is not Role.WITNESS:
            raise NotAllowed(f"{seat.name} is not a witness", field="participant_id")
        self._require_identity_check(seat, "calling in")
        return self._emit(ev.WitnessCalled(at=now, actor=actor, participant_id=target))

    def send_out(self, actor: str, target: str, now: datetime) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.SEND_OUT)
        seat = self._target(target, {Presence.ADMITTED}, "send out", "in the room")
        if seat.is_staff:
            raise NotAllowed("court staff cannot be sent out", field="participant_id")
        return self._emit(ev.ParticipantSentOut(at=now, actor=actor, participant_id=target))

    def move_to_consultation(
        self, actor: str, targets: list[str], now: datetime
    ) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.MOVE_TO_CONSULTATION)
        if not targets or len(set(targets)) != len(targets):
            raise InvalidValue("name each participant to move once", field="participant_ids")
        for target in targets:
            seat = self._target(target, {Presence.ADMITTED}, "move", "in the room")
            if seat.role not in CONSULTING_ROLES:
                raise NotAllowed(
                    f"only parties, defendants, lawyers and interpreters go to a consultation"
                    f" room, not a {seat.role.value}",
                    field="participant_ids",
                )
        name = f"c{self.consultations + 1}"
        return self._emit(
            ev.MovedToConsultation(
                at=now, actor=actor, participant_ids=tuple(targets), consultation_room=name
            )
        )

    def return_from_consultation(
        self, actor: str, targets: list[str], now: datetime
    ) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.RETURN_FROM_CONSULTATION)
        if not targets or len(set(targets)) != len(targets):
            raise InvalidValue("name each participant to bring back once", field="participant_ids")
        for target in targets:
            self._target(target, {Presence.IN_CONSULTATION}, "bring back", "in consultation")
        return self._emit(
            ev.ReturnedFromConsultation(at=now, actor=actor, participant_ids=tuple(targets))
        )

    def record_identity_check(
        self,
        actor: str,
        target: str,
        now: datetime,
        *,
        document: str,
        verified: bool,
        notes: str = "",
    ) -> list[ev.RoomEvent]:
        staff = self._authorize(actor, RoomAction.RECORD_IDENTITY_CHECK)
        seat = self.seat(target)
        if seat.is_staff:
            raise NotAllowed("court staff are identified by their own sign-in")
        if not document.strip():
            raise InvalidValue("say what was checked (e.g. CCCD number)", field="document")
        return self._emit(
            ev.IdentityChecked(
                at=now,
                actor=actor,
                participant_id=target,
                checked_by=staff.name,
                document=document.strip(),
                verified=verified,
                notes=notes,
            )
        )

    def screen_witness(
        self, actor: str, witness: str, hidden_from: list[str], now: datetime
    ) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.SCREEN_WITNESS)
        seat = self.seat(witness)
        if seat.role is not Role.WITNESS:
            raise NotAllowed(f"{seat.name} is not a witness", field="participant_id")
        for pid in hidden_from:
            other = self.seat(pid)
            if other.is_staff or pid == witness:
                raise NotAllowed(
                    f"a witness cannot be screened from {other.name} (court staff or themself)",
                    field="hidden_from",
                )
        return self._emit(
            ev.WitnessScreened(
                at=now, actor=actor, participant_id=witness, hidden_from=tuple(hidden_from)
            )
        )

    def link_interpreter(
        self, actor: str, interpreter: str, participant: str, now: datetime
    ) -> list[ev.RoomEvent]:
        self._authorize(actor, RoomAction.LINK_INTERPRETER)
        if self.seat(interpreter).role is not Role.INTERPRETER:
            raise NotAllowed("that participant is not an interpreter", field="interpreter_id")
        if self.seat(participant).role is Role.INTERPRETER:
            raise NotAllowed("an interpreter interprets for a participant, not another one")
        return self._emit(
            ev.InterpreterLinked(
                at=now, actor=actor, interpreter_id=interpreter, participant_id=participant
            )
        )

    # --- the one place the room changes --------------------------------------------------

    def apply(self, event: ev.RoomEvent) -> None:
        match event:
            case ev.HearingStateChanged(new=new):
                self.state = new
            case ev.ParticipantJoined(participant_id=pid, presence=presence):
                seat = self.seats[pid]
                seat.presence, seat.connected, seat.disconnected_at = Presence(presence), True, None
            case ev.ParticipantReconnected(participant_id=pid):
                self.seats[pid].connected, self.seats[pid].disconnected_at = True, None
            case ev.ParticipantDisconnected(participant_id=pid, at=at):
                self.seats[pid].connected, self.seats[pid].disconnected_at = False, at
            case ev.ParticipantLeft(participant_id=pid):
                seat = self.seats[pid]
                seat.presence, seat.connected, seat.disconnected_at = Presence.AWAY, False, None
                seat.consultation_room = None
            case ev.ParticipantAdmitted(participant_id=pid, presence=presence):
                self.seats[pid].presence = Presence(presence)
            case ev.ParticipantRejected(participant_id=pid):
                self.seats[pid].presence = Presence.REJECTED
            case ev.ParticipantRemoved(participant_id=pid):
                self.seats[pid].presence = Presence.REMOVED
                self.seats[pid].consultation_room = None
            case ev.ParticipantMuted(participant_id=pid, audio=a, video=v):
                seat = self.seats[pid]
                seat.audio_muted, seat.video_muted = seat.audio_muted or a, seat.video_muted or v
            case ev.ParticipantUnmuted(participant_id=pid, audio=a, video=v):
                seat = self.seats[pid]
                seat.audio_muted = seat.audio_muted and not a
                seat.video_muted = seat.video_muted and not v
            case ev.RoomLocked():
                self.locked = True
            case ev.RoomUnlocked():
                self.locked = False
            case ev.WitnessCalled(participant_id=pid):
                self.seats[pid].presence = Presence.ADMITTED
            case ev.ParticipantSentOut(participant_id=pid):
                self.seats[pid].presence = Presence.OUTSIDE
            case ev.MovedToConsultation(participant_ids=pids, consultation_room=name):
                self.consultations += 1
                for pid in pids:
                    self.seats[pid].presence = Presence.IN_CONSULTATION
                    self.seats[pid].consultation_room = name
            case ev.ReturnedFromConsultation(participant_ids=pids):
                for pid in pids:
                    self.seats[pid].presence = Presence.ADMITTED
                    self.seats[pid].consultation_room = None
            case ev.IdentityChecked(participant_id=pid, at=at) as e:
                self.seats[pid].identity_check = IdentityCheck(
                    document=e.document,
                    checked_by=e.checked_by,
                    at=at,
                    verified=e.verified,
                    notes=e.notes,
                )
            case ev.WitnessScreened(participant_id=pid, hidden_from=hidden):
                self.seats[pid].hidden_from = list(hidden)
            case ev.InterpreterLinked(interpreter_id=iid, participant_id=pid):
                self.seats[iid].interprets_for = pid
            case ev.RecordingStarted():
                self.recording = True
            case ev.RecordingStopped():
                self.recording = False
            case ev.JoinRefused() | ev.CommandRefused() | ev.RecordingSaved():
                return  # recorded, but the room does not change
        self.version += 1

    # --- helpers ----------------------------------------------------------------------------

    def _emit(self, *events: ev.RoomEvent) -> list[ev.RoomEvent]:
        for event in events:
            self.apply(event)
        return list(events)

    def _authorize(self, actor: str, action: RoomAction) -> Seat:
        seat = self.seat(actor)
        if not may(seat.role, self.state, action):
            raise NotAllowed(refusal(seat.role, self.state, action))
        if seat.presence is not Presence.ADMITTED or not seat.connected:
            raise NotAllowed("you must be in the room to do that")
        return seat

    def _target(self, target: str, allowed: set[Presence], verb: str, where: str) -> Seat:
        seat = self.seat(target)
        if seat.presence not in allowed:
            raise NotAllowed(
                f"cannot {verb} {seat.name}: they are {seat.presence.value}, not {where}",
                field="participant_id",
            )
        return seat

    def _mutable_target(self, target: str, verb: str, audio: bool, video: bool) -> Seat:
        if not (audio or video):
            raise InvalidValue(f"say what to {verb}: audio, video or both", field="audio")
        seat = self.seat(target)
        if seat.role is Role.PRESIDING_JUDGE:
            raise NotAllowed("the presiding judge's microphone and camera are their own")
        return self._target(
            target,
            {Presence.ADMITTED, Presence.OUTSIDE, Presence.IN_CONSULTATION, Presence.WAITING},
            verb,
            "in the hearing",
        )

    def _require_identity_check(self, seat: Seat, doing: str) -> None:
        check = seat.identity_check
        if check is None:
            raise NotAllowed(
                f"record an identity check for {seat.name} before {doing} them",
                field="participant_id",
            )
        if not check.verified:
            raise NotAllowed(
                f"{seat.name}'s identity check failed ({check.document}); record a new check",
                field="participant_id",
            )

    def _change_state(
        self,
        actor: str,
        action: RoomAction,
        new: HearingState,
        now: datetime,
        reason: str | None = None,
    ) -> list[ev.RoomEvent]:
        seat = self.seat(actor)
        if not may(seat.role, self.state, action):
            raise NotAllowed(refusal(seat.role, self.state, action))
        if not seat.connected:
            raise NotAllowed("you must be connected to run the room")
        check_transition(self.state, new)
        return self._emit(
            *self._recording_ends(actor, new, now),
            ev.HearingStateChanged(at=now, actor=actor, old=self.state, new=new, reason=reason),
        )

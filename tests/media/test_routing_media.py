"""The room's rules on real media: frames arrive where routing says, and nowhere else."""

from __future__ import annotations

from conference.domain.media_routing import OUTSIDE, MediaFacts, MediaKind, consultation_zone
from conference.media.server import MediaServer
from tests.media.peers import Peer, Signalling

A, V = MediaKind.AUDIO, MediaKind.VIDEO


async def test_muted_outside_observer_screened_and_consultation_rules(
    media_server: MediaServer,
) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge", luma=40))
    lawyer = sig.add(Peer(media_server, "h", "lawyer", luma=90))
    accused = sig.add(Peer(media_server, "h", "accused", luma=140))
    witness = sig.add(Peer(media_server, "h", "witness", luma=190))
    observer = sig.add(Peer(media_server, "h", "observer", send_audio=False, send_video=False))
    room = [
        MediaFacts("judge", True, True),
        MediaFacts("lawyer", False, True),  # muted
        MediaFacts("accused", True, True),
        MediaFacts("witness", True, True, zone=OUTSIDE),  # not yet called
        MediaFacts("observer", False, False),
    ]
    await media_server.apply_routing("h", room)
    for peer in (judge, lawyer, accused, witness, observer):
        await peer.join()

    # The room works: the observer sees and hears the judge, everyone sees the muted lawyer.
    await observer.wait_for("judge", A, 10)
    await observer.wait_for("judge", V, 10)
    await accused.wait_for("lawyer", V, 10)
    await judge.wait_for("accused", A, 25)
    # ...and while it did: the muted lawyer was heard by no one, the witness outside reached no
    # one and got nothing, the observer sent nothing.
    for peer in (judge, accused, observer):
        assert peer.got("lawyer", A) == 0
        assert peer.got("witness", A) == peer.got("witness", V) == 0
        assert peer.got("observer", A) == peer.got("observer", V) == 0
    assert sum(witness.frames.values()) == 0

    # The witness is called in, screened from the accused: heard by all, seen by the judge only.
    room[3] = MediaFacts("witness", True, True, screened_from=frozenset({"accused"}))
    await media_server.apply_routing("h", room)
    await judge.wait_for("witness", V, 10)
    await accused.wait_for("witness", A, 25)
    await witness.wait_for("accused", V, 5)  # the screen is one way
    assert accused.got("witness", V) == 0
    assert abs(judge.lumas["witness"] - 190) < 15

    # Lawyer and accused step into a consultation room: they still have each other, the
    # courtroom gets nothing from them.
    room[1] = MediaFacts("lawyer", True, True, zone=consultation_zone("1"))
    room[2] = MediaFacts("accused", True, True, zone=consultation_zone("1"))
    await media_server.apply_routing("h", room)
    await accused.wait_for("lawyer", A, 10)  # unmuted inside the room
    await lawyer.wait_for("accused", V, 5)
    before = {p: (judge.got(p, A), judge.got(p, V)) for p in ("lawyer", "accused")}
    heard_by_lawyer = lawyer.got("judge", A)
    await judge.wait_for("witness", A, 25)
    await judge.wait_for("witness", V, 10)
    assert {p: (judge.got(p, A), judge.got(p, V)) for p in ("lawyer", "accused")} == before
    assert lawyer.got("judge", A) == heard_by_lawyer

    for peer in sig.peers.values():
        await peer.leave()


async def test_a_third_participant_joins_without_interrupting_the_first_two(
    media_server: MediaServer,
) -> None:
    sig = Signalling(media_server)
    ids = ("judge", "clerk", "lawyer")
    first = sig.add(Peer(media_server, "h", "judge", luma=40))
    second = sig.add(Peer(media_server, "h", "clerk", luma=140))
    await media_server.apply_routing("h", [MediaFacts(i, True, True) for i in ids])
    await first.join()
    await second.join()
    await first.wait_for("clerk", V, 5)
    await second.wait_for("judge", A, 5)
    offers = sig.offers

    third = sig.add(Peer(media_server, "h", "lawyer", luma=220))
    await third.join()
    await third.wait_for("judge", V, 5)
    await third.wait_for("clerk", V, 5)
    await first.wait_for("lawyer", V, 5)
    await second.wait_for("lawyer", A, 5)
    assert sig.offers >= offers + 4  # the two old participants renegotiated both connections
    # the first two never stopped
    await first.wait_for("clerk", V, 10)
    await second.wait_for("judge", V, 10)
    await first.wait_for("clerk", A, 10)
    assert abs(third.lumas["clerk"] - 140) < 15

    # the lawyer leaves: the other two carry on
    await media_server.close("lawyer")
    await third.leave()
    await first.wait_for("clerk", V, 10)
    await second.wait_for("judge", A, 10)
    for peer in (first, second):
        await peer.leave()


async def test_several_audio_and_video_tracks_each_all_arrive(media_server: MediaServer) -> None:
    """aiortc #868: one connection with several audio AND video tracks loses media. With one
    connection per kind, four people each receive three audio and three video tracks."""
    sig = Signalling(media_server)
    ids = ["p1", "p2", "p3", "p4"]
    peers = [sig.add(Peer(media_server, "h", i, luma=40 + 50 * n)) for n, i in enumerate(ids)]
    await media_server.apply_routing("h", [MediaFacts(i, True, True) for i in ids])
    for peer in peers:
        await peer.join()
    for peer in peers:
        for other in ids:
            if other != peer.id:
                await peer.wait_for(other, V, 5)
                await peer.wait_for(other, A, 5)
                assert abs(peer.lumas[other] - (40 + 50 * ids.index(other))) < 15
    for peer in peers:
        await peer.leave()

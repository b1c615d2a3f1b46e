// Media through the court's media server (docs/media.md): two RTCPeerConnections, one per kind,
// each carrying this person's own track up and one track per other person down. The server
// sends a media.offer when someone arrives; we answer it. Whose track is whose: the server
// names each forwarded stream after its sender's participant id.
//
//   const media = new HearingMedia(client, { iceServers, onTrack, onState });
//   await media.start(stream);          // stream may be null: receive only
//   await media.framesDecoded();        // { video: n, audio: n } from getStats

const KINDS = ["audio", "video"];
const GATHER_MS = 3000; // send the offer with what we have after this; later candidates trickle
const RETRIES = 5;

export class HearingMedia {
  constructor(client, { iceServers = [], onTrack = () => {}, onState = () => {} } = {}) {
    this.client = client;
    this.iceServers = iceServers;
    this.onTrack = onTrack;
    this.onState = onState;
    this.pcs = new Map();
    this.failures = new Map();
    this.stream = null;
    client.on("media.offer", (m) => this.answerServer(m).catch((e) => console.warn("media.offer", e)));
  }

  async start(stream) {
    this.stream = stream;
    await Promise.all(KINDS.map((kind) => this.connect(kind)));
  }

  // A new connection for one kind (also after a failure, or after the page's WebSocket came
  // back: the server replaces the old one).
  async connect(kind) {
    const old = this.pcs.get(kind);
    if (old) old.close();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: "max-bundle" });
    this.pcs.set(kind, pc);
    const track = this.stream && this.stream.getTracks().find((t) => t.kind === kind);
    if (track) pc.addTransceiver(track, { direction: "sendonly", streams: [this.stream] });
    else pc.addTransceiver(kind, { direction: "recvonly" });
    pc.ontrack = (event) => {
      const owner = event.streams[0] ? event.streams[0].id : event.track.id;
      this.onTrack(owner, kind, event.track);
    };
    pc.onconnectionstatechange = () => {
      if (this.pcs.get(kind) !== pc) return;
      this.onState(kind, pc.connectionState);
      if (pc.connectionState === "failed") this.recover(kind);
      if (pc.connectionState === "connected") this.failures.set(kind, 0);
    };
    let offered = false;
    pc.onicecandidate = (event) => {
      if (!offered || this.pcs.get(kind) !== pc) return;
      const c = event.candidate;
      this.client.send("media.candidate", {
        kind,
        candidate: c ? { candidate: c.candidate, sdp_mid: c.sdpMid, sdp_mline_index: c.sdpMLineIndex } : { candidate: "" },
      });
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, GATHER_MS);
    offered = true;
    const answer = await this.client.request("media.offer", { kind, sdp: pc.localDescription.sdp });
    if (this.pcs.get(kind) === pc) await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  }

  async recover(kind) {
    const n = (this.failures.get(kind) || 0) + 1;
    this.failures.set(kind, n);
    if (n > RETRIES) return;
    await new Promise((r) => setTimeout(r, 500 * 2 ** n));
    if (this.pcs.get(kind)?.connectionState === "failed") await this.connect(kind).catch(() => {});
  }

  async answerServer({ kind, sdp }) {
    const pc = this.pcs.get(kind);
    if (!pc) return;
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await this.client.request("media.answer", { kind, sdp: pc.localDescription.sdp });
  }

  // Rejoin after the signalling connection came back: fresh connections for both kinds.
  async restart() {
    await Promise.all(KINDS.map((kind) => this.connect(kind).catch(() => {})));
  }

  setMicrophone(on) {
    for (const t of this.stream ? this.stream.getAudioTracks() : []) t.enabled = on;
  }

  async framesDecoded() {
    const out = { audio: 0, video: 0, videoTracks: 0, width: 0 };
    for (const pc of this.pcs.values()) {
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type !== "inbound-rtp") return;
        if (s.kind === "video") {
          out.video += s.framesDecoded || 0;
          if (s.framesDecoded) out.videoTracks += 1;
          out.width = Math.max(out.width, s.frameWidth || 0);
        } else {
          out.audio += s.packetsReceived || 0;
        }
      });
    }
    return out;
  }

  close() {
    for (const pc of this.pcs.values()) pc.close();
    this.pcs.clear();
  }
}

function gathered(pc, ms) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== "complete") return;
      pc.removeEventListener("icegatheringstatechange", done);
      resolve();
    };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, ms);
  });
}

// A labelled video tile for one person; audio plays through a hidden <audio> element.
export class Tiles {
  constructor(container, { label = (pid) => pid } = {}) {
    this.container = container;
    this.label = label;
    this.tiles = new Map();
  }

  tile(pid) {
    let tile = this.tiles.get(pid);
    if (!tile) {
      const figure = document.createElement("figure");
      figure.className = "tile";
      figure.dataset.participant = pid;
      const video = document.createElement("video");
      video.autoplay = true;
      video.playsInline = true;
      video.muted = true; // sound comes from the audio element; autoplay needs a muted video
      const audio = document.createElement("audio");
      audio.autoplay = true;
      const caption = document.createElement("figcaption");
      figure.append(video, audio, caption);
      this.container.append(figure);
      tile = { figure, video, audio, caption };
      this.tiles.set(pid, tile);
    }
    tile.caption.textContent = this.label(pid);
    return tile;
  }

  add(pid, kind, track) {
    const tile = this.tile(pid);
    const element = kind === "video" ? tile.video : tile.audio;
    element.srcObject = new MediaStream([track]);
    element.play().catch(() => {});
  }

  // Show only the people who are in the same room as me now (the roster says so).
  keep(visible) {
    for (const [pid, tile] of this.tiles) {
      tile.figure.hidden = !visible.has(pid);
      tile.caption.textContent = this.label(pid);
    }
  }
}

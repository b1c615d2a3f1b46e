// Media with the embedded server (docs/media.md): two RTCPeerConnections, one per kind, each
// sending the person's own track and receiving one track per other participant. The server's
// forwarded streams are named (msid) by the publisher's participant id. Offers and answers
// travel over the signalling client as media.offer / media.answer with their `kind`.

const KINDS = ["audio", "video"];

function gathered(pc) {
  // The server does not trickle; send complete SDP once gathering is done.
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState === "complete") {
        pc.removeEventListener("icegatheringstatechange", done);
        resolve();
      }
    };
    pc.addEventListener("icegatheringstatechange", done);
  });
}

export class MediaSession extends EventTarget {
  constructor(client, stream, { iceServers = [] } = {}) {
    super();
    this.client = client;
    this.stream = stream;
    this.iceServers = iceServers;
    this.connections = {};
    this.onServerOffer = (event) => this.answerServer(event.detail);
    client.addEventListener("media.offer", this.onServerOffer);
  }

  async start() {
    await Promise.all(KINDS.map((kind) => this.connect(kind)));
  }

  async connect(kind) {
    const old = this.connections[kind];
    if (old) old.close();
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.connections[kind] = pc;
    const own = this.stream && this.stream.getTracks().find((t) => t.kind === kind);
    if (own) pc.addTransceiver(own, { direction: "sendrecv", streams: [this.stream] });
    else pc.addTransceiver(kind, { direction: "recvonly" });
    pc.addEventListener("track", (event) => {
      const publisher = event.streams[0] ? event.streams[0].id : "";
      this.dispatchEvent(new CustomEvent("track", { detail: { kind, publisher, track: event.track } }));
    });
    pc.addEventListener("connectionstatechange", () => {
      this.dispatchEvent(new CustomEvent("state", { detail: { kind, state: pc.connectionState } }));
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const answer = await this.client.request({ type: "media.offer", kind, sdp: pc.localDescription.sdp });
    const sdp = answer.sdp || (answer.answer && answer.answer.sdp);
    if (sdp) await pc.setRemoteDescription({ type: "answer", sdp });
  }

  // The signalling client resolves media.offer requests with the server's media.answer.
  async answerServer(message) {
    const pc = this.connections[message.kind];
    if (!pc) return;
    await pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    this.client.send({ type: "media.answer", kind: message.kind, sdp: pc.localDescription.sdp });
  }

  async framesDecoded() {
    const pc = this.connections.video;
    if (!pc) return 0;
    let frames = 0;
    (await pc.getStats()).forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded || 0;
    });
    return frames;
  }

  close() {
    this.client.removeEventListener("media.offer", this.onServerOffer);
    for (const pc of Object.values(this.connections)) pc.close();
    this.connections = {};
  }
}

// A <figure> with a <video> (or an <audio>) per publisher, captioned with their name.
export function attachTrack(container, { kind, publisher, track }, nameOf) {
  const id = `media-${publisher || "unknown"}`;
  let figure = document.getElementById(id);
  if (!figure) {
    figure = document.createElement("figure");
    figure.id = id;
    figure.dataset.participant = publisher;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    const caption = document.createElement("figcaption");
    caption.textContent = nameOf(publisher);
    video.setAttribute("aria-label", caption.textContent);
    figure.append(video, caption);
    container.append(figure);
  }
  const video = figure.querySelector("video");
  const stream = video.srcObject || new MediaStream();
  stream.addTrack(track);
  video.srcObject = stream;
  if (kind === "audio") video.muted = false;
  track.addEventListener("ended", () => {
    stream.removeTrack(track);
    if (!stream.getTracks().length) figure.remove();
  });
}

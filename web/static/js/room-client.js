// A small client for the signalling protocol (docs/signaling.md) over /ws: join, requests
// answered by ack/error, room messages to listeners, heartbeat, and rejoining after a drop.

export class RoomClient extends EventTarget {
  constructor(join) {
    super();
    this.join = join; // {token, pin} for a party, {hearing_id} for signed-in staff
    this.nextId = 1;
    this.pending = new Map();
    this.ws = null;
    this.ended = false;
    this.retry = 0;
    this.heartbeat = null;
    this.me = null;
  }

  get url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}/ws`;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  connect() {
    this.ended = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.emit("connection", { state: "connecting" });
    ws.addEventListener("open", () => {
      this.request({ type: "join", ...this.join }).catch((error) => {
        this.ended = true; // a refused join does not retry by itself
        this.emit("refused", error);
        ws.close();
      });
    });
    ws.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
    ws.addEventListener("close", () => {
      clearInterval(this.heartbeat);
      for (const { reject } of this.pending.values()) reject(new Error("connection closed"));
      this.pending.clear();
      if (this.ended) {
        this.emit("connection", { state: "ended" });
        return;
      }
      this.emit("connection", { state: "reconnecting" });
      const delay = Math.min(10000, 500 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    });
  }

  receive(message) {
    const waiting = message.re && this.pending.get(message.re);
    if (message.type === "welcome") {
      this.retry = 0;
      this.me = message;
      this.emit("connection", { state: "connected" });
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(
        () => this.send({ type: "ping" }),
        Math.max(5, message.heartbeat_seconds / 2) * 1000,
      );
      const request = this.pending.get(message.id);
      if (request) {
        this.pending.delete(message.id);
        request.resolve(message);
      }
    } else if (message.type === "ack" && waiting) {
      this.pending.delete(message.re);
      waiting.resolve(message);
    } else if (message.type === "error" && waiting) {
      this.pending.delete(message.re);
      const error = new Error(message.message);
      error.code = message.code;
      waiting.reject(error);
    } else if (message.type === "bye") {
      this.ended = true;
    }
    this.emit(message.type, message);
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ v: 1, ...message }));
      return true;
    }
    return false;
  }

  request(message) {
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.send({ ...message, id })) {
        this.pending.delete(id);
        reject(new Error("not connected"));
      }
    });
  }

  leave() {
    this.ended = true;
    this.send({ type: "leave" });
    if (this.ws) this.ws.close();
  }
}

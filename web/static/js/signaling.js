// vcourt signalling client for the pages: the same protocol as signaling/client.py
// (docs/signaling.md). Usage:
//
//   import { SignalingClient } from "/static/js/signaling.js";
//   const c = new SignalingClient("/ws");
//   c.on("room", ({ hearing, roster }) => render(hearing, roster));
//   c.on("bye", ({ reason, message }) => show(message));
//   const welcome = await c.join({ token, pin });        // staff: { hearing_id } (cookie session)
//   await c.request("admit", { participant_id });         // rejects with an Error carrying .code
//   c.send("signal.offer", { to, sdp, complete: false });

export class SignalingError extends Error {
  constructor(error) {
    super(error.message);
    this.code = error.code;
    this.field = error.field;
    this.re = error.re;
  }
}

export class SignalingClient {
  constructor(path = "/ws") {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = path.startsWith("ws") ? path : `${scheme}//${location.host}${path}`;
    this.roster = new Map();
    this.hearing = null;
    this.participantId = null;
    this.handlers = new Map();
    this.pending = new Map();
    this.nextId = 1;
    this.joinFields = null;
    this.closedByServer = false;
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(handler);
    return this;
  }

  emit(type, payload) {
    for (const handler of this.handlers.get(type) || []) handler(payload);
  }

  open() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(this.url);
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("cannot reach the signalling server"));
      this.ws.onmessage = (e) => this.receive(JSON.parse(e.data));
      this.ws.onclose = () => this.closed();
    });
  }

  async join(fields) {
    this.joinFields = fields;
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) await this.open();
    const welcome = await this.request("join", fields);
    this.heartbeat = setInterval(() => this.send("ping"), (welcome.heartbeat_seconds || 15) * 1000);
    return welcome;
  }

  send(type, fields = {}) {
    const id = `j${this.nextId++}`;
    this.ws.send(JSON.stringify({ v: 1, type, id, ...fields }));
    return id;
  }

  request(type, fields = {}, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const id = this.send(type, fields);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${type}`));
      }, timeoutMs);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        if (message.type === "error") reject(new SignalingError(message));
        else resolve(message);
      });
    });
  }

  receive(message) {
    if (message.type === "batch") {
      for (const inner of message.messages) this.receive(inner);
      return;
    }
    switch (message.type) {
      case "welcome":
        this.participantId = message.participant_id;
        this.replace(message.hearing, message.roster);
        break;
      case "room.snapshot":
        this.replace(message.hearing, message.roster);
        break;
      case "room.event":
        if (!this.hearing || message.hearing.version >= this.hearing.version) {
          this.hearing = message.hearing;
        }
        for (const entry of message.entries) this.roster.set(entry.participant_id, entry);
        for (const pid of message.hidden) this.roster.delete(pid);
        this.emit("event", message.event);
        this.emit("room", { hearing: this.hearing, roster: [...this.roster.values()] });
        break;
      case "bye":
        this.closedByServer = true;
        break;
    }
    const ref = message.re || (["welcome", "room.snapshot", "media.answer"].includes(message.type) ? message.id : null);
    const answer = ref && this.pending.get(ref);
    if (answer) {
      this.pending.delete(ref);
      answer(message);
    }
    this.emit(message.type, message);
  }

  replace(hearing, roster) {
    this.hearing = hearing;
    this.roster = new Map(roster.map((e) => [e.participant_id, e]));
    this.emit("room", { hearing, roster });
  }

  // A dropped connection comes back with the same link within the grace period and returns
  // to where it was (admitted stays admitted).
  async closed() {
    clearInterval(this.heartbeat);
    for (const answer of this.pending.values()) answer({ type: "error", code: "closed", message: "connection closed" });
    this.pending.clear();
    this.emit("disconnected", {});
    if (this.closedByServer || !this.joinFields) return;
    for (let attempt = 0; attempt < 10; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 8000)));
      try {
        await this.open();
        await this.join(this.joinFields);
        this.emit("reconnected", {});
        return;
      } catch (e) {
        if (e instanceof SignalingError) return; // refused: the message says why
      }
    }
  }

  leave() {
    this.closedByServer = true;
    return this.request("leave");
  }
}

// The judge's console: waiting room, people in the hearing, commands, and the live event log.
import { HearingMedia, Tiles } from "./media.js";
import { SignalingClient } from "./signaling.js";

const root = document.getElementById("console");
const t = JSON.parse(document.getElementById("console-strings").textContent);
const lists = {
  waiting: document.getElementById("waiting-list"),
  present: document.getElementById("present-list"),
  outside: document.getElementById("outside-list"),
};
const errorBox = document.getElementById("command-error");
const log = document.getElementById("event-log");
const roster = new Map();
const quality = new Map(); // participant id → the server's latest media.quality for them
let client = null;
let media = null;
const tiles = new Tiles(document.getElementById("videos"), {
  label: (pid) => (roster.get(pid) || {}).name || "",
});

function button(label, onClick, className = "button small") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

async function command(message, confirmText) {
  if (confirmText && !window.confirm(confirmText)) return;
  errorBox.hidden = true;
  try {
    const { type, ...fields } = message;
    await client.request(type, fields);
  } catch (error) {
    errorBox.textContent = `${t.refused} ${error.message}`;
    errorBox.hidden = false;
  }
}

// Parties, defendants and witnesses have their identity checked before they are admitted.
const NEEDS_CHECK = new Set(["party", "defendant", "witness"]);

function identityCheck(id) {
  const form = document.createElement("form");
  form.className = "identity-check";
  const input = document.createElement("input");
  input.type = "text";
  input.required = true;
  input.id = `doc-${id}`;
  const label = document.createElement("label");
  label.htmlFor = input.id;
  label.textContent = t.id_document;
  const confirm = document.createElement("button");
  confirm.type = "submit";
  confirm.className = "button small";
  confirm.textContent = t.confirm_identity;
  form.append(label, input, confirm);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    command({ type: "identity_check", participant_id: id, document: input.value.trim(), verified: true });
  });
  return form;
}

function person(entry) {
  const li = document.createElement("li");
  li.dataset.participant = entry.participant_id;
  const who = document.createElement("span");
  who.className = "who";
  const name = document.createElement("strong");
  name.textContent = entry.name;
  const details = [t[`role_${entry.role}`] || entry.role, t[entry.connection] || entry.connection];
  if (entry.audio_muted) details.push(t.muted);
  if (entry.identity_checked) details.push(t.checked);
  who.append(name, ` · ${details.join(" · ")}`);
  const q = quality.get(entry.participant_id);
  if (q && entry.connection === "connected") who.append(" ", qualityBadge(q));
  const actions = document.createElement("span");
  actions.className = "actions";
  const id = entry.participant_id;
  const self = client.participantId === id;
  if (entry.presence === "waiting" && !entry.identity_checked && NEEDS_CHECK.has(entry.role)) {
    actions.append(identityCheck(id));
  }
  if (entry.presence === "waiting") {
    actions.append(
      button(t.admit, () => command({ type: "admit", participant_id: id }), "button small primary"),
      button(t.reject, () => command({ type: "reject", participant_id: id }), "button small danger"),
    );
  } else if (entry.presence === "admitted" && !self) {
    actions.append(
      entry.audio_muted
        ? button(t.unmute, () => command({ type: "unmute", participant_id: id, audio: true }))
        : button(t.mute, () => command({ type: "mute", participant_id: id, audio: true })),
      button(t.consult, () => command({ type: "move_to_consultation", participant_ids: [id] })),
    );
    if (entry.role === "witness") {
      actions.append(button(t.send_out, () => command({ type: "send_out", participant_id: id })));
    }
    actions.append(
      button(t.remove, () => command({ type: "remove", participant_id: id }, t.confirm_remove), "button small danger"),
    );
  } else if (entry.presence === "outside") {
    actions.append(button(t.call_in, () => command({ type: "call_witness", participant_id: id })));
  } else if (entry.presence === "in_consultation") {
    actions.append(button(t.return, () => command({ type: "return_from_consultation", participant_ids: [id] })));
  }
  li.append(who, actions);
  return li;
}

// Connection quality as the server measures it: a word, with the numbers for IT staff.
function qualityBadge(q) {
  const badge = document.createElement("span");
  let level = "good";
  if (q.state === "failed") level = "failed";
  else if (q.state !== "connected") level = "connecting";
  else if (q.fraction_lost > 0.05 || (q.round_trip_ms || 0) > 400 || !q.receiving) level = "poor";
  badge.className = `badge quality ${level}`;
  badge.dataset.quality = level;
  badge.textContent = t[`quality_${level}`] || level;
  const rtt = q.round_trip_ms == null ? "–" : `${q.round_trip_ms} ms`;
  badge.title = `${t.quality_details} ${(q.fraction_lost * 100).toFixed(1)} % · RTT ${rtt} · ↑${q.bitrate_in_kbps} ↓${q.bitrate_out_kbps} kbit/s`;
  return badge;
}

// The lists are redrawn on every roster or quality change (every few seconds): keep what
// staff are typing in an identity field, and the keyboard focus, across the redraw.
function keepTyping() {
  const keyOf = (el) => {
    const li = el && el.closest && el.closest("li[data-participant]");
    return li ? `${li.dataset.participant}|${el.tagName}|${el.tagName === "INPUT" ? "" : el.textContent}` : null;
  };
  const typed = new Map();
  for (const input of document.querySelectorAll("li[data-participant] input")) {
    if (input.value) typed.set(keyOf(input), input.value);
  }
  const active = document.activeElement;
  const focused = keyOf(active);
  const caret = active && active.tagName === "INPUT" ? active.selectionStart : null;
  return {
    restore() {
      for (const el of document.querySelectorAll("li[data-participant] input, li[data-participant] button")) {
        const key = keyOf(el);
        if (typed.has(key)) el.value = typed.get(key);
        if (key === focused) {
          el.focus();
          if (caret !== null) el.setSelectionRange(caret, caret);
        }
      }
    },
  };
}

function draw() {
  const groups = { waiting: [], present: [], outside: [] };
  for (const entry of roster.values()) {
    if (entry.presence === "waiting") groups.waiting.push(entry);
    else if (entry.presence === "admitted") groups.present.push(entry);
    else if (entry.presence === "outside" || entry.presence === "in_consultation") groups.outside.push(entry);
  }
  const kept = keepTyping();
  for (const [name, list] of Object.entries(lists)) {
    list.replaceChildren(...groups[name].map(person));
  }
  kept.restore();
  if (!groups.waiting.length) lists.waiting.append(Object.assign(document.createElement("li"), { textContent: t.nobody_waiting }));
  if (!groups.present.length) lists.present.append(Object.assign(document.createElement("li"), { textContent: t.nobody_in }));
  document.getElementById("waiting-count").textContent = String(groups.waiting.length);
  const me = roster.get(client.participantId);
  const here = (e) => e.connection === "connected" && (
    me && me.presence === "in_consultation"
      ? e.consultation_room === me.consultation_room
      : e.presence === "admitted");
  tiles.keep(new Set([...roster.values()].filter(here).map((e) => e.participant_id)));
}

function showHearing(hearing) {
  document.getElementById("room-state").textContent = t[`state_${hearing.state}`] || hearing.state;
  root.dataset.state = hearing.state;
  document.getElementById("lock-indicator").hidden = !hearing.locked;
  document.getElementById("recording-indicator").hidden = !hearing.recording;
  root.dataset.recording = hearing.recording ? "on" : "off";
  enableCommands(hearing);
}

function addLog(text, at) {
  const li = document.createElement("li");
  const time = new Date(at || Date.now()).toLocaleTimeString(document.documentElement.lang, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Asia/Ho_Chi_Minh",
  });
  li.textContent = `${time} ${text}`;
  log.prepend(li);
}

// The protocol's default reasons, in the reader's language; a reason staff typed stays as is.
const DEFAULT_REASONS = {
  "removed by the court": "reason_removed",
  "not admitted by the court": "reason_rejected",
};

function describe(event) {
  const ids = event.participant_ids || (event.participant_id ? [event.participant_id] : []);
  const who = ids.map((id) => roster.get(id)?.name).filter(Boolean).join(", ");
  const what = t[`ev_${event.type}`] || event.type.replaceAll("_", " ");
  const to = event.new ? t[`state_${event.new}`] || event.new : "";
  const reason = event.reason ? t[DEFAULT_REASONS[event.reason]] || event.reason : "";
  return [who, what, to, reason].filter(Boolean).join(" · ");
}

// Which hearing commands make sense in which state (the server decides; this only avoids
// offering a button that would be refused).
const ALLOWED = {
  open: ["scheduled", "adjourned"],
  start: ["open"],
  pause: ["in_session"],
  resume: ["paused"],
  lock: ["open", "in_session", "paused"],
  unlock: ["open", "in_session", "paused"],
  close: ["open", "in_session", "paused", "adjourned"],
  start_recording: ["in_session", "paused"],
  stop_recording: ["in_session", "paused"],
};

function enableCommands(hearing) {
  for (const b of document.querySelectorAll("[data-command]")) {
    const type = b.dataset.command;
    let ok = (ALLOWED[type] || []).includes(hearing.state);
    if (type === "lock") ok = ok && !hearing.locked;
    if (type === "unlock") ok = ok && hearing.locked;
    if (type === "start_recording") ok = ok && !hearing.recording;
    if (type === "stop_recording") ok = ok && hearing.recording;
    b.disabled = !ok;
  }
}

function connection(state) {
  document.getElementById("connection").textContent = t[`conn_${state}`] || state;
  root.dataset.connection = state;
}

async function start() {
  // ?hearing= lets the proxy send everyone in this hearing to the node with its media
  client = new SignalingClient(`/ws?hearing=${encodeURIComponent(root.dataset.hearing)}`);
  client.on("room", ({ hearing, roster: entries }) => {
    roster.clear();
    for (const entry of entries) roster.set(entry.participant_id, entry);
    showHearing(hearing);
    draw();
  });
  client.on("event", (event) => addLog(describe(event), event.at));
  client.on("disconnected", () => {
    if (!client.closedByServer) connection("reconnecting");
  });
  client.on("reconnected", () => {
    connection("connected");
    if (media) media.restart();
  });
  client.on("media.quality", (q) => {
    quality.set(q.participant_id, q);
    draw();
  });
  client.on("bye", (bye) => {
    addLog(bye.message);
    connection("ended");
  });
  for (const b of document.querySelectorAll("[data-command]")) {
    const type = b.dataset.command;
    b.addEventListener("click", () => command({ type }, type === "close" ? t.confirm_close : null));
  }
  connection("connecting");
  try {
    const welcome = await client.join({ hearing_id: root.dataset.hearing });
    connection("connected");
    if (welcome.media) await startMedia(welcome);
  } catch (error) {
    // A refused join is final for this client: no automatic retry with the same (wrong) PIN.
    client.closedByServer = true;
    if (client.ws) client.ws.close();
    connection("ended");
    errorBox.textContent = `${t.refused} ${error.message}`;
    errorBox.hidden = false;
  }
}

async function startMedia(welcome) {
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (error) {
    addLog(`${t.no_devices} (${error.name})`);
  }
  media = new HearingMedia(client, {
    iceServers: welcome.ice_servers,
    onTrack: (pid, kind, track) => {
      tiles.add(pid, kind, track);
      draw();
    },
    onState: (kind, state) => {
      root.dataset[`media${kind === "audio" ? "Audio" : "Video"}`] = state;
    },
  });
  window.__vcourtMedia = media; // support staff read getStats from the console
  if (stream) {
    const mine = tiles.tile(client.participantId);
    mine.video.srcObject = stream;
    mine.figure.classList.add("self");
  }
  try {
    await media.start(stream);
  } catch (error) {
    addLog(`${t.media_failed} ${error.message}`);
  }
}

if (root.dataset.signaling) start();

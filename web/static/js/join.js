// The party's journey: device check, then the waiting room (live once signalling is installed).
import { DeviceCheck, problemKind } from "./devicecheck.js";
import { HearingMedia, Tiles } from "./media.js";
import { SignalingClient } from "./signaling.js";

const root = document.getElementById("journey");
const msg = root.dataset;
const problem = document.getElementById("device-problem");
const cameraStatus = document.getElementById("camera-status");
const micStatus = document.getElementById("mic-status");
const continueButton = document.getElementById("device-ok");
const cameraSelect = document.getElementById("camera-select");
const micSelect = document.getElementById("mic-select");

let heardSomething = false;
const check = new DeviceCheck({
  video: document.getElementById("preview"),
  meter: document.getElementById("mic-level"),
  onLevel: (level, peak) => {
    if (!heardSomething && peak > 0.02) {
      heardSomething = true;
      micStatus.textContent = msg.msgMicOk;
    }
  },
});

function fill(select, devices, chosen) {
  select.replaceChildren();
  devices.forEach((device, i) => {
    const option = new Option(device.label || `${i + 1}`, device.deviceId);
    option.selected = device.deviceId === chosen;
    select.append(option);
  });
}

export async function runCheck() {
  problem.hidden = true;
  continueButton.disabled = true;
  cameraStatus.textContent = "";
  micStatus.textContent = msg.msgMicQuiet;
  heardSomething = false;
  try {
    const stream = await check.start({ cameraId: cameraSelect.value, micId: micSelect.value });
    const { cameras, mics } = await check.devices();
    fill(cameraSelect, cameras, stream.getVideoTracks()[0]?.getSettings().deviceId);
    fill(micSelect, mics, stream.getAudioTracks()[0]?.getSettings().deviceId);
    cameraStatus.textContent = msg.msgCameraOk;
    continueButton.disabled = false;
    root.dataset.deviceState = "ok";
  } catch (error) {
    const kind = problemKind(error);
    root.dataset.deviceState = kind;
    problem.textContent = msg[`msg${kind[0].toUpperCase()}${kind.slice(1)}`] || msg.msgOther;
    problem.hidden = false;
    micStatus.textContent = "";
  }
}

function show(step) {
  for (const name of ["device", "wait", "hearing"]) {
    document.getElementById(`step-${name}`).hidden = name !== step;
    const label = document.getElementById(`step-label-${name}`);
    if (name === step) label.setAttribute("aria-current", "step");
    else label.removeAttribute("aria-current");
  }
  const heading = document.getElementById(`${step}-heading`);
  if (heading) heading.focus();
}

// --- the waiting room and the hearing, over the signalling protocol ---
const waitStatus = document.getElementById("wait-status");
const hearingStatus = document.getElementById("hearing-status");
let client = null;
let media = null;
let current = "device";
const names = new Map();
const tiles = new Tiles(document.getElementById("videos"), {
  label: (pid) => names.get(pid) || msg.msgCourt,
});

function place(entry) {
  root.dataset.presence = entry.presence;
  if (entry.presence === "admitted") {
    if (current !== "hearing") show((current = "hearing"));
    hearingStatus.textContent = msg.msgAdmitted;
  } else if (entry.presence === "in_consultation") {
    if (current !== "hearing") show((current = "hearing"));
    hearingStatus.textContent = msg.msgConsultation;
  } else {
    if (current !== "wait") show((current = "wait"));
    waitStatus.textContent = entry.presence === "outside" ? msg.msgOutside : msg.msgWaiting;
  }
}

function connection(state) {
  root.dataset.connection = state;
  const box = current === "hearing" ? hearingStatus : waitStatus;
  if (state === "connecting") box.textContent = msg.msgConnecting;
  if (state === "reconnecting") box.textContent = msg.msgReconnecting;
}

export async function enterWaitingRoom() {
  const pin = document.getElementById("pin").value.trim();
  const button = document.getElementById("enter-waiting");
  client = new SignalingClient(`/ws?hearing=${encodeURIComponent(msg.hearing)}`);
  client.on("room", ({ hearing, roster }) => {
    const entry = roster.find((e) => e.participant_id === client.participantId);
    if (entry) place(entry);
    document.getElementById("muted-indicator").hidden = !(entry && entry.audio_muted);
    document.getElementById("paused-indicator").hidden = hearing.state !== "paused";
    root.dataset.hearingState = hearing.state;
    document.getElementById("recording-indicator").hidden = !hearing.recording;
    root.dataset.recording = hearing.recording ? "on" : "off";
    for (const e of roster) names.set(e.participant_id, e.name);
    const others = roster.filter((e) => e.participant_id !== client.participantId && e.connection === "connected");
    tiles.keep(new Set(others.map((e) => e.participant_id)));
  });
  client.on("disconnected", () => {
    if (!client.closedByServer) connection("reconnecting");
  });
  client.on("reconnected", () => {
    connection("connected");
    if (media) media.restart();
  });
  client.on("bye", (bye) => {
    if (media) media.close();
    root.dataset.presence = "gone";
    connection("ended");
    show((current = "wait"));
    const key = `msgBye${bye.reason.charAt(0).toUpperCase()}${bye.reason.slice(1)}`;
    waitStatus.textContent = bye.reason === "left" ? msg.msgLeft : msg[key] || bye.message;
    button.disabled = false;
  });
  button.disabled = true;
  window.__vcourtClient = client; // for support staff diagnosing a call from the console
  connection("connecting");
  try {
    const welcome = await client.join(pin ? { token: msg.token, pin } : { token: msg.token });
    connection("connected");
    if (welcome.media) startMedia(welcome);
  } catch (error) {
    // A refused join is final for this client: no automatic retry with the same (wrong) PIN.
    client.closedByServer = true;
    if (client.ws) client.ws.close();
    connection("ended");
    waitStatus.textContent = `${msg.msgRefused} ${error.message}`;
    button.disabled = false;
  }
  return client;
}

// Connected from the waiting room on, so admission shows the court at once; the server
// forwards nothing until the judge admits us.
async function startMedia(welcome) {
  if (media) media.close();
  media = new HearingMedia(client, {
    iceServers: welcome.ice_servers,
    onTrack: (pid, kind, track) => tiles.add(pid, kind, track),
    onState: (kind, state) => {
      root.dataset[`media${kind === "audio" ? "Audio" : "Video"}`] = state;
      if (state === "failed") hearingStatus.textContent = msg.msgMediaFailed;
    },
  });
  window.__vcourtMedia = media;
  try {
    await media.start(check.stream);
  } catch (error) {
    hearingStatus.textContent = msg.msgMediaFailed;
  }
}

document.getElementById("enter-waiting").addEventListener("click", enterWaitingRoom);
document.getElementById("leave").addEventListener("click", () => {
  if (client) client.leave();
  if (media) media.close();
  check.stop();
  show((current = "wait"));
  waitStatus.textContent = msg.msgLeft;
  document.getElementById("enter-waiting").disabled = false;
});

document.getElementById("recheck").addEventListener("click", runCheck);
cameraSelect.addEventListener("change", runCheck);
micSelect.addEventListener("change", runCheck);
document.getElementById("speaker-test").addEventListener("click", async (event) => {
  const status = document.getElementById("speaker-status");
  event.target.disabled = true;
  status.textContent = msg.msgTone;
  await check.playTone(1);
  status.textContent = "";
  event.target.disabled = false;
});
continueButton.addEventListener("click", () => show((current = "wait")));

runCheck();

// The party's journey: device check, then the waiting room (live once signalling is installed).
import { DeviceCheck, problemKind } from "./devicecheck.js";
import { RoomClient } from "./room-client.js";

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
let current = "device";

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

function mine(entries) {
  return client && client.me && entries.find((e) => e.participant_id === client.me.participant_id);
}

export function enterWaitingRoom() {
  const pin = document.getElementById("pin").value.trim();
  client = new RoomClient({ token: msg.token, pin: pin || undefined });
  client.addEventListener("connection", ({ detail }) => {
    root.dataset.connection = detail.state;
    const box = current === "hearing" ? hearingStatus : waitStatus;
    if (detail.state === "connecting") box.textContent = msg.msgConnecting;
    if (detail.state === "reconnecting") box.textContent = msg.msgReconnecting;
  });
  client.addEventListener("refused", ({ detail }) => {
    waitStatus.textContent = `${msg.msgRefused} ${detail.message}`;
    document.getElementById("enter-waiting").disabled = false;
  });
  client.addEventListener("welcome", ({ detail }) => {
    const entry = mine(detail.roster);
    if (entry) place(entry);
  });
  client.addEventListener("room.event", ({ detail }) => {
    const entry = mine(detail.entries);
    if (entry) place(entry);
  });
  client.addEventListener("bye", ({ detail }) => {
    root.dataset.presence = "gone";
    show((current = "wait"));
    waitStatus.textContent = detail.message;
  });
  document.getElementById("enter-waiting").disabled = true;
  window.__vcourtClient = client; // for support staff diagnosing a call from the console
  client.connect();
  return client;
}

document.getElementById("enter-waiting").addEventListener("click", enterWaitingRoom);
document.getElementById("leave").addEventListener("click", () => {
  if (client) client.leave();
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

// The party's journey: device check, then the waiting room (live once signalling is installed).
import { DeviceCheck, problemKind } from "./devicecheck.js";

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
  for (const name of ["device", "wait"]) {
    document.getElementById(`step-${name}`).hidden = name !== step;
    const label = document.getElementById(`step-label-${name}`);
    if (name === step) label.setAttribute("aria-current", "step");
    else label.removeAttribute("aria-current");
  }
  if (step === "wait") document.getElementById("wait-heading").focus();
}

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
continueButton.addEventListener("click", () => show("wait"));

runCheck();

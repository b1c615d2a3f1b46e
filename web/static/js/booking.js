// The booking form: as the clerk types, ask the dry-run check for conflicts and free slots;
// on save, book through the hearings API and open the new hearing's page.
import { ApiError, callApi } from "./api.js";

const form = document.getElementById("booking");
const msg = form.dataset;
const checkBox = document.getElementById("check-result");
const saveBox = document.getElementById("save-result");
const rows = document.getElementById("participant-rows");
const rowTemplate = document.getElementById("participant-row");
const conflictTexts = JSON.parse(document.getElementById("conflict-texts").textContent);
let pending = null;
let timer = null;

function value(name) {
  const el = form.elements.namedItem(name);
  return el ? el.value.trim() : "";
}

export function payload() {
  const participants = [];
  const judge = form.elements.namedItem("judge");
  if (judge && judge.value) {
    const option = judge.selectedOptions[0];
    participants.push({ role: "presiding_judge", name: option.dataset.name, staff_username: judge.value });
  }
  for (const row of rows.querySelectorAll("li")) {
    const name = row.querySelector('[data-field="name"]').value.trim();
    if (!name) continue;
    const contact = row.querySelector('[data-field="contact"]').value.trim();
    const person = { role: row.querySelector('[data-field="role"]').value, name };
    if (contact.includes("@")) person.email = contact;
    else if (contact) person.phone = contact;
    participants.push(person);
  }
  const components = value("component_endpoints").split(/[\s,;]+/).filter(Boolean);
  return {
    kind: value("kind") || "hearing",
    title: value("title"),
    case_number: value("case_number") || null,
    starts_at: `${value("date")}T${value("time")}`,
    duration_minutes: Number(value("duration_minutes")),
    central_endpoint: value("central_endpoint") || null,
    component_endpoints: components,
    participants,
  };
}

function ready(body) {
  return body.title && value("date") && value("time") && body.duration_minutes > 0;
}

function clearFieldErrors() {
  for (const el of form.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

function showFieldErrors(fields) {
  for (const { field, message } of fields) {
    const name = String(field).replace(/^body\./, "").split(".")[0];
    const box = document.getElementById(`${name}-error`);
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
    const input = form.elements.namedItem(name);
    if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
  }
}

// The conflict in the page's language when we know its code and every parameter it names.
export function conflictText(conflict) {
  const template = conflictTexts[conflict.code];
  if (!template) return conflict.message;
  const params = conflict.params || {};
  let missing = false;
  const text = template.replace(/%\((\w+)\)s/g, (_, name) => {
    if (!(name in params)) missing = true;
    return params[name] ?? "";
  });
  return missing ? conflict.message : text;
}

function renderCheck(result) {
  checkBox.replaceChildren();
  const lead = document.createElement("p");
  if (result.ok) {
    lead.className = "alert ok";
    lead.textContent = msg.msgOk;
    checkBox.append(lead);
    return;
  }
  lead.className = "alert warn";
  lead.textContent = msg.msgConflicts;
  const list = document.createElement("ul");
  for (const conflict of result.conflicts || []) {
    const item = document.createElement("li");
    item.textContent = conflictText(conflict);
    list.append(item);
  }
  lead.append(list);
  checkBox.append(lead);
  if ((result.free_slots || []).length) {
    const heading = document.createElement("p");
    heading.textContent = msg.msgFree;
    const slots = document.createElement("ul");
    slots.className = "free-slots";
    for (const slot of result.free_slots) {
      const at = String(slot).slice(0, 16); // YYYY-MM-DDTHH:MM in court time
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.textContent = at.replace("T", " ");
      button.addEventListener("click", () => {
        form.elements.namedItem("date").value = at.slice(0, 10);
        form.elements.namedItem("time").value = at.slice(11, 16);
        scheduleCheck();
      });
      item.append(button);
      slots.append(item);
    }
    checkBox.append(heading, slots);
  }
}

async function runCheck() {
  const body = payload();
  if (!msg.checkUrl || !ready(body)) return;
  if (pending) pending.abort();
  pending = new AbortController();
  checkBox.textContent = msg.msgChecking;
  try {
    const result = await callApi(msg.checkUrl, { body, csrf: msg.csrf, signal: pending.signal });
    renderCheck(result);
  } catch (error) {
    if (error.name === "AbortError") return;
    checkBox.textContent = error instanceof ApiError ? error.message : msg.msgOffline;
  }
}

export function scheduleCheck() {
  clearTimeout(timer);
  timer = setTimeout(runCheck, 400);
}

function addParticipant() {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  const n = rows.children.length + 1;
  for (const label of row.querySelectorAll("label")) {
    const input = label.parentElement.querySelector("input, select");
    input.id = `p${n}-${input.dataset.field}`;
    label.htmlFor = input.id;
  }
  row.querySelector('[data-action="remove"]').addEventListener("click", () => {
    row.remove();
    scheduleCheck();
  });
  rows.append(row);
  row.querySelector("input").focus();
}

async function save(event) {
  event.preventDefault();
  clearFieldErrors();
  saveBox.replaceChildren();
  if (!msg.bookUrl) return;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const hearing = await callApi(msg.bookUrl, { body: payload(), csrf: msg.csrf });
    saveBox.className = "alert ok";
    saveBox.textContent = msg.msgSaved;
    window.location.assign(`/hearings/${hearing.id}`);
  } catch (error) {
    saveBox.className = "alert error";
    saveBox.textContent = `${msg.msgFailed} ${error instanceof ApiError ? error.message : msg.msgOffline}`;
    if (error instanceof ApiError) showFieldErrors(error.fields);
    button.disabled = false;
  }
}

document.getElementById("add-participant").addEventListener("click", addParticipant);
form.addEventListener("input", scheduleCheck);
form.addEventListener("change", scheduleCheck);
form.addEventListener("submit", save);

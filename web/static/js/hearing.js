// The hearing page: issue notices (scheduling API); give a participant a new link or revoke
// theirs (signalling's link API).
import { ApiError, callApi } from "./api.js";

const box = document.getElementById("notice-actions");
if (box) {
  const result = document.getElementById("notice-result");
  document.getElementById("issue-notices").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await callApi(box.dataset.noticesUrl, { body: { language: document.documentElement.lang }, csrf: box.dataset.csrf });
      result.textContent = box.dataset.msgDone;
      window.location.reload();
    } catch (error) {
      result.textContent = `${box.dataset.msgFailed} ${error instanceof ApiError ? error.message : ""}`;
      event.target.disabled = false;
    }
  });
}

const table = document.getElementById("participants");
for (const button of table ? table.querySelectorAll("[data-link-action]") : []) {
  button.addEventListener("click", async () => {
    const msg = table.dataset;
    const action = button.dataset.linkAction;
    const url = `/api/v1/hearings/${msg.hearing}/participants/${button.dataset.participant}/link`;
    const out = button.parentElement.querySelector(".link-result");
    if (action === "revoke" && !window.confirm(msg.msgConfirmRevoke)) return;
    try {
      if (action === "revoke") {
        await callApi(url, { method: "DELETE", csrf: msg.csrf });
        out.textContent = msg.msgRevoked;
      } else {
        const link = await callApi(url, { body: { rotate: true }, csrf: msg.csrf });
        out.replaceChildren(`${msg.msgNewLink} `);
        const a = document.createElement("a");
        a.href = link.url;
        a.textContent = link.url;
        out.append(a);
      }
    } catch (error) {
      out.textContent = `${msg.msgFailed} ${error instanceof ApiError ? error.message : ""}`;
    }
  });
}

// The hearing page: issue notices to every participant through the scheduling API.
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

// Calls to the vcourt API from a signed-in page: JSON in and out, the session's CSRF header,
// and problem+json errors turned into one readable message plus per-field messages.

export class ApiError extends Error {
  constructor(status, detail, fields) {
    super(detail);
    this.status = status;
    this.fields = fields; // [{field, message}]
  }
}

export async function callApi(url, { method = "POST", body, csrf, signal } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    signal,
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, application/problem+json",
      "X-CSRF-Token": csrf,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = (data && (data.detail || data.title)) || `HTTP ${response.status}`;
    throw new ApiError(response.status, detail, (data && data.errors) || []);
  }
  return data;
}

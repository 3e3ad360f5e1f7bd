// Accepting an invitation: the token travels in the link's fragment, never sent to a server log.
"use strict";

import { API, ROOT, detailOf, session, t } from "./core.js";

export function show() {
  const token = window.location.hash.slice(1);
  const error = document.getElementById("accept-error");
  if (!token) error.textContent = t("invite.no_token");
  document.getElementById("accept-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(`${API}/auth/accept-invite`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token, password: document.getElementById("accept-password").value }),
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      error.textContent = t("error.api", { detail: detailOf(payload, response.statusText) });
      return;
    }
    session.save(payload.access_token);
    window.location.assign(`${ROOT}/`);
  });
}

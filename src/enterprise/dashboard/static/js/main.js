// Entry point of every page: sign in (or reuse the session's token), then run the page's module.
"use strict";

import { API, ApiError, applyRoles, apiJson, session, showError, t } from "./core.js";

const PAGES = {
  overview: () => import("./overview.js"),
  ask: () => import("./ask.js"),
  documents: () => import("./documents.js"),
  statements: () => import("./statements.js"),
  analytics: () => import("./analytics.js"),
  reports: () => import("./reports.js"),
  admin: () => import("./admin.js"),
  invite: () => import("./invite.js"),
};
// Pages a visitor without an account opens (an invitation link).
const PUBLIC_PAGES = new Set(["invite"]);

function showSignIn() {
  document.getElementById("sign-in").hidden = false;
  document.getElementById("page").hidden = true;
  document.getElementById("sign-in-email").focus();
}

async function signIn(event) {
  event.preventDefault();
  const error = document.getElementById("sign-in-error");
  error.textContent = "";
  const form = new FormData(event.target);
  const response = await fetch(`${API}/auth/token`, { method: "POST", body: new URLSearchParams(form) });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    error.textContent = response.status === 429 ? t("auth.throttled") : t("auth.failed");
    return;
  }
  session.save(payload.access_token);
  window.location.reload();
}

function signOut() {
  session.clear();
  window.location.assign(`${document.body.dataset.root}/`);
}

async function start() {
  document.getElementById("sign-in-form").addEventListener("submit", signIn);
  document.getElementById("sign-out").addEventListener("click", signOut);
  const page = document.body.dataset.page;
  const load = PAGES[page];
  if (PUBLIC_PAGES.has(page)) {
    document.getElementById("page").hidden = false;
    (await load()).show(null);
    return;
  }
  if (!session.token()) {
    showSignIn();
    return;
  }
  let user;
  try {
    user = await apiJson("/me");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showSignIn();
    return showError(error);
  }
  document.getElementById("who").textContent = t("auth.signed_in_as", {
    email: user.email,
    enterprise: user.enterprise.name,
    role: t(`role.${user.role}`),
  });
  document.getElementById("sign-out").hidden = false;
  // Signed in: the form leaves the page, so its fields and heading never shadow the page's own.
  document.getElementById("sign-in").remove();
  applyRoles(user);
  document.getElementById("page").hidden = false;
  try {
    await (await load()).show(user);
    // Everything the page loads at first is on screen (the overview marks itself sooner).
    document.body.dataset.ready = page;
  } catch (error) {
    showError(error);
  }
}

start();

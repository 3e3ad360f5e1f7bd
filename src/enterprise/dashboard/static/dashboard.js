"use strict";
const api = document.body.dataset.api;
const TOKEN_KEY = "eab-token";

async function showOverview(token) {
  const response = await fetch(`${api}/me`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    sessionStorage.removeItem(TOKEN_KEY);
    return;
  }
  const me = await response.json();
  document.getElementById("enterprise-name").textContent = me.enterprise.name;
  document.getElementById("user-email").textContent = me.email;
  document.getElementById("user-role").textContent = me.role;
  document.getElementById("who").textContent = me.email;
  document.getElementById("login").hidden = true;
  document.getElementById("overview").hidden = false;
}

document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await fetch(`${api}/auth/token`, { method: "POST", body: new URLSearchParams(form) });
  const body = await response.json();
  if (!response.ok) {
    document.getElementById("login-error").textContent = body.detail || "Sign-in failed";
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, body.access_token);
  await showOverview(body.access_token);
});

document.getElementById("logout").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  window.location.reload();
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) showOverview(saved);

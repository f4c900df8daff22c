// Viewer time zone: tell the server which zone this browser is in.
//
// The server renders every time in the seminar's zone and, when it knows it, the viewer's
// (from ?tz= or the viewer_tz cookie). This module stores the browser's zone in that cookie
// and, if the page was rendered without any viewer zone and no ?tz= was given, reloads once
// so that the agenda shows both clocks. Without JavaScript the zone selector still works.

const COOKIE = "viewer_tz";
const RELOADED = "openips-tz-reloaded";
const YEAR = 365 * 24 * 3600;

export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
}

export function readCookie(name) {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(";")) {
    const item = part.trim();
    // Django quotes values containing "/" when it sets the cookie: "Pacific/Fiji".
    if (item.startsWith(prefix)) return item.slice(prefix.length).replace(/^"|"$/g, "");
  }
  return "";
}

export function writeCookie(name, value) {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  // IANA names (Area/City_Name, Etc/GMT+5) are valid cookie characters: written as they are,
  // because the server reads the cookie without URL-decoding it.
  if (!/^[A-Za-z0-9_+\-/]+$/.test(value)) return;
  document.cookie = `${name}=${value}; Max-Age=${YEAR}; Path=/; SameSite=Lax${secure}`;
}

function alreadyReloaded() {
  try {
    return sessionStorage.getItem(RELOADED) === "1";
  } catch {
    return true; // No storage (privacy mode): never risk a reload loop.
  }
}

function markReloaded() {
  try {
    sessionStorage.setItem(RELOADED, "1");
  } catch {
    /* ignored: alreadyReloaded() then answers true */
  }
}

export function init() {
  const zone = browserZone();
  if (!zone) return;
  const agenda = document.querySelector("[data-viewer-zone]");
  const hasQueryZone = new URLSearchParams(location.search).has("tz");
  // A zone chosen with the selector (cookie) wins over the detected one.
  if (!readCookie(COOKIE)) writeCookie(COOKIE, zone);
  if (!agenda || hasQueryZone || agenda.dataset.viewerZone) return;
  // Rendered without a viewer zone: reload once, only if the cookie really stuck.
  if (readCookie(COOKIE) && !alreadyReloaded()) {
    markReloaded();
    location.reload();
  }
}

init();

// Viewer time zone: show the agenda in the browser's zone too, and tell the server for next time.
//
// The server renders every time in the seminar's zone and, when it knows it, the viewer's
// (from ?tz= or the viewer_tz cookie). On a first visit it knows neither: this module then
// adds the viewer's column in place, from each session's <time datetime> and the browser's
// zone (no reload: a reload cost a second page load on a weak connection), and stores the
// zone in the cookie so that the next page comes from the server with both clocks. Without
// JavaScript the zone selector still works.

const COOKIE = "viewer_tz";
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

function offsetName(date, zone) {
  // "GMT+05:45" from Intl, written the way the server writes it: "UTC+05:45".
  const part = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(date)
    .find((p) => p.type === "timeZoneName");
  const value = part ? part.value.replace("GMT", "") : "";
  return `UTC${value || "+00:00"}`;
}

function cell(start, end, zone, lang) {
  const day = { weekday: "short", day: "numeric", month: "short" };
  const hm = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
  const td = document.createElement("td");
  const pieces = [
    [start, new Intl.DateTimeFormat(lang, { ...day, ...hm }).format(start)],
    [end, new Intl.DateTimeFormat(lang, hm).format(end)],
  ];
  pieces.forEach(([date, text], index) => {
    const time = document.createElement("time");
    time.dir = "ltr";
    time.dateTime = date.toISOString();
    time.textContent = text;
    if (index) td.append("–");
    td.append(time);
  });
  const offset = document.createElement("span");
  offset.className = "offset";
  offset.dir = "ltr";
  offset.textContent = offsetName(start, zone);
  td.append(" ", offset);
  return td;
}

// Adds "Your time (zone)" before the seminar's column of every day's table.
export function addViewerColumn(agenda, zone) {
  const lang = document.documentElement.lang || undefined;
  const heading = `${agenda.dataset.yourTime} (${zone})`;
  for (const table of agenda.querySelectorAll("table")) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = heading;
    table.querySelector("thead tr")?.prepend(th);
    for (const row of table.querySelectorAll("tbody tr")) {
      const times = row.querySelectorAll("td:first-child time");
      if (times.length < 2) continue;
      const td = cell(new Date(times[0].dateTime), new Date(times[1].dateTime), zone, lang);
      td.dataset.label = heading;
      row.prepend(td);
    }
  }
  agenda.dataset.viewerZone = zone;
}

export function init() {
  const zone = browserZone();
  if (!zone) return;
  const agenda = document.querySelector("[data-viewer-zone]");
  const hasQueryZone = new URLSearchParams(location.search).has("tz");
  // A zone chosen with the selector (cookie) wins over the detected one.
  if (!readCookie(COOKIE)) writeCookie(COOKIE, zone);
  if (!agenda || hasQueryZone || agenda.dataset.viewerZone) return;
  if (zone !== agenda.dataset.seminarZone) addViewerColumn(agenda, zone);
}

init();

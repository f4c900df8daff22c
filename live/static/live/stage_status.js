// The organisers' stage page: its status region (what the room shows, each encoder, a second
// encoder refused, a codec problem) fetched again every 5 s. The region is role="status" and
// is replaced only when its text changed, so a change is announced once.
const region = document.getElementById("stage-status");
const EVERY_MS = 5000;

async function refresh() {
  if (document.hidden) return;
  try {
    const response = await fetch(region.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return;
    const html = await response.text();
    const fresh = document.createElement("div");
    fresh.innerHTML = html;
    if (fresh.textContent.replace(/\s+/g, " ") !== region.textContent.replace(/\s+/g, " ")) {
      region.replaceChildren(...fresh.childNodes);
    }
  } catch {
    // offline for a moment: the next round tries again
  }
}

if (region && region.dataset.statusUrl) {
  setInterval(refresh, EVERY_MS);
  document.addEventListener("visibilitychange", refresh);
}

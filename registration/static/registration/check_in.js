// The check-in desk: submit a code (typed or scanned) without a reload, keep the counts fresh.
const form = document.getElementById("scan-form");
const result = document.getElementById("scan-result");
const countUrl = form.dataset.countUrl;
function showCounts(data) {
  document.getElementById("arrived").textContent = data.arrived;
  document.getElementById("expected").textContent = data.expected;
}
async function submit(code) {
  const body = new FormData(form);
  body.set("code", code);
  const response = await fetch(form.action, { method: "POST", body, headers: { "X-Requested-With": "fetch" } });
  const data = await response.json();
  result.textContent = data.message + (data.company ? " (" + data.company + ")" : "");
  result.className = response.ok ? "ok" : "error";
  if ("arrived" in data) showCounts(data);
}
form.addEventListener("submit", (event) => { event.preventDefault(); submit(form.elements.code.value); form.elements.code.value = ""; });
setInterval(async () => { const r = await fetch(countUrl); if (r.ok) showCounts(await r.json()); }, 5000);
// The camera path needs BarcodeDetector (Chromium on Android, recent Safari); typing always works.
if ("BarcodeDetector" in window && navigator.mediaDevices) {
  const button = document.getElementById("start-camera");
  button.hidden = false;
  button.addEventListener("click", async () => {
    const video = document.getElementById("camera");
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.hidden = false;
    await video.play();
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    let last = "";
    const tick = async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length && codes[0].rawValue !== last) { last = codes[0].rawValue; await submit(last); setTimeout(() => { last = ""; }, 3000); }
      requestAnimationFrame(tick);
    };
    tick();
  });
}

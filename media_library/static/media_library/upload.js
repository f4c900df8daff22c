// Uploads straight to storage: S3 multipart with presigned part URLs, or local chunks.
// An interrupted upload resumes: the browser remembers the upload's id and asks the server
// what it already has (S3 parts listed by the server, or the size of the local file).

const form = document.querySelector("[data-upload-form]");

async function api(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: { "X-CSRFToken": form.dataset.csrf, ...(options.headers || {}) },
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok && response.status !== 409) {
    throw new Error(data.error || `HTTP ${response.status}`);
  }
  return { status: response.status, data };
}

function put(url, blob, onProgress, headers = {}) {
  // XMLHttpRequest, because fetch reports no upload progress.
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => resolve(request);
    request.onerror = () => reject(new Error("network error"));
    request.send(blob);
  });
}

async function withRetries(work, attempts = 4) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
    }
  }
}

function resumeKey(file) {
  const f = new FormData(form);
  return ["openips:upload", form.dataset.session, f.get("kind"), f.get("language"), file.name, file.size, file.lastModified].join(":");
}

async function openUpload(file) {
  const key = resumeKey(file);
  const known = localStorage.getItem(key);
  if (known) {
    const answer = await fetch(`${form.dataset.start}${known}/`, { credentials: "same-origin" });
    if (answer.ok) {
      setStatus(form.dataset.textResuming);
      return answer.json();
    }
  }
  const f = new FormData(form);
  const { data } = await api(form.dataset.start, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      session: Number(form.dataset.session),
      agency: f.get("agency") ? Number(f.get("agency")) : null,
      kind: f.get("kind"),
      language: f.get("language"),
      title: f.get("title"),
      filename: file.name,
      size: file.size,
    }),
  });
  localStorage.setItem(key, data.upload_id);
  return data;
}

async function sendS3(state, file, progress) {
  const done = new Map((state.parts || []).map((part) => [part.PartNumber, part.Size]));
  let sent = [...done.values()].reduce((a, b) => a + b, 0);
  const base = `${form.dataset.start}${state.upload_id}/`;
  for (let number = 1; number <= state.part_count; number += 1) {
    if (done.has(number)) continue;
    const blob = file.slice((number - 1) * state.part_size, number * state.part_size);
    await withRetries(async () => {
      const { data } = await api(`${base}parts/`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ parts: [number] }),
      });
      const request = await put(data.urls[number], blob, (loaded) => progress(sent + loaded));
      if (request.status !== 200) throw new Error(`part ${number}: HTTP ${request.status}`);
    });
    sent += blob.size;
    progress(sent);
  }
}

async function sendLocal(state, file, progress) {
  let offset = state.received;
  const base = `${form.dataset.start}${state.upload_id}/chunk/`;
  while (offset < file.size) {
    const blob = file.slice(offset, offset + state.part_size);
    const request = await withRetries(() =>
      put(`${base}?offset=${offset}`, blob, (loaded) => progress(offset + loaded), {
        "X-CSRFToken": form.dataset.csrf,
        "Content-Type": "application/octet-stream",
      }),
    );
    const data = JSON.parse(request.responseText || "{}");
    if (request.status !== 200 && request.status !== 409) throw new Error(data.error || `HTTP ${request.status}`);
    offset = data.received;
    progress(offset);
  }
}

function setStatus(text) {
  form.querySelector("[data-upload-status]").textContent = text;
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = form.querySelector("input[type=file]").files[0];
  if (!file) return;
  const bar = form.querySelector("[data-progress]");
  bar.hidden = false;
  const progress = (bytes) => (bar.value = Math.floor((100 * bytes) / file.size));
  try {
    const state = await openUpload(file);
    await (state.backend === "s3" ? sendS3 : sendLocal)(state, file, progress);
    setStatus(form.dataset.textChecking);
    const { status, data } = await api(`${form.dataset.start}${state.upload_id}/complete/`, { method: "POST" });
    if (status === 409) throw new Error(data.error);
    localStorage.removeItem(resumeKey(file));
    setStatus(data.message || form.dataset.textDone);
    setTimeout(() => window.location.reload(), 800);
  } catch (error) {
    if (/rejected|not |truncated|limit|Malformed/i.test(error.message)) localStorage.removeItem(resumeKey(file));
    setStatus(error.message);
  }
});

// Processing status: poll the rows still queued or processing.
for (const row of document.querySelectorAll("[data-asset]")) {
  const cell = row.querySelector("[data-asset-status]");
  if (row.dataset.state !== "queued" && row.dataset.state !== "processing") continue;
  const timer = setInterval(async () => {
    const answer = await fetch(row.dataset.statusUrl, { credentials: "same-origin" });
    if (!answer.ok) return;
    const data = await answer.json();
    cell.textContent = `${data.status_label}${data.status === "processing" ? ` ${data.progress}%` : ""}${data.failure_reason ? `: ${data.failure_reason}` : ""}`;
    if (data.status === "ready" || data.status === "failed") {
      clearInterval(timer);
      window.location.reload();
    }
  }, 3000);
}

// The audio languages of an HLS stream (the live stage with interpreters, a recording of it):
// a menu naming each language in the viewer's own language, the viewer's interface language
// chosen by default when the stream has it. Shared by the live stage (live/static/live/
// stage.js) and the presentation player (player.js).

// "anglais" for a French reader, "英语" for a Chinese one: the browser's own names (CLDR).
export function languageName(code, viewer = document.documentElement.lang || "en") {
  if (!code) return "";
  try {
    const name = new Intl.DisplayNames([viewer], { type: "language" }).of(code);
    return name && name !== code ? name.charAt(0).toLocaleUpperCase(viewer) + name.slice(1) : code;
  } catch {
    return code;
  }
}

export class AudioLanguageMenu {
  // `original`: the name of a track without a language (the hall's sound, language unknown).
  constructor(select, label, original = "") {
    this.select = select;
    this.label = label;
    this.original = original;
    this.chosen = "";
    this.hls = null;
  }

  // From hls.js's audio tracks: shown only with two languages or more.
  fill(hls) {
    this.hls = hls;
    const tracks = hls.audioTracks || [];
    if (tracks.length < 2) return;
    this.select.replaceChildren(
      ...tracks.map(
        (track) => new Option(languageName(track.lang) || this.original || track.name, track.lang),
      ),
    );
    this.select.dataset.hall = tracks[0].lang;
    this.label.hidden = false;
    const wanted = this.chosen || document.documentElement.lang.split("-")[0];
    if (tracks.some((track) => track.lang === wanted)) this.choose(wanted);
  }

  choose(code) {
    this.chosen = code;
    this.select.value = code;
    const index = (this.hls?.audioTracks || []).findIndex((track) => track.lang === code);
    if (index >= 0 && this.hls.audioTrack !== index) this.hls.audioTrack = index;
  }
}

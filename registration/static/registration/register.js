// Suggest the browser's own zone; the server falls back to the country's main zone.
const zone = document.getElementById("id_time_zone");
if (zone && !zone.value) zone.placeholder = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

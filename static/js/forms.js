// Form errors: move focus to the summary once the page loads (a screen reader reads it, a
// keyboard user starts from it), and let each link in it move focus into its field, not just
// scroll to it.
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.hash.slice(1));
    if (!field) return;
    event.preventDefault();
    // A folded section (<details>) opens so that the field can take focus.
    const folded = field.closest("details");
    if (folded) folded.open = true;
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
}

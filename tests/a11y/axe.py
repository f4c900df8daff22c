"""axe-core in a page: the vendored build (tests/vendor/axe-core-*), run with its default rules
(WCAG 2.0-2.2 A and AA, and best practices), violations of every impact returned."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.14.1" / "axe.min.js"

RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """The page's axe violations. The context must be made with bypass_csp=True: the script is
    added inline, which the site's Content-Security-Policy rightly refuses."""
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate(RUN)

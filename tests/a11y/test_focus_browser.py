"""A visible focus indicator on every control (WCAG 2.4.7, 2.4.11, 1.4.11): Tab through each
key page, in English and in Arabic, and for each focused control read the computed outline
and the colour behind it (the outline is drawn outside the control, over what surrounds it);
the ring is at least 2 CSS px wide and has a contrast ratio of at least 3:1 with that colour.
"""

import pytest

from tests.a11y.conftest import key_pages, open_context

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABS_PER_PAGE = 40
PAGES = {
    "en": None,  # every key page
    "ar": {"home", "agenda", "register", "live-attendee", "watch", "planner", "projector"},
}

# The focused control's ring, and the colour it is drawn over: the first ancestor with an
# opaque background (translucent ones blended over what is behind them), white at the root.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const layers = [];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let colour = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    colour = colour.map((behind, i) => [r, g, b][i] * a + behind * (1 - a));
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.getAttribute("aria-label") ? "[" + el.getAttribute("aria-label") + "]" :
       " " + (el.textContent || el.value || "").trim().slice(0, 30)),
    visible: box.width > 0 && box.height > 0,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outline: parse(style.outlineColor),
    outlineText: style.outlineColor,
    behind: colour,
  };
}"""


def _luminance(rgb) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, two) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_is_the_wcag_formula():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54


def _problems(ring: dict) -> list[str]:
    if ring["outlineStyle"] in ("none", "hidden"):
        return ["no outline"]
    problems = []
    if ring["outlineWidth"] < 2:
        problems.append(f"outline {ring['outlineWidth']} px")
    if ring["outline"] is None:
        return [*problems, f"unreadable colour {ring['outlineText']}"]
    ratio = contrast(ring["outline"], ring["behind"])
    if ratio < 3:
        problems.append(f"contrast {ratio:.2f}:1 ({ring['outlineText']} on {ring['behind']})")
    return problems


@pytest.mark.parametrize("language", sorted(PAGES))
def test_every_focused_control_has_a_2px_ring_at_3_to_1(browser, server, signed_in, language):
    failures: dict[str, list[str]] = {}
    checked = 0
    for name, role, path in key_pages(server):
        if PAGES[language] is not None and name not in PAGES[language]:
            continue
        context = open_context(browser, server, signed_in, role, language)
        page = context.new_page()
        page.goto(server["base"] + path)
        page.wait_for_load_state("load")
        seen = set()
        for _ in range(TABS_PER_PAGE):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUSED)
            if ring is None or not ring["visible"] or ring["what"] in seen:
                continue
            seen.add(ring["what"])
            checked += 1
            problems = _problems(ring)
            if problems:
                failures[f"{name}: {ring['what']}"] = problems
        context.close()
    assert checked > 100, checked
    assert failures == {}

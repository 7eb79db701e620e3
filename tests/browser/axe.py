"""axe-core in a Playwright page: the serious and critical violations of the page shown.

axe-core is vendored under tests/browser/vendor/ and evaluated in the page by Playwright, so the
page's Content-Security-Policy is untouched and nothing comes from a CDN.
"""

import json
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
IMPACTS = {"serious", "critical"}
# Pages of one URL name share their template; axe takes about half a second a page.
PER_ROUTE = 1


def axe_violations(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in IMPACTS]


def axe_findings(page, url):
    """One line per violation on the page shown: page, rule, impact and up to three elements."""
    found = []
    for violation in axe_violations(page):
        targets = [json.dumps(node["target"]) for node in violation["nodes"][:3]]
        found.append(f"{url}: {violation['id']} ({violation['impact']}) {' '.join(targets)}")
    return found

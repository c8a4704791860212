"""JUnit XML for CI dashboards: one test suite per community, one test case per applicable rule.

A violated rule is a failed test (its message, the severity as the failure's
type), a passed rule a passed test, a rule not evaluated for want of facts a
skipped test naming the facts to collect, a waived finding a skipped test with
the waiver's reason. Rules that do not apply to the community (not applicable)
are left out: they are not tests of this community, and counting them as
skipped would make every dashboard look unfinished. Reads only the Report
models; the XML is built by the standard library, which escapes every value.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Mapping, Sequence

from shequn.report.model import Report


def _case(suite: ET.Element, classname: str, rule: str, title: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=f"{rule} {title}".strip(), classname=classname, time="0")


def _suite(root: ET.Element, report: Report, path: str, titles: Mapping[str, str]) -> None:
    suite = ET.SubElement(root, "testsuite", name=report.community.name, file=path)
    classname = f"shequn.{report.community.name}"
    failures = skipped = 0
    for f in report.findings:
        case = _case(suite, classname, f.rule, f.title)
        if f.status == "waived":
            skipped += 1
            reason = (f.waiver or {}).get("reason", "")
            ET.SubElement(case, "skipped", message=f"waived: {reason}".rstrip(": "))
        else:
            failures += 1
            failure = ET.SubElement(case, "failure", message=f.message, type=f.severity)
            failure.text = "\n".join([f.message, *("→ " + a for a in f.advice), f"shequn rules show {f.rule}"])
    for rule in report.passed:
        _case(suite, classname, rule, titles.get(rule, ""))
    for n in report.not_evaluated:
        skipped += 1
        case = _case(suite, classname, n.rule, titles.get(n.rule, ""))
        ET.SubElement(case, "skipped", message="not evaluated: facts missing: " + ", ".join(n.missing))
    tests = len(report.findings) + len(report.passed) + len(report.not_evaluated)
    suite.attrib.update(tests=str(tests), failures=str(failures), errors="0", skipped=str(skipped), time="0")


def render(reports: Sequence[tuple[str, Report]], *, titles: Mapping[str, str] | None = None) -> str:
    """`<testsuites>` with one `<testsuite>` per (file, report); `titles` names the passed and unevaluated rules."""
    root = ET.Element("testsuites", name="shequn")
    for path, report in reports:
        _suite(root, report, path, titles or {})
    totals = {k: sum(int(s.get(k, "0")) for s in root) for k in ("tests", "failures", "errors")}
    root.attrib.update({k: str(v) for k, v in totals.items()}, time="0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

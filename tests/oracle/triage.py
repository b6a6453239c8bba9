"""Proposed differences.yaml entries for recorded cases that differ and are not listed: each case's differing paths
sorted into known causes (CAUSES: a path and value pattern -> the reason), unknown ones named by their first path.

`uv run python tests/oracle/triage.py` prints YAML to review and append to tests/oracle/differences.yaml; a cause
kdsl keeps on purpose has a reason without the `open:` prefix."""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):
    sys.path.insert(0, str(HERE.parents[1]))

import yaml  # noqa: E402

from tests.oracle.make_cases import AREAS  # noqa: E402
from tests.oracle.suite import cases, compared, expected_difference, recording  # noqa: E402

# (path regex, kdsl value regex or None, reason). The first that matches a differing path names its cause.
CAUSES = [
    (r"^steps\[\d+\]\.(code|status|reason|message)$", r"no matches for kind",
     "kdsl answers a kind no v1.34 API server serves (a removed API, a custom resource) with kubectl's `no matches "
     "for kind`; the harness could not send it"),
    (r"\.metadata\.labels$", r"'app'", "open: kdsl gives an object without labels its default label app=<name> "
                                       "(a workload's stored metadata carries its template's labels)"),
    (r"ReplicaSet \S+\.metadata\.generation$", None,
     "open: kdsl's Deployment controller scales a ReplicaSet in another number of steps (its metadata.generation "
     "counts the spec writes)"),
    (r"\.metadata\.generation$", None,
     "open: metadata.generation differs from what the kind's strategy counts (kdsl/engine/apiserver/defaults.py)"),
    (r"^steps\[\d+\]\.(code|status|reason|message)", r"201|Success|<missing>",
     "open: kdsl accepts what the API server refuses (see the message of the recording)"),
    (r"\.spec\.(progressDeadlineSeconds|revisionHistoryLimit|strategy|updateStrategy|podManagementPolicy|"
     r"persistentVolumeClaimRetentionPolicy|completionMode|backoffLimit|parallelism|completions|suspend|"
     r"manualSelector|podReplacementPolicy|concurrencyPolicy|successfulJobsHistoryLimit|failedJobsHistoryLimit|"
     r"minReadySeconds|sessionAffinity|internalTrafficPolicy|ipFamilies|ipFamilyPolicy|volumeMode)", None,
     "open: kdsl's stored object leaves out defaults the API server writes (revisionHistoryLimit, "
     "progressDeadlineSeconds, the strategy, sessionAffinity ...)"),
    (r"^steps\[\d+\]\.code$", r"^0$", "open: kdsl's import refuses it with a check of its own, in kdsl's words and "
                                        "without an API status (a selector, a mount, a node the scenario never has)"),
    (r"feasible", None, "open: an imported Node's status conditions are not read (a Ready=False node stays "
                        "schedulable)"),
    (r"ResourceQuota", None, "open: kdsl computes quota usage when asked; it writes no ResourceQuota status"),
    (r"stringData", None, "open: kdsl's stored Secret keeps stringData (the API server merges it into data)"),
    (r"DaemonSet|daemonset", None, "open: kdsl's DaemonSet leaves out the API server's defaults "
                                   "(revisionHistoryLimit, updateStrategy, the template-generation annotation)"),
    (r"Namespace|deletionGracePeriodSeconds|\.spec\.finalizers|status\.phase", None,
     "open: a namespace being deleted: Kubernetes shows phase Terminating and the kubernetes finalizer"),
]


def causes(diffs) -> list[str]:
    out: list[str] = []
    for path, _recorded, kdsl in diffs:
        for pattern, value, reason in CAUSES:
            if re.search(pattern, path) and (value is None or re.search(value, repr(kdsl))):
                break
        else:
            reason = "open: differs at " + re.sub(r"\[\d+\]", "[]", path)
        if reason not in out:
            out.append(reason)
    return out


def propose(areas=AREAS) -> dict[str, str]:
    out = {}
    for area in areas:
        rec = recording(area)
        for case in cases(area) if rec else ():
            got = rec.get("cases", {}).get(case["id"])
            if got is None or expected_difference(case["id"]) is not None:
                continue
            diffs = compared(case, got)
            if diffs:
                found = causes(diffs)
                out[case["id"]] = found[0] if len(found) == 1 else "open: " + "; ".join(
                    c.removeprefix("open: ") for c in found)
    return out


if __name__ == "__main__":
    print(yaml.safe_dump(propose(sys.argv[1:] or AREAS), sort_keys=False, width=120, allow_unicode=True), end="")

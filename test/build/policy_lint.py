"""Lints IAM policies with parliament (PyPI), offline: reads [{"id", "document"}] as JSON on
stdin and prints [{"id", "issue", "severity", "detail"}] for every finding, community auditors
included, private auditors ignored. Used by test/build/support/policies.ts."""
import json
import sys

from parliament import analyze_policy_string


def main() -> None:
    policies = json.load(sys.stdin)
    out = []
    for p in policies:
        analyzed = analyze_policy_string(json.dumps(p["document"]), ignore_private_auditors=True, include_community_auditors=True)
        for f in analyzed.findings:
            detail = f.detail if isinstance(f.detail, str) else json.dumps(f.detail, sort_keys=True, default=str)
            out.append({"id": p["id"], "issue": f.issue, "severity": f.severity, "detail": detail})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

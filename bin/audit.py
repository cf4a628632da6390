"""`make audit`: pip-audit over the pinned requirements, read from its JSON.

Known vulnerabilities fail the run. An advisory service that cannot be reached (no
network, or a registry mirror without PyPI's JSON API, as on the project's
machines) is reported as such and does not: it says nothing about the packages.
"""

import json
import subprocess
import sys


def main() -> int:
    command = [
        sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--format", "json",
        "-r", "requirements.txt", "-r", "requirements-dev.txt",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print("pip-audit: the advisory service could not be reached; nothing was audited.")
        print((run.stderr.strip().splitlines() or [""])[-1])
        return 0
    dependencies = report.get("dependencies", [])
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(dependencies) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(dependencies)} packages audited, {len(vulnerable)} with known vulnerabilities."
    )
    if skipped and not audited:
        print(
            "pip-audit: the registry answered no advisory look-up (a mirror without PyPI's JSON API?); run again online."
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make mutation`: mutmut over each listed module, against the tests that exercise it.

mutmut reads one `[tool.mutmut]` table from the pyproject.toml in the directory it
runs in and keeps its copy of the project in `mutants/` there. To run each module
against its own tests only, every module gets a work directory under `.mutation/`
(ignored by git, and by makemessages as a dot-directory) holding links to the
project and a pyproject.toml written from `[tool.mutation]` in ours. The copy is
made anew on every run, so the results always describe the code as it is now.

    python tests/mutation.py                      # every module in [tool.mutation.modules]
    python tests/mutation.py core/uploads.py      # only these
    MUTATION_REV=HEAD MUTATION_WITH=tests/core/test_uploads.py python tests/mutation.py core/uploads.py

Surviving mutants named in tests/MUTATION.md (in backticks) are counted as
equivalent. The run uses SQLite and no Redis, like a developer's machine without
services: tests marked postgres or redis skip, so CI must not be set.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"
# What mutmut 3 writes in each mutant's meta file, as its own `mutmut results` reads it.
KILLED = {1, 3}  # a failing test (3: pytest's internal error)
TIMEOUT = {24, -24, 152, 255, 36}  # counted as killed (an endless loop), and shown apart
SURVIVED = {0}
NO_TESTS = {5, 33}


def _toml_value(value) -> str:
    # Strings, numbers, booleans and lists of them: JSON's spelling is TOML's.
    return json.dumps(value, ensure_ascii=False)


def _table(name: str, values: dict) -> str:
    return "\n".join([f"[{name}]", *(f"{key} = {_toml_value(value)}" for key, value in values.items()), ""])


def _equivalents() -> set[str]:
    text = (ROOT / "tests" / "MUTATION.md").read_text(encoding="utf-8")
    return set(re.findall(r"`([\w.]+__mutmut_\d+)`", text))


def _source(workdir: Path) -> Path:
    """The tree to test: the working tree, or with MUTATION_REV=HEAD that commit, plus
    the files named in MUTATION_WITH (a shared checkout where others are half-way
    through a change of their own cannot always be imported as it stands)."""
    rev = os.environ.get("MUTATION_REV")
    if not rev:
        return ROOT
    tree = workdir / "tree"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    for path in os.environ.get("MUTATION_WITH", "").split():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, tree / path)
    return tree


def _prepare(module: str, tests: list[str], settings: dict, pytest_options: dict) -> Path:
    workdir = WORK / module.removesuffix(".py").replace("/", ".")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    source = _source(workdir)
    # Every package of the project is copied (apps come and go); only the module is mutated.
    packages = sorted(
        path.name for path in source.iterdir() if (path / "__init__.py").exists() and path.name != "tests"
    )
    mutmut = {
        "source_paths": [*packages, "manage.py"],
        **settings,
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": tests,
    }
    for entry in [*mutmut["source_paths"], *mutmut.get("also_copy", []), "tests"]:
        (workdir / entry).symlink_to(source / entry)
    (workdir / "pyproject.toml").write_text(
        _table("tool.pytest.ini_options", pytest_options) + "\n" + _table("tool.mutmut", mutmut), encoding="utf-8"
    )
    return workdir


def _environment(workdir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"CI", "REDIS_URL", "DATABASE_URL"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="localhost,127.0.0.1,testserver",
        DATABASE_URL=f"sqlite:///{workdir / 'mutation.sqlite3'}",
        PRIVATE_STORAGE_ROOT=str(workdir / "private"),
        DJANGO_SETTINGS_MODULE="conduct_portal.settings",
    )
    return env


def _run(module: str, tests: list[str], settings: dict, pytest_options: dict, equivalents: set[str]) -> dict:
    workdir = _prepare(module, tests, settings, pytest_options)
    env = _environment(workdir)
    started = time.monotonic()
    with open(workdir / "mutmut.log", "w") as log:
        code = subprocess.run(
            [str(MUTMUT), "run"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        ).returncode
    seconds = time.monotonic() - started
    meta = workdir / "mutants" / (module + ".meta")
    if code != 0 or not meta.exists():
        print(f"{module}: mutmut failed (exit {code}); see {workdir / 'mutmut.log'}")
        return {"module": module, "failed": True}
    exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
    timeouts = sorted(name for name, value in exit_codes.items() if value in TIMEOUT)
    killed = sorted(name for name, value in exit_codes.items() if value in KILLED | TIMEOUT)
    left = sorted(name for name in exit_codes if name not in killed)
    equivalent = [name for name in left if name in equivalents]
    unexplained = [name for name in left if name not in equivalents]
    total = len(exit_codes)
    result = {
        "module": module,
        "mutants": total,
        "killed": len(killed),
        "timeouts": len(timeouts),
        "equivalent": len(equivalent),
        "unexplained": unexplained,
        "rate": 100 * len(killed) / total if total else 100.0,
        "rate_without_equivalents": 100 * len(killed) / (total - len(equivalent)) if total > len(equivalent) else 100.0,
        "seconds": seconds,
    }
    for name in unexplained:
        state = {**dict.fromkeys(SURVIVED, "survived"), **dict.fromkeys(NO_TESTS, "no tests")}.get(
            exit_codes[name], f"exit {exit_codes[name]}"
        )
        diff = subprocess.run(
            [str(MUTMUT), "show", name], cwd=workdir, env=env, capture_output=True, text=True
        ).stdout.splitlines()
        print(f"  {state}: {name}")
        for line in diff:
            if line[:1] in "+-" and line[:3] not in ("+++", "---"):
                print(f"      {line}")
    return result


def main(selected: list[str]) -> int:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mutation = config["tool"]["mutation"]
    modules: dict[str, list[str]] = mutation["modules"]
    unknown = [module for module in selected if module not in modules]
    if unknown:
        print(f"not in [tool.mutation.modules]: {', '.join(unknown)}")
        return 2
    equivalents = _equivalents()
    results = []
    for module in selected or list(modules):
        print(f"{module} against {' '.join(modules[module])}")
        results.append(
            _run(module, modules[module], mutation["mutmut"], config["tool"]["pytest"]["ini_options"], equivalents)
        )
    print()
    print(
        f"{'module':32} {'mutants':>7} {'killed':>6} {'of which timeouts':>19} {'equiv.':>6} {'left':>4}"
        f" {'kill rate':>9} {'w/o equiv.':>10} {'time':>6}"
    )
    failed = False
    for r in results:
        if r.get("failed"):
            failed = True
            print(f"{r['module']:32} failed")
            continue
        failed |= bool(r["unexplained"])
        print(
            f"{r['module']:32} {r['mutants']:7} {r['killed']:6} {r['timeouts']:19} {r['equivalent']:6} {len(r['unexplained']):4}"
            f" {r['rate']:8.1f}% {r['rate_without_equivalents']:9.1f}% {r['seconds']:5.0f}s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

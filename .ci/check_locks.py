"""Check that the lock files are in step with the human lists (run by `make lint`).

requirements.txt / requirements-dev.txt are edited by hand; requirements.lock /
requirements-dev.lock are generated from them by `make lock` (pip-compile). This fails when
a pin of a .txt is missing from its lock or differs there, when a lock still holds a direct
requirement that its .txt dropped, or when the dev lock disagrees with the production lock.
It reads files only, so it works offline.

Usage: python .ci/check_locks.py [project root]
"""

import re
import sys
from pathlib import Path

# (human list, its lock): each .txt is compiled into the lock beside it.
PAIRS = (("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;\\#]+)")
VIA_TXT = re.compile(r"#\s+(?:via\s+)?-r\s+(\S+)")


def normalize(name):
    """PEP 503: pip treats Django_Filter and django-filter as the same project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_txt(path):
    """{name: version} of a hand-kept list, following its `-r other.txt` includes."""
    pins = {}
    for raw in path.read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            pins.update(read_txt(path.parent / line.split(maxsplit=1)[1]))
            continue
        match = PIN.match(line)
        if match:
            pins[normalize(match[1])] = match[2]
        elif line and not line.startswith("#"):
            raise ValueError(f"{path.name}: not an exact pin (name==version): {raw!r}")
    return pins


def read_lock(path):
    """{name: (version, {the .txt files it is a direct requirement of})} of a pip-compile lock."""
    entries, current = {}, None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normalize(match[1])
            entries[current] = (match[2], set())
        elif current and (via := VIA_TXT.search(line)):
            entries[current][1].add(Path(via[1]).name)
    return entries


def problems(root):
    """Every way the locks under root are out of step, as sentences; empty when in step."""
    root = Path(root)
    found = []
    locks = {}
    for txt_name, lock_name in PAIRS:
        txt_path, lock_path = root / txt_name, root / lock_name
        if not lock_path.exists():
            found.append(f"{lock_name} is missing: run `make lock`.")
            continue
        pins, lock = read_txt(txt_path), read_lock(lock_path)
        locks[lock_name] = lock
        for name, version in sorted(pins.items()):
            if name not in lock:
                found.append(f"{name}=={version} ({txt_name}) is missing from {lock_name}.")
            elif lock[name][0] != version:
                found.append(f"{name}=={version} ({txt_name}) is {name}=={lock[name][0]} in {lock_name}.")
        # A line dropped from a .txt leaves its pin in the lock marked "via -r that.txt".
        for name, (version, via) in sorted(lock.items()):
            if name not in pins and via & {Path(t).name for t, _ in PAIRS}:
                found.append(f"{name}=={version} in {lock_name} is no longer in {', '.join(sorted(via))}.")
    if len(locks) == len(PAIRS):
        prod, dev = (locks[lock_name] for _, lock_name in PAIRS)
        for name, (version, _) in sorted(prod.items()):
            if name not in dev:
                found.append(f"{name}=={version} of {PAIRS[0][1]} is missing from {PAIRS[1][1]}.")
            elif dev[name][0] != version:
                found.append(f"{name} is {version} in {PAIRS[0][1]} but {dev[name][0]} in {PAIRS[1][1]}.")
    return found


def main(argv):
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = problems(root)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print("The locks are out of step with the .txt files: run `make lock`.", file=sys.stderr)
        return 1
    print("Locks in step with requirements.txt and requirements-dev.txt.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The generated locks stay in step with the hand-kept requirements lists (.ci/check_locks.py)."""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = ("requirements.txt", "requirements-dev.txt", "requirements.lock", "requirements-dev.lock")


def load_checker():
    spec = importlib.util.spec_from_file_location("check_locks", ROOT / ".ci" / "check_locks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_locks = load_checker()


@pytest.fixture
def copy(tmp_path):
    """The project's four requirement files in a scratch folder, to be edited by a test."""
    for name in FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_the_project_locks_are_in_step():
    assert check_locks.problems(ROOT) == []


def test_every_lock_pin_has_a_hash():
    """`pip install --require-hashes` refuses a lock with an unhashed pin."""
    for name in ("requirements.lock", "requirements-dev.lock"):
        lines = (ROOT / name).read_text().splitlines()
        for number, line in enumerate(lines):
            if check_locks.PIN.match(line):
                assert line.endswith("\\") and "--hash=sha256:" in lines[number + 1], f"{name}: {line}"


def test_a_bumped_pin_not_relocked_is_reported(copy):
    edit(copy / "requirements.txt", "Django==5.2.19", "Django==5.2.99")
    found = check_locks.problems(copy)
    assert "django==5.2.99 (requirements.txt) is django==5.2.19 in requirements.lock." in found
    # requirements-dev.txt includes requirements.txt, so its lock is stale as well.
    assert "django==5.2.99 (requirements-dev.txt) is django==5.2.19 in requirements-dev.lock." in found


def test_a_new_pin_not_relocked_is_reported(copy):
    (copy / "requirements-dev.txt").write_text((copy / "requirements-dev.txt").read_text() + "Some_Tool==1.0\n")
    found = check_locks.problems(copy)
    assert found == ["some-tool==1.0 (requirements-dev.txt) is missing from requirements-dev.lock."]


def test_a_dropped_requirement_still_in_the_lock_is_reported(copy):
    edit(copy / "requirements-dev.txt", "pypdf==6.21.4\n", "")
    found = check_locks.problems(copy)
    assert found == ["pypdf==6.21.4 in requirements-dev.lock is no longer in requirements-dev.txt."]


def test_a_dev_lock_that_disagrees_with_the_production_lock_is_reported(copy):
    # A transitive pin (no line of its own in a .txt) edited in the dev lock only.
    version = check_locks.read_lock(copy / "requirements.lock")["kombu"][0]
    edit(copy / "requirements-dev.lock", f"\nkombu=={version} ", "\nkombu==0.0.1 ")
    assert check_locks.problems(copy) == [
        f"kombu is {version} in requirements.lock but 0.0.1 in requirements-dev.lock."
    ]


def test_a_missing_lock_is_reported(copy):
    (copy / "requirements.lock").unlink()
    assert "requirements.lock is missing: run `make lock`." in check_locks.problems(copy)


def test_a_loose_requirement_is_refused(copy):
    """The .txt lists pin exactly; a range would let the lock and the list drift."""
    edit(copy / "requirements.txt", "Django==5.2.19", "Django>=5.2")
    with pytest.raises(ValueError, match="not an exact pin"):
        check_locks.problems(copy)

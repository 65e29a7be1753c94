"""The one list of lessons: each lesson has its three homes, and the Docker image ships them all."""

import re
from pathlib import Path

import pytest

from nn_core.lessons import LESSONS, lesson

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize("entry", LESSONS, ids=lambda entry: entry.slug)
def test_a_lesson_lives_at_one_slug_in_every_tree(entry):
    assert (ROOT / entry.page_path).is_file()
    assert (ROOT / "ui" / entry.slug / "__init__.py").is_file()
    assert (ROOT / "nn_core" / entry.slug / "__init__.py").is_file()
    assert entry.config_class.__module__.startswith(f"nn_core.{entry.slug}.")


def test_slugs_and_titles_are_unique_and_found():
    assert len({entry.slug for entry in LESSONS}) == len(LESSONS)
    assert len({entry.title for entry in LESSONS}) == len(LESSONS)
    assert lesson("mlp").title == "Multi-Layer Perceptron"
    with pytest.raises(KeyError):
        lesson("nonsense")


def test_the_docker_image_ships_every_tree_a_lesson_lives_in():
    copied = set(re.findall(r"^COPY (\S+) ", (ROOT / "Dockerfile").read_text(), flags=re.M))
    assert {"app.py", "pages", "ui", "nn_core", ".streamlit"} <= copied


def test_the_app_and_the_home_page_read_the_list_instead_of_repeating_it():
    for script in ("app.py", "pages/home.py"):
        text = (ROOT / script).read_text()
        assert "LESSONS" in text
        assert not any(f'"{entry.title}"' in text for entry in LESSONS), f"{script} names a lesson itself"

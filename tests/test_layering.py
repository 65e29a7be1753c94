"""The engine never imports Streamlit; pages stay thin."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_nn_core_does_not_import_streamlit():
    code = (
        "import sys, pkgutil, importlib, nn_core\n"
        "for m in pkgutil.walk_packages(nn_core.__path__, 'nn_core.'): importlib.import_module(m.name)\n"
        "assert 'streamlit' not in sys.modules, 'nn_core imported streamlit'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_pages_do_not_import_tensorflow():
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text()
        assert "import tensorflow" not in text and "import keras" not in text, page.name

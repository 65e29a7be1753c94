"""Text a person typed, shown as typed: never formatting, a link, an icon or HTML.

Every Streamlit element that reads Markdown (bodies, headers, captions, alerts, labels,
``help=`` tooltips) would turn a student's ``[answers](https://...)`` into a live link, or
``:red[...]`` into colour. ``plain`` makes such text safe to put into any of them: class
titles, names and tasks, a recurrent network's start text, anything from a link or a file.
"""

from __future__ import annotations

import re
import string

_WORD_JOINER = "\u2060"  # an invisible character that joins, never breaks, the text around it
_FOUND_IN_TEXT = re.compile(r"(?<=[:@])(?=\S)|(?i:(?<=www)(?=\.))")


def plain(text: str) -> str:
    """Text shown as it was typed in any Streamlit element that reads Markdown (bodies, labels, ``help=``).

    Two layers, because Streamlit finds formatting in two places:

    - In the Markdown source, every ASCII punctuation character becomes a numeric character
      reference (``*`` -> ``&#42;``), which Markdown reads as that character and never as
      syntax: no emphasis, link, heading, list, HTML, LaTeX (``$``), colour (``:red[...]``)
      or ``:material/...:`` icon.
    - In the text once parsed, web and e-mail addresses become links and ``:name:`` becomes an
      emoji, an icon or the Streamlit logo. An invisible word joiner (U+2060) after each ``:``
      and ``@`` that something follows, and between ``www`` and its dot, leaves nothing there
      for those to find.

    Args:
        text: a class's title, a student's name, a task: anything a person typed.

    Returns:
        Markdown that shows ``text`` as typed (with invisible word joiners).
    """
    joined = _FOUND_IN_TEXT.sub(_WORD_JOINER, str(text))
    return "".join(f"&#{ord(char)};" if char in string.punctuation else char for char in joined)

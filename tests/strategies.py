"""Hypothesis strategies that build valid UK postcodes from the format rules, not a list."""

from __future__ import annotations

from hypothesis import strategies as st

from lists import postcodes as pc

areas = st.sampled_from(sorted(pc.AREAS))
_digits = st.integers(min_value=0, max_value=99).map(str)


@st.composite
def outcodes(draw: st.DrawFn) -> str:
    """A district by the rules: area + 1-99, or a lettered central London district."""
    if draw(st.integers(0, 9)) == 0:
        base = draw(st.sampled_from(sorted(pc.LETTERED_DISTRICTS)))
        letters = pc.DISTRICT_LETTER_A9A if len(base) == 2 else pc.DISTRICT_LETTER_AA9A
        return base + draw(st.sampled_from(letters))
    return draw(areas) + draw(_digits)


@st.composite
def inwards(draw: st.DrawFn) -> str:
    letters = st.sampled_from(pc.INWARD_LETTERS)
    return str(draw(st.integers(0, 9))) + draw(letters) + draw(letters)


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    """A canonical full postcode such as ``SW1A 1AA``."""
    return f"{draw(outcodes())} {draw(inwards())}"


@st.composite
def typed(draw: st.DrawFn, canonical: str) -> str:
    """*canonical* as someone might type it: any case, no space or extra spaces."""
    out, _, inw = canonical.partition(" ")
    sep = draw(st.sampled_from(["", " ", "  ", "\t"]))
    text = out + (sep + inw if inw else "")
    text = "".join(c.lower() if draw(st.booleans()) else c for c in text)
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " ", "\n"]))

"""Property-based tests of the code checker: for any text, accepted (and then canonical and safe) or refused with
`UnsafeModelError` - never another exception, never a hang."""

from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brian2nwb import UnsafeModelError
from brian2nwb.trust.code import CodeChecker, check_unit

IDENTIFIERS = {"v", "w", "tau", "I", "g_syn"}
CHECKER = CodeChecker(IDENTIFIERS, functions={"stimulus"})
#: Pieces of Brian2 code and of attacks, glued into expressions by the strategies below.
ATOMS = ["v", "w", "tau", "I", "v_post", "w_pre", "t", "dt", "i", "N", "xi", "mV", "ms", "pi", "e", "_x",
         "__import__", "os", "open", "eval", "1", "0", "2.5", "1e-3", "10**20", "1e400", "True", "'s'", "b'x'",
         "None", "...", "[1]", "{}", "lambda: 1", "stimulus(t)", "exp(v)", "rand()", "v.__class__", "x[0]"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "<", ">", "==", "!=", "<=", " and ", " or ", " if v else ",
             ", ", ";", "=", "+=", "\n", ".", "@", "&", "|", "^", "<<", ">>"]


@st.composite
def expressions(draw, depth: int = 0):
    """Expressions built from Brian2 pieces and attack pieces, nested up to a few levels."""
    if depth > 3 or draw(st.booleans()):
        return draw(st.sampled_from(ATOMS))
    kind = draw(st.sampled_from(["binary", "unary", "call", "paren", "power"]))
    left = draw(expressions(depth + 1))
    if kind == "binary":
        return f"{left}{draw(st.sampled_from(OPERATORS))}{draw(expressions(depth + 1))}"
    if kind == "unary":
        return f"{draw(st.sampled_from(['-', 'not ', '~', '+']))}{left}"
    if kind == "call":
        return f"{draw(st.sampled_from(['exp', 'sin', 'stimulus', 'clip', 'getattr', 'int']))}({left})"
    if kind == "power":
        return f"{left}**{draw(st.sampled_from(['2', '-1', '0.5', '2**2', '99999', 'v', '(2**2**2)']))}"
    return f"({left})"


def _check(code: str, mode: str) -> str | None:
    try:
        return CHECKER.check_code(code, "test", mode=mode)
    except UnsafeModelError:
        return None


def _assert_canonical_and_safe(accepted: str, mode: str) -> None:
    # the canonical text checks again to itself, and holds only known names and allowed nodes
    assert CHECKER.check_code(accepted, "again", mode=mode) == accepted
    for node in ast.walk(ast.parse(accepted, mode=mode)):
        assert not isinstance(node, (ast.Attribute, ast.Subscript, ast.Lambda, ast.Import, ast.JoinedStr))
        if isinstance(node, ast.Name):
            assert not node.id.startswith("_")
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, (int, float, bool))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(), st.sampled_from(["eval", "exec"]))
def test_generated_code_is_accepted_canonical_or_refused(code, mode):
    accepted = _check(code, mode)
    if accepted is not None:
        _assert_canonical_and_safe(accepted, mode)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["eval", "exec"]))
def test_any_text_is_accepted_or_refused(text, mode):
    accepted = _check(text, mode)
    if accepted is not None:
        _assert_canonical_and_safe(accepted, mode)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="metrkilogramsecondamp*/ -0123456789.()_", max_size=60))
def test_any_unit_text_is_flat_si_or_refused(text):
    try:
        rendered = check_unit(text, "test")
    except UnsafeModelError:
        return
    assert check_unit(rendered, "again") == rendered
    assert "(" not in rendered


@pytest.mark.parametrize("code", ["v > 2**2**2**2**2**2", "-" * 10_000 + "v", "(" * 1_000 + "v" + ")" * 1_000,
                                  "v + " * 30_000 + "v", "v = " + "9" * 10_000])
def test_bounded_work_on_pathological_code(code):
    """Each of these once took minutes or memory in Brian2 or sympy; now refused at once."""
    with pytest.raises(UnsafeModelError):
        CHECKER.check_code(code, "test")


def test_the_generator_reaches_code_that_is_accepted_and_refused():
    """The properties above are not vacuous: generated code is sometimes accepted (powers, calls) and sometimes
    refused."""
    from hypothesis import find

    assert find(expressions(), lambda code: _check(code, "eval") is not None and "**" in code and "(" in code)
    assert find(expressions(), lambda code: _check(code, "eval") is None)

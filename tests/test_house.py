"""House measures of ``helpers``: how much of it is argument checking.

DESIGN.md §8 asks for one line of checking per argument, so that a learner
who opens a helper reads the idea before the guards. This file measures
that with :mod:`ast` and holds it to ``MAX_CHECK_SHARE``.

The rule, precisely
-------------------
*Functions*: every ``def`` (functions, methods, nested functions) in
``helpers/**/*.py`` except ``helpers/checks.py``, the checker library
itself (measured apart, as a validation library one imports would be).

*Body lines* of a function: the source lines of the statements of its body,
from each statement's first to its last line, without the docstring (a
leading string statement), blank lines and lines that hold only a comment.
A module's body lines are the union over its functions, so a nested
function's lines count once.

*Check lines*: body lines of

1. a ``raise`` statement, all its lines;
2. an ``assert`` statement;
3. the guard of a ``raise``: the header of an ``if``/``elif`` (from ``if``
   to the end of its test) whose block holds a ``raise`` directly, an
   ``else:`` line whose block does, and an ``except ...:`` line whose block
   does; and the header of an ``if``, ``for``, ``while`` or ``with`` whose
   block is all check lines (a loop that checks each entry);
4. any statement (a simple statement, or the header of a compound one)
   that calls the checker library (``checks.<name>(...)``, or a name
   imported from ``helpers.checks``) or a *checker* of its own module;
5. every body line of a function whose name starts with ``_check``.

A *checker* is a private function (its name starts with ``_``) whose name
starts with ``_check``, or more than half of whose statements (below) are
checks by rules 1-5 (a forwarding wrapper such as ``def _pair(v, name):
return checks.pair(v, name)``), found by repeating the rules until no new
checker appears. Only calls to a checker count as checks; its own lines
count by rules 1-5 (a public function, however much it checks, is no
checker: a call to ``pad2d`` is work).

*Statements*: the same, counted by statement instead of by line: every
statement of a function body (a compound one once, for its header; no
docstring), and of those the ones whose first line is a check line. A
statement wrapped over three lines is one statement, so this measure does
not change when a formatter (``ruff format``) re-wraps the code; it is the
one the house rule holds (one checking statement per argument), the line
measure is reported beside it.

*Share*: checks / body, over all of ``helpers`` (without ``checks.py``) and
per module. Run ``python tests/test_house.py`` for the table.
"""

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parents[1] / "helpers"
LIBRARY = "checks.py"  # the checker library: measured apart
MAX_CHECK_SHARE = 0.15  # issue 28's target for all of helpers
CHECKER_SHARE = 0.5  # a private function more than half checks is a checker


@dataclass
class Count:
    """What one function, module or package holds: body and check lines and statements."""

    lines: int = 0
    check_lines: int = 0
    statements: int = 0
    check_statements: int = 0

    @property
    def share(self):
        """Check statements / statements (the measure the house rule holds)."""
        return self.check_statements / self.statements if self.statements else 0.0

    @property
    def line_share(self):
        return self.check_lines / self.lines if self.lines else 0.0

    def __add__(self, other):
        return Count(
            self.lines + other.lines,
            self.check_lines + other.check_lines,
            self.statements + other.statements,
            self.check_statements + other.check_statements,
        )


def _code_lines(source_lines, first, last):
    """Line numbers first..last that are neither blank nor only a comment."""
    return {
        n
        for n in range(first, last + 1)
        if source_lines[n - 1].strip() and not source_lines[n - 1].strip().startswith("#")
    }


def _body(function):
    """A function's statements without its docstring."""
    body = function.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    return body


def _functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _statement_starts(function):
    """The first line of every statement of a function's body, nested blocks included."""
    return {
        node.lineno
        for statement in _body(function)
        for node in ast.walk(statement)
        if isinstance(node, ast.stmt) and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    }


def _raises_directly(block):
    return any(isinstance(statement, ast.Raise) for statement in block)


def _header_end(statement):
    """The last line of a compound statement's header (before its block)."""
    for field in ("test", "iter", "items", "context_expr"):
        value = getattr(statement, field, None)
        if isinstance(value, list) and value:
            return max(
                item.context_expr.end_lineno if isinstance(item, ast.withitem) else item.end_lineno for item in value
            )
        if isinstance(value, ast.AST):
            return value.end_lineno
    return statement.lineno


def _calls_a_checker(node, checkers, library_names):
    """True when ``node`` (an expression or a statement) calls checks.* or a checker."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        function = call.func
        if (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "checks"
        ):
            return True
        if isinstance(function, ast.Name) and (function.id in checkers or function.id in library_names):
            return True
    return False


def _header_nodes(statement):
    """The expressions a compound statement evaluates in its header."""
    if isinstance(statement, (ast.If, ast.While)):
        return [statement.test]
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        return [statement.iter]
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in statement.items]
    return []


def _check_lines_of(function, source_lines, checkers, library_names):
    """Check lines of one function's body by rules 1-4 (nested functions included)."""
    lines = set()

    def visit(block):
        for statement in block:
            if isinstance(statement, (ast.Raise, ast.Assert)):
                lines.update(_code_lines(source_lines, statement.lineno, statement.end_lineno))
                continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(_body(statement) if not isinstance(statement, ast.ClassDef) else statement.body)
                continue
            compound = hasattr(statement, "body") and isinstance(statement.body, list)
            if not compound:
                if _calls_a_checker(statement, checkers, library_names):
                    lines.update(_code_lines(source_lines, statement.lineno, statement.end_lineno))
                continue
            header = range(statement.lineno, _header_end(statement) + 1)
            if (isinstance(statement, ast.If) and _raises_directly(statement.body)) or any(
                _calls_a_checker(node, checkers, library_names) for node in _header_nodes(statement)
            ):
                lines.update(_code_lines(source_lines, header.start, header.stop - 1))
            visit(statement.body)
            block = set().union(*(_code_lines(source_lines, s.lineno, s.end_lineno) for s in statement.body))
            if (
                isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith))
                and block
                and block <= lines
            ):
                lines.update(_code_lines(source_lines, header.start, header.stop - 1))
            orelse = getattr(statement, "orelse", [])
            if orelse and _raises_directly(orelse) and not (len(orelse) == 1 and isinstance(orelse[0], ast.If)):
                for n in range(statement.body[-1].end_lineno + 1, orelse[0].lineno):
                    if source_lines[n - 1].strip().startswith("else"):
                        lines.add(n)
            visit(orelse)
            for handler in getattr(statement, "handlers", []):
                if _raises_directly(handler.body):
                    lines.update(_code_lines(source_lines, handler.lineno, handler.body[0].lineno - 1))
                visit(handler.body)
            visit(getattr(statement, "finalbody", []))

    visit(_body(function))
    return lines


def measure_source(source):
    """``{function qualname: (body lines, check lines, statement starts)}`` (sets of
    line numbers) for one module's source."""
    tree = ast.parse(source)
    source_lines = source.splitlines()
    library_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "helpers.checks"
        for alias in node.names
    }
    functions = _functions(tree)
    names = _qualified_names(tree)
    body, starts = {}, {}
    for function in functions:
        statements = _body(function)
        body[function] = set().union(*(_code_lines(source_lines, s.lineno, s.end_lineno) for s in statements))
        starts[function] = _statement_starts(function)
    checkers = {f.name for f in functions if f.name.startswith("_check")}
    while True:
        checks = {}
        for function in functions:  # rules 1-4, then rule 5 (nested _check functions included)
            lines = _check_lines_of(function, source_lines, checkers, library_names)
            for inner in _functions(function):
                if inner.name.startswith("_check"):
                    lines |= body[inner]
            checks[function] = lines & body[function]
        new = {
            f.name
            for f in functions
            if f.name.startswith("_")
            and f.name not in checkers
            and starts[f]
            and len(starts[f] & checks[f]) > CHECKER_SHARE * len(starts[f])
        }
        if not new:
            break
        checkers |= new
    return {names[f]: (body[f], checks[f], starts[f]) for f in functions}


def _qualified_names(tree):
    names = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    names[child] = name
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def _count(body, checks, starts):
    return Count(len(body), len(checks), len(starts), len(starts & checks))


def measure_module(source):
    """``(module Count, {function qualname: Count})`` of one module."""
    functions = measure_source(source)
    union = [set().union(*(found[i] for found in functions.values())) for i in range(3)]
    return _count(*union), {name: _count(*found) for name, found in functions.items()}


def measure(root=HELPERS):
    """``{module path: (module Count, {function: Count}, source lines)}`` for every module under ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        source = path.read_text()
        total, functions = measure_module(source)
        modules[str(path.relative_to(root.parent))] = (total, functions, len(source.splitlines()))
    return modules


def summary(modules):
    """``(Count of all helpers without the library, (longest function, its body lines))``."""
    measured = {path: m for path, m in modules.items() if not path.endswith("/" + LIBRARY)}
    total = sum((m[0] for m in measured.values()), Count())
    longest = max(
        ((f"{path}:{name}", count.lines) for path, m in measured.items() for name, count in m[1].items()),
        key=lambda item: item[1],
    )
    return total, longest


# --- the tests of the rule (synthetic source, counts worked out by hand) -------------

SYNTHETIC = textwrap.dedent('''
    from helpers import checks


    def _pair(value, name):
        """Forwarding wrapper: a checker by rule 5."""
        return checks.pair(value, name)


    def conv(x, k, stride=1):
        """Docstring: not a body line."""
        x = checks.array_of(x, "x")          # rule 4
        # a comment: not a body line

        strides = _pair(stride, "stride")     # rule 4: calls a checker
        if k.ndim != 4:                       # rule 3
            raise ValueError(                 # rule 1: both lines
                "kernel must be 4-D")
        assert x.ndim == 4                    # rule 2
        for name, value in (("k", k), ("x", x)):  # rule 3: a loop of checks
            checks.array_of(value, name)
        out = x * k                           # the idea
        try:
            out = out + 1                     # the idea
        except TypeError:                     # rule 3
            raise TypeError("x must be numbers") from None
        if out.any():                         # not a guard: no raise in its block
            out = out - 1
        else:                                 # rule 3
            raise ValueError("out must be nonzero")
        for row in range(2):                  # the idea, from here on
            out = out + row
            out = out * 2
        out = out.sum()
        out = out + 1
        return float(out)


    def _check_window(window):
        window = window + 0                   # rule 5: a _check function
        return window


    def idea(x):
        y = x + 1
        z = y * 2
        return z
''')


def test_the_rule_counts_a_synthetic_module_as_worked_out_by_hand():
    total, functions = measure_module(SYNTHETIC)
    assert functions["_pair"] == Count(1, 1, 1, 1)
    # conv, lines: 23; the idea: out = x * k, try:, out = out + 1, if out.any():, out = out - 1 and
    # the last six -> 11; the other 12 are checks. Statements: 20 (the raise over two lines is one;
    # except: and else: are no statements); checks: x, strides, if, raise, assert, for, array_of,
    # raise TypeError, raise ValueError -> 9.
    assert functions["conv"] == Count(23, 12, 20, 9)
    assert functions["_check_window"] == Count(2, 2, 2, 2)
    assert functions["idea"] == Count(3, 0, 3, 0)
    assert total == Count(29, 15, 26, 12)


def test_a_wrapper_that_is_mostly_work_is_not_a_checker():
    source = textwrap.dedent("""
        from helpers import checks

        def _helper(x):
            x = checks.array_of(x, "x")
            y = x + 1
            return y * 2

        def caller(x):
            return _helper(x)
    """)
    _, functions = measure_module(source)
    assert functions["_helper"] == Count(3, 1, 3, 1)
    assert functions["caller"] == Count(1, 0, 1, 0)


def test_a_public_function_is_no_checker_however_much_it_checks():
    source = textwrap.dedent("""
        from helpers import checks

        def pad(x, p):
            x = checks.array_of(x, "x")
            p = checks.integer(p, "p")
            return x + p

        def caller(x):
            return pad(x, 1)
    """)
    _, functions = measure_module(source)
    assert functions["pad"] == Count(3, 2, 3, 2)
    assert functions["caller"] == Count(1, 0, 1, 0)


def test_a_nested_function_counts_once_in_the_module():
    source = textwrap.dedent("""
        def outer(x):
            def inner(y):
                if y < 0:
                    raise ValueError("y must be >= 0")
                z = y * 2
                w = z + 1
                return w
            return inner(x)
    """)
    total, functions = measure_module(source)
    assert functions["outer"] == Count(7, 2, 7, 2) and functions["outer.inner"] == Count(5, 2, 5, 2)
    assert total == Count(7, 2, 7, 2)


def test_names_imported_from_the_library_are_checks():
    source = textwrap.dedent("""
        from helpers.checks import positive_int

        def f(n):
            n = positive_int(n, "n")
            return n + 1
    """)
    assert measure_module(source)[1]["f"] == Count(2, 1, 2, 1)


def test_re_wrapping_a_check_changes_its_lines_not_its_statements():
    one_line = 'def f(x):\n    x = checks.array_of(x, "x", "(N, H, W, C)", kinds="iuf")\n    return x + 1\n'
    wrapped = (
        'def f(x):\n    x = checks.array_of(\n        x,\n        "x",\n        "(N, H, W, C)",\n'
        '        kinds="iuf",\n    )\n    return x + 1\n'
    )
    a, b = measure_module(one_line)[0], measure_module(wrapped)[0]
    assert (a.lines, a.check_lines, b.lines, b.check_lines) == (2, 1, 7, 6)
    assert (a.statements, a.check_statements) == (b.statements, b.check_statements) == (2, 1)


def test_every_helpers_module_is_measured():
    modules = measure()
    assert "helpers/ops.py" in modules and "helpers/plots/kit.py" in modules
    assert all(total.statements > 0 for path, (total, *_rest) in modules.items() if not path.endswith("__init__.py"))


# --- the house rule ----------------------------------------------------------------


def test_argument_checks_are_at_most_15_percent_of_helpers_statements():
    total, _ = summary(measure())
    assert total.share <= MAX_CHECK_SHARE, (
        f"checks are {total.share:.1%} of helpers' function-body statements ({total.check_statements} of "
        f"{total.statements}); the house target is {MAX_CHECK_SHARE:.0%}: one line per argument (DESIGN.md §8)"
    )


def test_ops_reads_top_to_bottom_as_the_operations():
    """The operations come first; the plumbing they share (batches, dtypes,
    padding, checked inputs) sits after the last of them."""
    tree = ast.parse((HELPERS / "ops.py").read_text())
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    last_public = max(i for i, name in enumerate(names) if not name.startswith("_"))
    shared = {"_as_batch", "_unbatch", "_compute_dtype", "_padded", "_conv_inputs"}
    assert not names[0].startswith("_"), names[:3]
    assert shared <= set(names[last_public + 1 :]), names


@pytest.mark.parametrize("module", ["ops.py", "training.py"])
def test_no_separate_check_functions_in_ops_and_training(module):
    """Their arguments are checked in the function that takes them, one line each."""
    tree = ast.parse((HELPERS / module).read_text())
    assert not [f.name for f in _functions(tree) if f.name.startswith("_check")]


def main():
    modules = measure()
    print(f"{'module':30} {'lines':>6} {'body':>6} {'check':>6} {'share':>6}   {'stmts':>6} {'check':>6} {'share':>6}")
    for path, (c, _, lines) in modules.items():
        print(
            f"{path:30} {lines:6} {c.lines:6} {c.check_lines:6} {c.line_share:6.0%}   "
            f"{c.statements:6} {c.check_statements:6} {c.share:6.0%}"
        )
    total, (name, length) = summary(modules)
    library = modules[f"helpers/{LIBRARY}"]
    print(
        f"\nhelpers without {LIBRARY}: {total.check_statements} check statements of {total.statements} = "
        f"{total.share:.1%}; {total.check_lines} check lines of {total.lines} body lines = {total.line_share:.1%}"
    )
    print(
        f"{LIBRARY}: {library[0].lines} body lines, {library[2]} source lines; "
        f"all helpers: {sum(m[2] for m in modules.values())} source lines"
    )
    print(f"longest function: {name}, {length} body lines")


if __name__ == "__main__":
    main()

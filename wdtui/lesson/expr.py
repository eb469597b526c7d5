"""The small expression language of assets/lesson.toml: conditions over the run's facts.

A step's expressions are over named facts (lesson.facts). They say when the step is done
(`twins_finished and twin_preset == 'overfit'`), and which outcome makes each prediction right
(`val_change < -0.3`). They also say which outcome text applies. Python's own parser reads them.
But only a whitelist of nodes may appear: names, numbers, strings, comparisons, arithmetic,
and/or/not, abs/min/max. So a lesson file can compute nothing else. And a typo is found when
the file is loaded, not halfway through a lesson.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping, Set
from typing import Any

FUNCTIONS = {"abs": abs, "min": min, "max": max}
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Gt: operator.gt, ast.GtE: operator.ge}


class ExpressionError(ValueError):
    """An expression the lesson language does not allow, or a fact it does not know."""


def check(text: str, known: Set[str]) -> ast.Expression:
    """Parse `text`, refusing any node outside the language and any name not in `known`."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"{text!r} is not an expression ({exc.msg})") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise ExpressionError(f"{text!r}: only {', '.join(FUNCTIONS)} may be called")
        elif isinstance(node, ast.Name):
            if node.id not in known and node.id not in FUNCTIONS and node.id not in ("True", "False"):
                raise ExpressionError(f"{text!r}: no fact named {node.id!r}")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str, bool)):
                raise ExpressionError(f"{text!r}: {node.value!r} is not a number, a string or a truth value")
        elif not isinstance(node, (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
                                   ast.UAdd, ast.BinOp, ast.Compare, ast.Load, *BINARY, *COMPARE)):
            raise ExpressionError(f"{text!r}: {type(node).__name__} is not allowed in a lesson")
    return tree


def evaluate(tree: ast.Expression, facts: Mapping[str, Any]) -> Any:
    """The value of a checked expression.

    A fact that is not known yet (None) makes any comparison or arithmetic with it None, and
    None is false. So a step is never done, and a prediction never right, on numbers the run
    has not produced."""
    return _value(tree.body, facts)


def holds(tree: ast.Expression, facts: Mapping[str, Any]) -> bool:
    return bool(evaluate(tree, facts))


def _value(node: ast.AST, facts: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return facts[node.id]
    if isinstance(node, ast.BoolOp):
        values = (_value(v, facts) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        value = _value(node.operand, facts)
        if isinstance(node.op, ast.Not):
            return not value
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, facts), _value(node.right, facts)
        return None if left is None or right is None else BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        left = _value(node.left, facts)
        for op, comparator in zip(node.ops, node.comparators):
            right = _value(comparator, facts)
            if left is None or right is None or not COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call):
        args = [_value(a, facts) for a in node.args]
        return None if any(a is None for a in args) else FUNCTIONS[node.func.id](*args)
    raise ExpressionError(f"cannot evaluate {ast.dump(node)}")  # check() lets nothing else through

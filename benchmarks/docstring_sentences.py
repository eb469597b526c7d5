"""How long the sentences of wdtui's docstrings are.

A docstring reads best as a one-line summary, then one idea per sentence. This script measures
that: it walks the package with `ast` and takes every module, class and function docstring. It
splits each one into sentences and counts their words. It prints the number of sentences, the
share of at most 25 words, and the longest ones with their file and line.

    python benchmarks/docstring_sentences.py            # all of wdtui/
    python benchmarks/docstring_sentences.py wdtui/core --top 10

tests/core/test_docstrings.py holds the share at 90 % or more.

How a docstring is cut into sentences:
- A sentence ends at ".", "!" or "?" followed by a space and a word that does not start in lower
  case. So "e.g. a", "i.e. the", "0.5", "core/x.py" and "2.13.0" never end one.
- A blank line ends a sentence, and so does the start of a bullet ("- ", "* ", "• ", "1. ").
  A row of a table (columns lined up with three spaces or more) is a sentence of its own.
- A colon or a semicolon does not end a sentence: a chain of them is one long sentence.
- Code is not prose: a paragraph indented past the docstring's text, or a `>>>` line, is skipped.
- A word is a run of characters between spaces that holds a letter or a digit, so "—" or "=" is
  not one.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 25  # words: the longest sentence that still reads in one breath

# Abbreviations whose full stop never ends a sentence, whatever follows.
ABBREVIATIONS = ("e.g.", "i.e.", "cf.", "vs.", "approx.")
BULLET = re.compile(r"^(?:[-*•]|\d+[.)]|\(\w\))\s+")
ROW = re.compile(r"\S {3,}\S")  # columns lined up with spaces: a row of a table
# A sentence end: ".", "!" or "?" (closing quotes and brackets may follow), then a space, then a
# character that is not a lower-case letter.
END = re.compile(r"(?<!\.\.)[.!?]['\")\]]*(?=\s+[^\sa-z])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a docstring: where it starts, and its text on one line."""

    path: str
    line: int
    text: str

    @property
    def words(self) -> int:
        return count_words(self.text)


def count_words(text: str) -> int:
    """The words in `text`: space-separated pieces holding a letter or a digit."""
    return sum(1 for piece in text.split() if any(c.isalnum() for c in piece))


def docstring_lines(node: ast.AST) -> tuple[int, list[str]] | None:
    """The line a node's docstring starts on, and its lines with the common indent removed."""
    body = getattr(node, "body", None)
    if not body or not isinstance(body[0], ast.Expr):
        return None
    value = body[0].value
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    lines = value.value.expandtabs().split("\n")
    indents = [len(s) - len(s.lstrip()) for s in lines[1:] if s.strip()]
    margin = min(indents, default=0)
    return value.lineno, [lines[0].strip(), *(s[margin:].rstrip() for s in lines[1:])]


def paragraphs(first_line: int, lines: list[str]) -> list[list[tuple[int, str]]]:
    """The prose of a docstring as pieces (paragraphs and bullets) of (line, text), code left out."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for offset, text in enumerate(lines):
        if text.strip():
            blocks[-1].append((first_line + offset, text))
        elif blocks[-1]:
            blocks.append([])
    pieces: list[list[tuple[int, str]]] = []
    for block in filter(None, blocks):
        # A paragraph indented past the text is code or a command, not prose.
        if all(text.startswith("    ") for _, text in block) and not BULLET.match(block[0][1].strip()):
            continue
        prose = [(number, text.strip()) for number, text in block if not text.strip().startswith(">>>")]
        for index, (number, text) in enumerate(prose):
            if index == 0 or BULLET.match(text) or ROW.search(text):
                pieces.append([(number, BULLET.sub("", text))])
            else:
                pieces[-1].append((number, text))
    return pieces


def split_sentences(text: str) -> list[str]:
    """`text` (one paragraph on one line) cut at its sentence ends."""
    sentences, start = [], 0
    for match in END.finditer(text):
        stop = match.end()
        before = text[start:stop]
        if before.lower().endswith(ABBREVIATIONS):
            continue  # "e.g. X" stays whole
        sentences.append(before.strip())
        start = stop
    rest = text[start:].strip()
    return [s for s in [*sentences, rest] if s]


def docstring_sentences(node: ast.AST, path: str) -> list[Sentence]:
    """The sentences of one node's docstring."""
    found = docstring_lines(node)
    if found is None:
        return []
    sentences = []
    for piece in paragraphs(*found):
        text = " ".join(line for _, line in piece)
        # Where each line of the piece starts in `text`, to give each sentence its own line.
        starts, at = [], 0
        for number, line in piece:
            starts.append((at, number))
            at += len(line) + 1
        at = 0
        for sentence in split_sentences(text):
            at = text.index(sentence, at)
            sentences.append(Sentence(path, max(n for start, n in starts if start <= at), sentence))
            at += len(sentence)
    return sentences


def sentences_in(paths: list[Path]) -> list[Sentence]:
    """Every docstring sentence of the Python files under `paths` (files or folders)."""
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py"))})
    found: list[Sentence] = []
    for file in files:
        shown = str(file.resolve().relative_to(ROOT)) if file.resolve().is_relative_to(ROOT) else str(file)
        tree = ast.parse(file.read_text(encoding="utf-8"), shown)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                found.extend(docstring_sentences(node, shown))
    return found


def share_within(sentences: list[Sentence], limit: int = LIMIT) -> float:
    """The share of `sentences` of at most `limit` words."""
    return sum(s.words <= limit for s in sentences) / len(sentences) if sentences else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "wdtui"],
                        help="files or folders to measure (default: wdtui/)")
    parser.add_argument("--limit", type=int, default=LIMIT, help=f"words a sentence may have (default {LIMIT})")
    parser.add_argument("--top", type=int, default=30, help="how many of the longest sentences to list (default 30)")
    args = parser.parse_args(argv)
    sentences = sentences_in(args.paths)
    within = sum(s.words <= args.limit for s in sentences)
    print(f"{len(sentences)} sentences, {within} of at most {args.limit} words: "
          f"{100 * share_within(sentences, args.limit):.1f} %")
    longest = sorted(sentences, key=lambda s: (-s.words, s.path, s.line))[:args.top]
    if longest:
        print(f"\nthe {len(longest)} longest:")
    for s in longest:
        text = s.text if len(s.text) <= 150 else s.text[:147] + "..."
        print(f"{s.words:4d}  {s.path}:{s.line}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

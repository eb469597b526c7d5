"""A CSV file's records, streamed a block at a time, with the faults a whole-file reader finds.

The bytes are read a block at a time and decoded. The text is cut where `splitlines()` of the
whole text ends a line. Lines without a quote are split at their commas: that is what the csv
module makes of them, at a fraction of its cost. From the first quote on, a quoted cell may hold
commas and line breaks, and the csv module reads the rest. A file's faults are said in the order
a reader of the whole text would find them. A NUL byte anywhere (binary) comes before text that
is not UTF-8 anywhere, and that before a record the csv module cannot read.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

BLOCK_BYTES = 1 << 20  # bytes of the file read at a time: a block's cells, as strings, stay a few MB


class DataError(ValueError):
    """A bad data file: the message is one line that says what is wrong and where."""


def filled(record: list[str]) -> bool:
    """A record holding more than spaces (a blank line is no row)."""
    return any(map(str.strip, record))


class Records:
    """The file's CSV records a block at a time, blank ones included.

    DataError for a file that is no CSV. As a whole-file reader says, that comes after a binary
    file or one not UTF-8 further on."""

    def __init__(self, path: Path) -> None:
        self.blocks, self.held = _record_blocks(path), []

    def take(self) -> list[list[str]]:
        """The next block of records; [] at the end of the file."""
        block, self.held = self.held or next(self.blocks, []), []
        return block

    def header(self) -> list[str] | None:
        """The first record that is not blank; None for a file of none."""
        while block := self.take():
            for i, record in enumerate(block):
                if filled(record):
                    self.held = block[i + 1:]
                    return record
        return None

    def count_rest(self) -> int:
        """How many rows are left: the rest read through, for the faults said before a cell's."""
        return sum(sum(map(filled, block)) for block in iter(self.take, []))


def _record_blocks(path: Path) -> Iterator[list[list[str]]]:
    """Lines without a quote are the csv module's records split at their commas.

    That is what the module makes of them, at a tenth of its cost. From the first quote on, a
    quoted cell may hold commas and line breaks, and the csv module reads the rest."""
    texts = _texts(path)
    for text in filter(None, texts):  # a block may end inside its first line: nothing to say yet
        if '"' not in text:
            yield [line.split(",") for line in text.splitlines()]  # "" → [""]: blank, as csv's []
            continue
        lines = chain(text.splitlines(), chain.from_iterable(map(str.splitlines, texts)))
        reader = csv.reader(lines)
        try:
            while block := list(islice(reader, 1 << 14)):
                yield block
        except csv.Error as exc:
            _count(lines)  # binary or not UTF-8 further on is said first
            raise DataError(f"{path}: not a readable CSV ({exc})") from None


def _texts(path: Path) -> Iterator[str]:
    """The file's decoded text in pieces that end where `splitlines()` of the whole text ends a
    line. A binary file (a NUL byte anywhere) is said before text that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blocks, text = _blocks(path), ""
    try:
        for block in chain(blocks, [None]):
            text += decoder.decode(block or b"", final=block is None)
            last = text.splitlines(True)[-1:] if block is not None else ()  # it may go on in the next block
            rest = last[0] if last else ""
            yield text[:len(text) - len(rest)]
            text = rest
    except UnicodeDecodeError:
        _count(blocks)
        raise DataError(f"{path}: is not UTF-8 text; save it as a UTF-8 CSV") from None


def _blocks(path: Path) -> Iterator[bytes]:
    """The file's bytes a block at a time; DataError when it cannot be read or holds a NUL byte."""
    try:
        with path.open("rb") as file:
            while block := file.read(BLOCK_BYTES):
                if b"\x00" in block:
                    raise DataError(f"{path}: looks like a binary file, not a CSV")
                yield block
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _count(items: Iterator) -> int:
    """How many items are left: the rest of the file read through, for the faults it may hold."""
    return sum(1 for _ in items)

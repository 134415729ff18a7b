"""CSV exports, safe to open in a spreadsheet: a cell that starts with =, +, -, @
(or a tab or carriage return) is prefixed with ' so it is read as text, not a formula."""

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    writer = csv.writer(Echo())
    yield writer.writerow([cell(value) for value in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])

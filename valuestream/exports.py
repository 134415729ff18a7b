"""CSV exports, safe to open in a spreadsheet: a cell that starts with =, +, -, @
(or a tab, carriage return, line feed or NUL: OWASP's CSV injection list and ASVS 5
1.2.10) is prefixed with ' so it is read as text, not a formula. Every CSV the app
serves is written here."""

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(rows: Iterable[Iterable]) -> Iterable[str]:
    """Each row as one escaped CSV line, for a StreamingHttpResponse."""
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    yield from csv_rows([header])
    yield from csv_rows(rows)

"""How results look to people: money, short reprs, notebook tables and pandas frames.

One module formats money for the CLI, the reprs and the HTML tables, so an amount reads the
same everywhere: USD amounts exactly as reported ('$0.00000108', '$12.50'), per-token prices
in USD per million tokens ('0.15', 'free'). Standard library only; pandas loads when asked for.

A response type chooses what it shows with two class attributes (see `types/_base.py`):
`__columns__`, the cells of its row separated by spaces, each 'path' or 'path:unit' (a dotted path through
fields, properties and list indexes; unit '$' for a USD amount, '$/M' for a USD-per-token
price shown per million tokens), and `__items__`, the field that holds a list result's items
(default 'data'). A type that declares nothing shows its scalar fields.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Any

from pydantic import BaseModel, SecretStr

__all__ = [
    "REPR_LIMIT",
    "Column",
    "cell",
    "columns_for",
    "format_context",
    "format_price",
    "format_usd",
    "items_of",
    "model_html",
    "model_repr",
    "to_pandas",
]

REPR_LIMIT = 2000
"""No repr is longer than this many characters, however large the result."""

HTML_ROWS = 50
"""Rows a notebook table shows; `to_pandas()` has them all."""

MILLION = Decimal(1_000_000)
PANDAS_HINT = 'to_pandas() needs pandas: pip install "openrouter-kit[pandas]"'


# money and counts -----------------------------------------------------------------------
def format_price(per_million: Decimal | None) -> str:
    """A per-million-token price as people quote it: '0.15', '10.00', '0.049', 'free', '-'."""
    if per_million is None:
        return "-"
    if per_million < 0:  # OpenRouter uses -1 for "varies" (routers such as openrouter/auto)
        return "varies"
    if per_million == 0:
        return "free"
    text = format(per_million.normalize(), "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def format_usd(amount: Decimal | float | None) -> str:
    """A dollar amount exactly as reported, without float noise: '$0.00000108', '$0', '$12.50'."""
    if amount is None:
        return "-"
    value = amount if isinstance(amount, Decimal) else Decimal(repr(amount))
    if value == 0:
        return "$0"
    sign = "-" if value < 0 else ""
    text = format(abs(value).normalize(), "f")
    whole, _, decimals = text.partition(".")
    if abs(value) >= Decimal("0.01"):
        decimals = decimals.ljust(2, "0")
    return f"{sign}${whole}.{decimals}" if decimals else f"{sign}${whole}"


def format_context(tokens: int | None) -> str:
    """A context length with thousands separators ('131,072'), '-' when unknown."""
    return "-" if tokens is None else f"{tokens:,}"


def _per_million(price: Any) -> Decimal:
    return (price if isinstance(price, Decimal) else Decimal(str(price))) * MILLION


# columns ---------------------------------------------------------------------------------
_MONEY_NAME = re.compile(r"(^|_)(cost|usd|credits|usage|limit|spent|spend|balance)(_|$)")


@dataclass(frozen=True)
class Column:
    """One cell of a row: where its value is, what to call it, and its unit."""

    path: tuple[str, ...]
    unit: str = ""  # "", "$" (USD amount) or "$/M" (USD per token, shown per million tokens)

    @classmethod
    def parse(cls, spec: str) -> Column:
        path, _, unit = spec.partition(":")
        if unit not in ("", "$", "$/M"):
            raise ValueError(f"column {spec!r}: unit must be '$' or '$/M', got {unit!r}")
        return cls(tuple(path.split(".")), unit)

    @property
    def name(self) -> str:
        """The key in reprs: the last field of the path."""
        return self.path[-1]

    @property
    def label(self) -> str:
        """The header in tables: 'finish reason', 'prompt $/M', 'cost $'."""
        words = self.name.replace("_", " ")
        return f"{words} {self.unit}" if self.unit else words

    def value(self, obj: Any) -> Any:
        for part in self.path:
            if obj is None:
                return None
            if part.isdigit():
                index = int(part)
                obj = obj[index] if isinstance(obj, list) and index < len(obj) else None
            elif isinstance(obj, dict):
                obj = obj.get(part)
            else:
                obj = getattr(obj, part, None)
        return obj

    def text(self, obj: Any, width: int = 60) -> str:
        return cell(self.value(obj), self.unit, width=width)


_DECLARED: dict[type, tuple[Column, ...]] = {}


def _declared(cls: type) -> tuple[Column, ...]:
    columns = _DECLARED.get(cls)
    if columns is None:
        specs = getattr(cls, "__columns__", "")
        columns = _DECLARED[cls] = tuple(Column.parse(s) for s in specs.split())
    return columns


def _fields(obj: BaseModel) -> Iterator[tuple[str, Any]]:
    """(name, value) of every field that holds something, declared ones first, then extras."""
    for name in type(obj).model_fields:
        value = getattr(obj, name, None)
        if value is not None and value != [] and value != {}:
            yield name, value
    for name, value in (obj.model_extra or {}).items():
        if value is not None and value != [] and value != {}:
            yield name, value


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, Decimal, dt.date, dt.time))


def _guess(name: str, value: Any) -> Column:
    money = isinstance(value, (float, Decimal)) and not isinstance(value, bool)
    return Column((name,), "$" if money and _MONEY_NAME.search(name) else "")


def columns_for(items: Sequence[Any], limit: int = 8) -> tuple[Column, ...]:
    """The columns of a table of `items`: their type's declared ones, else their scalar fields."""
    models = [item for item in items if isinstance(item, BaseModel)]
    if not models:
        return (Column(("value",)),)
    declared = _declared(type(models[0]))
    if declared:
        return declared
    found: dict[str, Column] = {}
    for item in models[:20]:
        for name, value in _fields(item):
            if name not in found and _is_scalar(value):
                found[name] = _guess(name, value)
    return tuple(found.values())[:limit]


def items_of(obj: Any) -> list[Any] | None:
    """The items of a list result (its `__items__` field), or None when it is not a list."""
    name = getattr(type(obj), "__items__", "data")
    if not isinstance(obj, BaseModel) or name not in type(obj).model_fields:
        return None
    value = getattr(obj, name, None)
    return value if isinstance(value, list) else None


def _unwrap(obj: Any) -> Any:
    """The object inside a `{"data": {...}}` envelope, which is what people want to see."""
    while isinstance(obj, BaseModel) and items_of(obj) is None:
        fields = dict(_fields(obj))
        inner = fields.get("data")
        if len(fields) != 1 or not isinstance(inner, BaseModel):
            break
        obj = inner
    return obj


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def cell(value: Any, unit: str = "", *, width: int = 60) -> str:
    """One value as table text: money in one format, short lists, '-' for nothing."""
    if value is None:
        return "-"
    if unit == "$/M":
        return format_price(_per_million(value))
    if unit == "$":
        return format_usd(value if isinstance(value, (Decimal, float)) else Decimal(str(value)))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, SecretStr):
        return str(value)  # masked
    if isinstance(value, BaseModel):
        return _shorten(model_repr(value, limit=width), width)
    if isinstance(value, (list, tuple, array)):
        shown = [cell(v, width=width) for v in value[:5]]
        if len(value) > 5:
            shown.append(f"… {len(value) - 5} more")
        return _shorten(", ".join(shown), width)
    if isinstance(value, dict):
        return _shorten(repr(value), width)
    return _shorten(str(value), width)


# repr --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Style:
    text: int  # longest string shown
    items: int  # list items shown
    keys: int  # dict entries shown
    depth: int  # nested models shown before '…'


_STYLES = (_Style(80, 3, 4, 4), _Style(40, 2, 2, 3), _Style(24, 1, 1, 2), _Style(12, 0, 0, 1))


def model_repr(obj: BaseModel, limit: int = REPR_LIMIT) -> str:
    """`Type(field=value, ...)` without the empty fields, long texts cut, lists as a count and a few.

    Tighter and tighter until it fits in `limit` characters.
    """
    text = ""
    for style in _STYLES:
        text = _repr(obj, style, 0)
        if len(text) <= limit:
            return text
    return text[: limit - 2] + "…)"


def _repr(value: Any, style: _Style, depth: int) -> str:
    if isinstance(value, BaseModel):
        return _model(value, style, depth)
    if isinstance(value, (list, tuple)):
        return _list(value, style, depth)
    if isinstance(value, array):  # a float32 embedding: shown like a list, type kept
        return f"array({value.typecode!r}, {_list(value, style, depth)})"
    if isinstance(value, dict):
        parts = [
            f"{k!r}: {_repr(v, style, depth + 1)}" for k, v in list(value.items())[: style.keys]
        ]
        if len(value) > style.keys:
            parts.append(f"… {len(value) - style.keys} more")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, str) and len(value) > style.text:
        return repr(value[: style.text] + "…")
    return repr(value)


def _model(obj: BaseModel, style: _Style, depth: int) -> str:
    name = type(obj).__name__
    if depth > style.depth:
        return f"{name}(…)"
    items = items_of(obj)
    parts = []
    for field, value in _fields(obj):
        if items is not None and value is items:
            parts.append(
                f"{field}=[{len(items)} items{': ' if items else ''}{_list(items, style, depth, bare=True)}]"
            )
        else:
            parts.append(f"{field}={_repr(value, style, depth + 1)}")
    return f"{name}({', '.join(parts)})"


def _list(values: Sequence[Any], style: _Style, depth: int, *, bare: bool = False) -> str:
    shown = []
    for item in values[: style.items]:
        declared = _declared(type(item)) if isinstance(item, BaseModel) else ()
        shown.append(_row(item, declared, style) if declared else _repr(item, style, depth + 1))
    if len(values) > style.items:
        shown.append(f"… {len(values) - style.items} more")
    text = ", ".join(shown)
    return text if bare else f"[{text}]"


def _row(item: BaseModel, columns: tuple[Column, ...], style: _Style) -> str:
    """An item of a list as its declared columns only: the summary people scan."""
    parts = []
    for column in columns:
        value = column.value(item)
        if value is None:
            continue
        if column.unit == "$/M":
            price = format_price(_per_million(value))
            shown = repr(price if price in ("free", "varies") else f"${price}/M")
        elif column.unit == "$":
            shown = repr(cell(value, "$"))
        else:
            shown = _repr(value, style, style.depth)
        parts.append(f"{column.name}={shown}")
    return f"{type(item).__name__}({', '.join(parts)})"


# HTML ----------------------------------------------------------------------------------
_NUMERIC = re.compile(r"^-?\$?[\d,.]+$")
_TABLE = '<table class="openrouter-kit">'


def model_html(obj: BaseModel) -> str:
    """A compact HTML table for notebooks: a row per item of a list, else a row per field."""
    shown = _unwrap(obj)
    items = items_of(shown)
    title = html.escape(type(shown).__name__)
    if items is None:
        columns = _declared(type(shown)) or _object_columns(shown)
        rows = "".join(
            f'<tr><th style="text-align:left">{html.escape(c.label)}</th>{_td(c.text(shown, 80))}</tr>'
            for c in columns
        )
        return f"<div><strong>{title}</strong>{_TABLE}<tbody>{rows}</tbody></table></div>"
    columns = columns_for(items)
    total = getattr(shown, "total_count", None)
    count = f"{len(items)} items" + (
        f" of {total}" if isinstance(total, int) and total != len(items) else ""
    )
    head = "".join(f'<th style="text-align:left">{html.escape(c.label)}</th>' for c in columns)
    body = "".join(
        "<tr>"
        + "".join(_td(c.text(item) if isinstance(item, BaseModel) else cell(item)) for c in columns)
        + "</tr>"
        for item in items[:HTML_ROWS]
    )
    more = ""
    if len(items) > HTML_ROWS:
        more = (
            f"<p>… {len(items) - HTML_ROWS} more rows (<code>to_pandas()</code> has them all)</p>"
        )
    return (
        f"<div><strong>{title}</strong> · {count}"
        f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>"
    )


def _object_columns(obj: BaseModel, limit: int = 40) -> tuple[Column, ...]:
    """A row per field that holds something; a nested object's scalar fields one level down."""
    columns = []
    for name, value in _fields(obj):
        if isinstance(value, BaseModel):
            columns += [
                Column((name, *_guess(inner, v).path), _guess(inner, v).unit)
                for inner, v in _fields(value)
                if _is_scalar(v)
            ]
        else:
            columns.append(_guess(name, value))
    return tuple(columns[:limit])


def _td(text: str) -> str:
    align = "right" if _NUMERIC.match(text) else "left"
    return f'<td style="text-align:{align}">{html.escape(text)}</td>'


# pandas --------------------------------------------------------------------------------
def to_pandas(obj: BaseModel) -> Any:
    """A pandas DataFrame: a row per item of a list result (one row for a single object).

    Nested objects become dotted columns ('pricing.prompt'); exact Decimal prices become floats.
    """
    try:
        pandas = import_module("pandas")
    except ImportError:
        raise ImportError(PANDAS_HINT) from None
    shown = _unwrap(obj)
    items = items_of(shown)
    rows = [_flat(item) for item in (items if items is not None else [shown])]
    return pandas.DataFrame(rows)


def _flat(value: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {} if out is None else out
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _flat(getattr(value, name, None), f"{prefix}{name}.", out)
        for name, extra in (value.model_extra or {}).items():
            _flat(extra, f"{prefix}{name}.", out)
    elif isinstance(value, dict) and prefix:
        for name, item in value.items():
            _flat(item, f"{prefix}{name}.", out)
    else:
        key = prefix[:-1] if prefix else "value"
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, SecretStr):
            value = str(value)
        elif isinstance(value, list):
            value = [_plain(v) for v in value]
        out[key] = value
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, by_alias=True)
    return float(value) if isinstance(value, Decimal) else value

"""Amounts as a person reads them: '$1,250.00'. The log keeps exact decimal strings."""

from __future__ import annotations

from decimal import Decimal

SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£"}


def money(amount: Decimal | str | int, currency: str = "USD") -> str:
    d = Decimal(str(amount)).quantize(Decimal("0.01"))
    sign = "-" if d < 0 else ""
    text = f"{abs(d):,.2f}"
    sym = SYMBOLS.get(currency)
    return f"{sign}{sym}{text}" if sym and currency == "USD" else (f"{sign}{text} {currency}")

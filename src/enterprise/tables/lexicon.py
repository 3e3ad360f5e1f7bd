"""Words of a question about a table, read the same in Spanish and English.

A token is folded (lower case, no accents) and mapped to a concept where the two languages, or a
verb and its noun, name the same thing: "sold", "vendió" and "Ventas" are all `sales`. Months,
quarters and halves become `month:3`, `quarter:2`, `half:1`, whether written "marzo", "March",
"2T", "Q2", "second quarter" or "segundo trimestre".
"""

from __future__ import annotations

import enum
import re

from enterprise.text import MONTHS, fold_accents

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


_CONCEPTS: dict[str, tuple[str, ...]] = {
    "sales": ("sales", "sale", "ventas", "venta", "facturacion", "turnover"),
    # The verb: what was sold may be units or euros, so it names the sales column only when
    # the question names no other.
    "sell": (
        "sold",
        "sell",
        "sells",
        "selling",
        "vendio",
        "vendieron",
        "vender",
        "vendimos",
        "vendidas",
        "vendidos",
        "vendido",
        "vende",
        "venden",
        "facturo",
        "facturaron",
    ),
    "revenue": ("revenue", "revenues", "ingresos", "ingreso"),
    "cost": ("cost", "costs", "costes", "coste", "costos", "costo"),
    "expense": ("expense", "expenses", "gastos", "gasto", "spend", "spent", "spending", "gasto", "gastaron"),
    "units": ("units", "unidades"),
    "unitprice": ("unit", "unitario", "unitaria", "unitarios"),
    "price": ("price", "prices", "precio", "precios", "tarifa", "tarifas", "rate"),
    "margin": ("margin", "margins", "margen", "margenes"),
    "gross": ("gross", "bruto", "bruta", "brutos"),
    "net": ("net", "neto", "neta", "netos", "netas"),
    "profit": ("profit", "profits", "beneficio", "beneficios", "utilidad", "utilidades", "ganancia", "ganancias"),
    "customers": ("customers", "customer", "clients", "client", "clientes", "cliente"),
    "employees": ("employees", "employee", "staff", "headcount", "empleados", "empleado", "plantilla"),
    "orders": ("orders", "order", "pedidos", "pedido"),
    "region": ("region", "regions", "regiones", "zona", "zonas", "zone", "zones", "area", "areas"),
    "country": ("country", "countries", "pais", "paises"),
    "city": ("city", "cities", "ciudad", "ciudades"),
    "store": ("store", "stores", "tienda", "tiendas", "shop", "shops", "sucursal", "sucursales", "branch"),
    "product": ("product", "products", "producto", "productos", "item", "items", "articulo", "articulos"),
    "category": ("category", "categories", "categoria", "categorias", "linea", "line"),
    "channel": ("channel", "channels", "canal", "canales"),
    "format": ("format", "formato", "presentacion", "packaging"),
    "month": ("month", "months", "mes", "meses", "monthly", "mensual", "mensuales"),
    "quarter": ("quarter", "quarters", "trimestre", "trimestres", "quarterly", "trimestral"),
    "year": ("year", "years", "ano", "anos", "anual", "annual"),
    "budget": ("budget", "budgeted", "presupuesto", "presupuestado"),
    "actual": ("actual", "real", "ejecutado"),
    "amount": ("amount", "importe", "monto", "importes", "montos"),
    "quantity": ("quantity", "cantidad", "volume", "volumen"),
    "hours": ("hours", "horas"),
    "days": ("days", "dias"),
    "discount": ("discount", "descuento"),
    "tax": ("tax", "taxes", "impuesto", "impuestos", "iva", "vat"),
    "north": ("north", "norte"),
    "south": ("south", "sur"),
    "east": ("east",),
    "west": ("west", "oeste"),
    "center": ("center", "central", "centre", "centro"),
}
CONCEPT_OF: dict[str, str] = {word: concept for concept, words in _CONCEPTS.items() for word in words}

_ORDINALS = {
    "first": 1,
    "primer": 1,
    "primero": 1,
    "primera": 1,
    "1st": 1,
    "1er": 1,
    "second": 2,
    "segundo": 2,
    "segunda": 2,
    "2nd": 2,
    "2do": 2,
    "third": 3,
    "tercer": 3,
    "tercero": 3,
    "tercera": 3,
    "3rd": 3,
    "3er": 3,
    "fourth": 4,
    "cuarto": 4,
    "cuarta": 4,
    "4th": 4,
    "4to": 4,
}
_QUARTER_CODE = re.compile(r"^(?:q([1-4])|([1-4])q|([1-4])t|t([1-4])|([1-4])er?t)$")
_HALF_CODE = re.compile(r"^(?:h([12])|([12])h|([12])s|s([12]))$")
_HALF_WORDS = {"half", "semestre", "semester"}
_QUARTER_WORDS = {"quarter", "trimestre"}
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})\b")


def month_token(number: int) -> str:
    return f"month:{number}"


def quarter_token(number: int) -> str:
    return f"quarter:{number}"


def half_token(number: int) -> str:
    return f"half:{number}"


def tokens(text: str) -> list[str]:
    """The words of a cell, a header or a question as concepts, periods and plain folded words.
    "31/03/2024" is month 3 of 2024; "segundo trimestre" and "Q2" are quarter 2."""
    folded = fold_accents(text)
    found: list[str] = []
    for match in _DATE.finditer(folded):
        if match.group(3):
            found += [month_token(int(match.group(2))), match.group(3)]
        else:
            found += [month_token(int(match.group(5))), match.group(4)]
    words = _WORD.findall(_DATE.sub(" ", folded))
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _ORDINALS and following in _QUARTER_WORDS | {"quarters", "trimestres"}:
            found.append(quarter_token(_ORDINALS[word]))
            skip = True
        elif word in _ORDINALS and following in _HALF_WORDS:
            found.append(half_token(_ORDINALS[word]))
            skip = True
        elif quarter := _QUARTER_CODE.match(word):
            found.append(quarter_token(int(next(g for g in quarter.groups() if g))))
        elif half := _HALF_CODE.match(word):
            found.append(half_token(int(next(g for g in half.groups() if g))))
        elif word in MONTHS and (len(word) > 3 or _short_month_ok(words)):
            found.append(month_token(MONTHS[word]))
        else:
            found.append(CONCEPT_OF.get(word, word if word in _KEEP else _singular(word)))
    return found


def _short_month_ok(words: list[str]) -> bool:
    """ "Mar" or "Dic" alone in a cell is a month; inside a sentence it may be a word ("may")."""
    return len(words) <= 2


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def quarter_months(quarter: int) -> set[int]:
    return {3 * quarter - 2, 3 * quarter - 1, 3 * quarter}


def half_months(half: int) -> set[int]:
    return set(range(6 * half - 5, 6 * half + 1))


class Operation(enum.StrEnum):
    SUM = "sum"
    AVERAGE = "average"
    MAXIMUM = "maximum"
    MINIMUM = "minimum"
    COUNT = "count"
    GROWTH = "growth"
    DIFFERENCE = "difference"


OPERATION_WORDS: dict[Operation, frozenset[str]] = {
    Operation.SUM: frozenset(
        "total totals sum suma sumar combined overall altogether acumulado acumulada conjunto".split()
    ),
    Operation.AVERAGE: frozenset("average averages mean promedio promedios media medio".split()),
    Operation.MAXIMUM: frozenset(
        "highest largest biggest most maximum max best top greatest mayor mayores maximo maxima mejor mejores".split()
    ),
    Operation.MINIMUM: frozenset(
        "lowest smallest least minimum min worst fewest menor menores minimo minima peor peores".split()
    ),
    Operation.GROWTH: frozenset(
        "grow grew grown growth crecer crecio crecieron crecimiento increase increased aumento aumentaron aumentar"
        " rise rose subieron subio".split()
    ),
    Operation.DIFFERENCE: frozenset("difference diferencia change changed variacion cambio gap".split()),
}
COUNT_WORDS = frozenset("many cuantos cuantas number numero count".split())
# "more than 1.200.000", "superaron 1.200.000 euros", "below 500".
ABOVE = frozenset(
    "above over exceeded exceed exceeds exceeding superaron supero superan superior superiores encima".split()
)
ABOVE_PHRASES = ("more than", "greater than", "mas de", "mayor que", "mayores que", "mayores a", "mayor a")
BELOW = frozenset("below under inferior inferiores debajo".split())
BELOW_PHRASES = ("less than", "fewer than", "menos de", "menor que", "menores que", "menor a", "menores a")
PERCENT_WORDS = frozenset("percent percentage porcentaje porcentual pct".split())

# Words of a question that ask rather than name: they need not be found in the table.
FILLER = frozenset(
    """a an the of in on at to for by from with and or what which who whom how much many was were is are
    did do does has have had be been it its this that these those there their per each all any during
    between vs versus than as into about our my we you they tell me show give list please up so much
    according based value figure amount sheet table data file document spreadsheet
    el la los las lo un una unos unas de del al en y o u que cual cuales quien como cuanto cuanta cuantos
    cuantas fue fueron es son era eran ser esta estan estaba hubo hay habia tuvo tuvieron tiene tienen por
    para con sin sobre entre su sus se le les este esta estos estas ese esa esos esas cada todo todos toda
    todas ano durante desde hasta segun dato valor cifra hoja tabla archivo documento me dime muestra
    registro registrado registrada registraron registro alcanzo alcanzaron alcanzado tuvo obtuvo
    en total of la del le across throughout
    euro euros eur usd dolar dolares dollar dollars peso pesos currency moneda""".split()
)
_KEEP = COUNT_WORDS | FILLER

"""What the published pages need beyond Datasette: French search functions, numbers as a French
reader writes them, plain error pages, and the researcher's question page.

`/-/question?indicateur=<id>&annee=<year>`: one chosen value per organisation (view
`valeurs_retenues`, rule in `extract/store.py`), with a picker of indicators by domain; without a
year, the same as a pivot across years. `.csv` after `question` gives the table as CSV. The route
takes an indicator id, a year and a flag, each bound as an SQL parameter; never SQL or a path.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import datasette.handle_exception
import yaml
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from datasette import hookimpl
from extract.french_search import MARK_END, MARK_START, fts_query, snippet
from extract.store import SUMMABLE_KINDS

LABELS = yaml.safe_load((Path(__file__).resolve().parent.parent / "labels.yml")
                        .read_text(encoding="utf-8"))
VALUE_COLUMNS = {"value", "valeur", "total"}
UNIT_COLUMNS = ("unite", "unit")

# Datasette prints every exception with rich, locals included: a 60 KB id in a 404 took 16 s and
# 16 KB of log. Errors are answered with Datasette's plain error page and nothing more.
datasette.handle_exception.rich = None
sys.excepthook = sys.__excepthook__


def french_number(value) -> str:
    """32315.0 → "32 315"; 76.42 → "76,42" (narrow no-break space between thousands)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    whole, _, decimals = f"{value:,.2f}".rstrip("0").partition(".")
    return whole.replace(",", "\u202f") + ("," + decimals if decimals else "")


def with_unit(value, unit) -> str:
    unit = LABELS["units"].get(unit, unit) if unit else ""
    return f"{french_number(value)}\u00a0{unit}" if unit else french_number(value)


def marked(text: str) -> Markup:
    """A snippet with its matched words in <mark>: escaped first, then marked."""
    return Markup(str(escape(text)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


@hookimpl
def asgi_wrapper():
    """The published site is read-only: any request but GET, HEAD or OPTIONS gets a plain 405
    (Datasette 0.65 answers a POST to a table or a read-only query with an HTTP 500)."""
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                response = Response.text("Lecture seule : ce site n'accepte aucune écriture.\n",
                                         status=405, headers={"allow": "GET, HEAD, OPTIONS"})
                await response.asgi_send(send)
                return
            await app(scope, receive, send)
        return read_only
    return wrap


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_fr", 1, fts_query, deterministic=True)
    conn.create_function("extrait_fr", 2, snippet, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["nombre"] = french_number
    env.filters["avec_unite"] = with_unit


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column == "extrait" and isinstance(value, str):
        return marked(value)
    if column == "section_id" and table is None and isinstance(value, str):
        url = datasette.urls.row(database, "sections", tilde_encode(value))
        return Markup('<a href="{}">{}</a>').format(url, value)
    if column in VALUE_COLUMNS and isinstance(value, int | float) and not isinstance(value, bool):
        keys = row.keys() if row is not None else []
        unit = next((row[c] for c in UNIT_COLUMNS if c in keys), None)
        return with_unit(value, unit)
    return None


async def corpus_database(datasette):
    """The served database that holds reports (the evaluation database may be served beside)."""
    for name, database in datasette.databases.items():
        if name != "_internal" and "valeurs_retenues" in await database.view_names():
            return database
    return datasette.get_database()


async def question_data(database, indicator: str, year: str, everything: bool) -> dict:
    view = "valeurs_retenues_toutes" if everything else "valeurs_retenues"
    # the organisations that have a chosen value are those with a comparable one (no ranking)
    catalogue = (await database.execute(
        "select c.id, c.label, c.domain, c.kind, c.unit, count(distinct v.organisation) as n "
        "from catalogue c join valeurs_comparables v on v.indicateur = c.id "
        f"where v.publie or {int(everything)} group by c.id order by c.domain, c.label")).rows
    domains: dict[str, list] = {}
    for entry in catalogue:
        domains.setdefault(LABELS["domains"].get(entry["domain"], entry["domain"]), []).append(entry)
    chosen = next((e for e in catalogue if e["id"] == indicator), None)
    data = {"domains": domains, "chosen": chosen, "indicator": indicator, "year": year,
            "everything": everything, "years": [], "rows": [], "pivot": None, "total": None}
    if chosen is None:
        return data
    data["years"] = [r[0] for r in (await database.execute(
        f"select distinct annee from {view} where indicateur = ? order by annee", [indicator])).rows]
    rows = [dict(r) for r in (await database.execute(
        f"select * from {view} where indicateur = ? order by organisation, annee",
        [indicator])).rows]
    if year:
        data["rows"] = [r for r in rows if str(r["annee"]) == year]
        units = {r["unite"] for r in data["rows"]}
        if data["rows"] and chosen["kind"] in SUMMABLE_KINDS and len(units) == 1:
            data["total"] = sum(r["valeur"] for r in data["rows"])
    else:
        organisations = sorted({r["organisation"] for r in rows})
        cells = {(r["organisation"], r["annee"]): r for r in rows}
        data["pivot"] = [(o, [cells.get((o, y)) for y in data["years"]]) for o in organisations]
    data["kind_label"] = LABELS["kinds"].get(chosen["kind"], chosen["kind"])
    return data


def plain(value):
    """A number for CSV: integers without ".0"."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def question_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if data["pivot"] is not None:
        writer.writerow(["organisation", *data["years"]])
        for organisation, cells in data["pivot"]:
            writer.writerow([organisation, *[plain(c["valeur"]) if c else "" for c in cells]])
    else:
        columns = ["organisation", "indicateur", "libelle", "annee", "valeur", "unite", "portee",
                   "rapport", "page", "preuve", "confiance", "occurrences"]
        writer.writerow(columns)
        for row in data["rows"]:
            writer.writerow([plain(row[c]) for c in columns])
    return out.getvalue()


async def question_page(datasette, request):
    database = await corpus_database(datasette)
    indicator = request.args.get("indicateur", "")[:200]
    year = request.args.get("annee", "")[:4]
    year = year if year.isdigit() else ""
    everything = request.args.get("tous") == "1"
    data = await question_data(database, indicator, year, everything)
    if request.url_vars.get("csv"):
        name = f"{indicator or 'indicateurs'}_{year or 'annees'}.csv"
        return Response(question_csv(data), content_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}"'})
    return Response.html(await datasette.render_template(
        "question.html", {**data, "database": database.name, "query_string":
                          request.query_string}, request=request))


@hookimpl
def register_routes():
    return [(r"^/-/question(?P<csv>\.csv)?$", question_page)]

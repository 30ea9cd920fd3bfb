"""Evidence pages: every extracted value links to the text it was read from.

`/-/evidence/<indicator row id>` shows the section holding the value with the value's span
highlighted, and its page number. One `@hookimpl` per extension point.
"""

from __future__ import annotations

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from datasette import hookimpl

CONTEXT_CHARS = 1500
MAX_ID_CHARS = 100  # ids are "<16 hex>:v<n>"; a longer one is refused before any query


async def _corpus_database(datasette):
    """The served database holding reports (an evaluation database may be served beside it)."""
    for name, database in datasette.databases.items():
        if name != "_internal" and "indicators" in await database.table_names():
            return database
    return datasette.get_database()


async def evidence_page(datasette, request):
    row_id = request.url_vars["id"]
    database = await _corpus_database(datasette)
    if len(row_id) > MAX_ID_CHARS:
        raise NotFound("Aucune valeur extraite avec cet identifiant")
    rows = await database.execute(
        "select i.*, d.name as document_name, d.title as document_title, d.organisation, "
        "d.format, d.pages, "
        "s.title as section_title, s.start as section_start, s.text as section_text, "
        "s.page_start as section_page, c.label as catalogue_label "
        "from indicators i join documents d on d.id = i.document_id "
        "left join sections s on s.id = i.section_id "
        "left join catalogue c on c.id = i.indicator where i.id = ?",
        [row_id],
    )
    row = rows.first()
    if row is None:
        raise NotFound(f"Aucune valeur extraite avec l'identifiant {row_id}")
    text, offset = row["section_text"], row["section_start"]
    if text is None:  # before the first heading: show the line itself
        text, offset = row["line_text"], row["start"]
        offset = row["start"] - max(0, text.find(row["evidence"]))
    start = max(0, row["start"] - offset)
    end = max(start, row["end"] - offset)
    window_start = max(0, start - CONTEXT_CHARS)
    window_end = min(len(text), end + CONTEXT_CHARS)
    highlighted = Markup("{}<mark id=\"value\">{}</mark>{}").format(
        ("…" if window_start else "") + text[window_start:start],
        text[start:end],
        text[end:window_end] + ("…" if window_end < len(text) else ""),
    )
    return Response.html(
        await datasette.render_template(
            "evidence.html",
            {"row": dict(row), "highlighted": highlighted, "database": database.name},
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/-/evidence/(?P<id>[^/]+)$", evidence_page)]


@hookimpl
def render_cell(value, column, table, row):
    if table == "indicators" and column == "evidence" and row is not None and value:
        return Markup('<a href="/-/evidence/{}">{}</a>').format(escape(row["id"]), value)
    if column in ("evidence_page", "preuve") and isinstance(value, str) and value.startswith("/-/evidence/"):
        return Markup('<a href="{}">voir le texte</a>').format(escape(value))
    return None

"""Datasette plugin hooks: our metadata, pages and CSV exports apply to any archive that Datasette serves."""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl

from archiver.store.reads import file_is_archive, serve_read_only, source_name
from archiver.web import csvexport, render, security, views
from archiver.web.metadata import archive_metadata


def is_archive(datasette, name: str) -> bool:
    """Tell whether the database `name` is a file that may hold a News Archiver archive."""
    db = datasette.databases.get(name)
    return db is not None and db.path is not None and name not in ("_internal", "_memory")


@hookimpl
def get_metadata(datasette, key, database, table):
    names = [name for name in datasette.databases if is_archive(datasette, name)]
    merged = archive_metadata(names[0] if names else "archive")
    for name in names[1:]:
        merged["databases"].update(archive_metadata(name)["databases"])
    return merged


@hookimpl
def register_routes(datasette):
    routes = views.ROUTES + csvexport.ROUTES
    archives = [
        db.path for name, db in datasette.databases.items() if is_archive(datasette, name) and file_is_archive(db.path)
    ]
    # Our home page replaces Datasette's index only when an archive is served.
    return routes if archives else [r for r in routes if r[0] != r"^/$"]


@hookimpl
def asgi_wrapper(datasette):
    # Every response, Datasette's own and static files included, carries the security headers.
    csp = security.content_security_policy(security.template_script_hashes(security.datasette_templates()))
    return lambda app: security.wrap(app, csp, security.is_public(datasette))


@hookimpl(wrapper=True)
def handle_exception(datasette, request, exception):
    # Datasette's own handler prints each error with rich's local variables (every 404 fails doing so
    # outside an except block and turns into a 500): its answer is built but dropped, never run.
    yield
    return [lambda: security.render_error(datasette, request, exception)]


@hookimpl
def render_cell(value, database, datasette):
    # Datasette's table pages show archived names too: a cell with direction controls is isolated.
    if isinstance(value, str) and is_archive(datasette, database):
        return render.isolated_cell(value)
    return None


@hookimpl
def prepare_connection(conn, database, datasette):
    # The archive is served read-only: no write reaches it through Datasette, whatever plugin asks.
    if is_archive(datasette, database):
        serve_read_only(conn)


EXPORT_NAMES = {
    "articles": "articles",
    "comments": "comments",
    "article_versions": "versions",
    "captures": "captures",
    "crawls": "crawls",
}
# Table-page filters that mean the same as an `archiver export` option.
DATE_COLUMNS = {
    "articles": "published",
    "comments": "published",
    "article_versions": "captured_at",
    "captures": "fetched_at",
    "crawls": "started_at",
}


def export_filters(table: str, args) -> dict | None:
    """Give the `archiver export` options equal to a table page's filters, or None if some have none."""
    options, date = {}, DATE_COLUMNS[table]
    for name, value in args.items():
        if name.startswith("_") and name not in ("_search", "_sort", "_sort_desc", "_size", "_next"):
            return None
        if name == "_search":
            options["search"] = value
        elif name == f"{date}__gte":
            options["since"] = value
        elif name == f"{date}__lte":
            options["until"] = value
        elif name == "source_id":
            options["source_id"] = value
        elif not name.startswith("_"):
            return None
    return options


@hookimpl
def table_actions(datasette, actor, database, table, request):
    if table not in EXPORT_NAMES or not is_archive(datasette, database):
        return []
    name = EXPORT_NAMES[table]

    async def actions():
        options = export_filters(table, {key: request.args.get(key) for key in request.args.keys()}) if request else {}
        if options is None:
            return [
                {
                    "href": f"/{database}/-/export/{name}.csv",
                    "label": f"Export all {table} as CSV (these filters have no archiver export option)",
                }
            ]
        if "source_id" in options:
            source_id = options.pop("source_id")
            name_of = await datasette.get_database(database).execute_fn(lambda conn: source_name(conn, source_id))
            options["source"] = name_of or ""
        query = urlencode(options)
        label = (
            f"Export these {table} as CSV (archiver export {name}"
            + "".join(f" --{k} {v!r}" for k, v in options.items())
            + ")"
        )
        return [{"href": f"/{database}/-/export/{name}.csv" + (f"?{query}" if query else ""), "label": label}]

    return actions


@hookimpl
def menu_links(datasette, actor, request):
    names = [name for name in datasette.databases if is_archive(datasette, name)]
    return [{"href": f"/{name}/-/search", "label": f"Search {name}"} for name in names]

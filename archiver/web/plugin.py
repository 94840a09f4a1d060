"""Datasette plugin hooks: our metadata, pages and CSV exports apply to any archive that Datasette serves."""

from __future__ import annotations

from datasette import hookimpl

from archiver.store.reads import file_is_archive, serve_read_only
from archiver.web import csvexport, render, searchapi, security, views
from archiver.web.metadata import archive_metadata
from archiver.web.tablefilters import EXPORT_NAMES


def serves_archive_file(datasette, name: str) -> bool:
    """Tell whether the database `name` is a file that may hold a News Archiver archive."""
    db = datasette.databases.get(name)
    return db is not None and db.path is not None and name not in ("_internal", "_memory")


@hookimpl
def get_metadata(datasette, key, database, table):
    names = [name for name in datasette.databases if serves_archive_file(datasette, name)]
    merged = archive_metadata(names[0] if names else "archive")
    for name in names[1:]:
        merged["databases"].update(archive_metadata(name)["databases"])
    return merged


@hookimpl
def register_routes(datasette):
    routes = views.ROUTES + csvexport.ROUTES + searchapi.ROUTES
    archives = [
        db.path
        for name, db in datasette.databases.items()
        if serves_archive_file(datasette, name) and file_is_archive(db.path)
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
def prepare_jinja2_environment(env, datasette):
    # Datasette's table rows come from one Python call (render.table_rows); a template folder the
    # user gives Datasette still comes first.
    env.filters["archiver_table_rows"] = render.table_rows
    views.override_templates(env, security.datasette_templates())


@hookimpl
def render_cell(value, database, datasette):
    # Datasette's table pages show archived names too: a cell with direction controls is isolated.
    if isinstance(value, str) and serves_archive_file(datasette, database):
        return render.isolated_cell(value)
    return None


@hookimpl
def prepare_connection(conn, database, datasette):
    # The archive is served read-only: no write reaches it through Datasette, whatever plugin asks.
    if serves_archive_file(datasette, database):
        serve_read_only(conn)


@hookimpl
def table_actions(datasette, actor, database, table, request):
    if table not in EXPORT_NAMES or not serves_archive_file(datasette, database):
        return []

    async def actions():
        found, params = await csvexport.page_export(datasette, database, table, csvexport.page_args(request))
        label = f"Export these {table} as CSV (archiver export {found.table}" + "".join(
            f" --{k} {v!r}" for k, v in params.items() if k not in found.refused
        )
        if found.refused:
            label += f"; refused: {', '.join(found.refused)} has no export filter"
        links = [{"href": csvexport.export_href(database, found.table, params), "label": label + ")"}]
        if not found.refused:
            links.append(
                {
                    "href": csvexport.export_href(database, found.table, params | {"excel-safe": "yes"}),
                    "label": f"Export these {table} as spreadsheet-safe CSV (--excel-safe)",
                }
            )
            manifest = csvexport.export_href(database, found.table, params, ".manifest.json")
            links.append({"href": manifest, "label": f"Manifest of this {table} export (rows, sha256, versions)"})
        return links

    return actions


@hookimpl
def menu_links(datasette, actor, request):
    names = [name for name in datasette.databases if serves_archive_file(datasette, name)]
    return [{"href": f"/{name}/-/search", "label": f"Search {name}"} for name in names]

"""The `archiver` command: parse arguments, call one layer, report. Errors become one line and exit 2."""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from archiver import __version__
from archiver.errors import ArchiverError

DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("archive.db"),
    show_default=True,
    help="Path of the SQLite archive.",
)
WORKERS_OPTION = click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Extraction worker processes (0: one per core).",
)
MAX_PAGE_TIME_OPTION = click.option(
    "--max-page-time",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds one page may spend in extraction; past it the page counts as failed and its worker is replaced.",
)


def reported(func):
    """Turn ArchiverError into a one-line message with exit code 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ArchiverError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:  # a full disk, a closed pipe, an unwritable output file
            where = f" ({exc.filename})" if exc.filename else ""
            click.echo(f"Error: {exc.strerror or exc}{where} (free disk space or check the path)", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="archiver", message="%(prog)s %(version)s")
def main():
    """News Archiver: archive news sites with their reader comments and publisher footers."""


@main.command()
@click.argument("target")
@DB_OPTION
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("archiver.toml"),
    show_default=True,
    help="Sources config, used when TARGET is a source name.",
)
@click.option(
    "--max-pages", type=click.IntRange(min=0), default=0, help="Stop after this many responses (0: no limit)."
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or ARCHIVER_ setting, e.g. --set DOWNLOAD_DELAY=1 (repeatable).",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Work on TARGET's distributed crawl on this Redis (redis://HOST:PORT/DB): fetch and extract, "
    "hand results to `archiver ingest`; exit when the frontier stays empty (ARCHIVER_REDIS_IDLE).",
)
@click.option("--seed", is_flag=True, help="With --redis: put TARGET's start requests into Redis, then exit.")
@click.option(
    "--render",
    is_flag=True,
    help="Render articles whose comments a JavaScript widget loads in headless Chromium and capture them "
    "(as `render = true` in the source's config).",
)
@click.option(
    "--widget-host",
    "widget_hosts",
    multiple=True,
    metavar="HOST",
    help="With --render: a host the browser may reach for the comment widget (repeatable; as `widget_hosts`).",
)
@reported
def crawl(target, db, config, max_pages, overrides, redis_url, seed, render, widget_hosts):
    """Crawl TARGET (a homepage URL or a source name) into the archive."""
    from archiver.crawl.workers import start_forkserver

    start_forkserver()  # the extraction workers load on the other core while Scrapy is imported
    from archiver.config import resolve_target
    from archiver.crawl.runner import run_crawl
    from archiver.errors import ConfigError

    crawl_target = with_render(resolve_target(target, config, max_pages), render, widget_hosts)
    if seed and not redis_url:
        raise ConfigError("--seed needs --redis URL", "e.g. --redis redis://127.0.0.1:6379/0 --seed")
    if redis_url and crawl_target.render:
        raise ConfigError("rendering does not work in distributed crawls (--redis)", "crawl without --redis to render")
    if redis_url:
        from archiver.distributed.worker import run_worker

        settings = {**crawl_target.settings, **parse_overrides(overrides)}
        click.echo(run_worker(crawl_target, redis_url, settings, seed).summary())
        return
    run = run_crawl(crawl_target, db, {**crawl_target.settings, **parse_overrides(overrides)})
    if run is None:  # stopped (Ctrl-C) before the crawl had opened its run in the archive
        click.echo("stopped before the crawl began: run the same command again to start it", err=True)
        sys.exit(1)
    click.echo(summary(run))
    if run.status == "interrupted":
        click.echo("interrupted: run the same command again to resume where it stopped", err=True)
    if not run.status.startswith("finished"):
        sys.exit(1)


def with_render(target, render: bool, widget_hosts: tuple[str, ...]):
    """Give the target with rendering switched on by --render and the --widget-host hosts added."""
    from dataclasses import replace

    hosts = tuple(dict.fromkeys(target.widget_hosts + tuple(h.strip().lower() for h in widget_hosts)))
    return replace(target, render=target.render or render, widget_hosts=hosts)


def parse_overrides(pairs) -> dict:
    """Give NAME=VALUE pairs as a dict; ArchiverError for a malformed pair."""
    from archiver.errors import ConfigError

    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set expects NAME=VALUE, got {pair!r}", "e.g. --set DOWNLOAD_DELAY=1")
        result[name.strip()] = value
    return result


def summary(run) -> str:
    """Give the end-of-crawl summary printed by `archiver crawl`."""
    c = run.counts
    reasons = ", ".join(f"{k}: {v}" for k, v in sorted(c.skipped_reasons.items())) or "none"
    return (
        f"crawl {run.id} of {run.source}: {run.status}\n"
        f"  fetched {c.fetched} (not modified {c.not_modified}), discovered {c.discovered}\n"
        f"  articles: {c.articles_new} new, {c.articles_changed} changed, {c.articles_unchanged} unchanged\n"
        f"  comments: {c.comments_new} new, {c.comments_removed} removed\n"
        f"  skipped {c.skipped} ({reasons}), errors {c.errors}"
    )


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="URL the pages were saved from (default: file:// URL of each file).")
@click.option(
    "--why", is_flag=True, help="Print the article decision and the signals it weighed instead of the extraction."
)
@reported
def extract(files, url, why):
    """Extract article, comments and footer from saved HTML FILES; print one JSON object per file."""
    from archiver.crawl.classify import explain
    from archiver.extract.files import read_page
    from archiver.extract.page import extract_page

    for path in files:
        html = read_page(path)
        page_url = url or path.resolve().as_uri()
        extraction = extract_page(html, page_url)
        data = explain(page_url, extraction) if why else extraction.to_dict()
        click.echo(json.dumps(data, ensure_ascii=False))


EXPORT_FILTERS = (
    ("--source", "Only rows of this source (name); an unknown name is refused with the known ones."),
    (
        "--since",
        "Only rows whose own date (published; versions: captured; captures: fetched; crawls: started) "
        "is on or after this ISO date (YYYY-MM-DD).",
    ),
    ("--until", "Only rows whose own date is on or before this ISO date (YYYY-MM-DD)."),
    ("--search", "Only rows matching this full-text query (SQLite FTS5; articles and comments)."),
    ("--published-since", "Only rows published on or after this date (articles, comments, versions)."),
    ("--published-until", "Only rows published on or before this date (articles, comments, versions)."),
    ("--first-seen-since", "Only rows first archived on or after this date (articles, comments)."),
    ("--first-seen-until", "Only rows first archived on or before this date (articles, comments)."),
    ("--captured-since", "Only rows captured on or after this date (articles: any capture; versions; captures)."),
    ("--captured-until", "Only rows captured on or before this date (articles: any capture; versions; captures)."),
    ("--author", "Only articles with this byline (comments: by this commenter)."),
    ("--language", "Only rows of articles in this language (e.g. en)."),
    ("--tag", "Only rows of articles with this tag."),
    ("--section", "Only rows of articles whose URL path starts with /SECTION/."),
    ("--article", "Only rows of this article (its id or URL)."),
    ("--has-comments", "yes: only rows of articles with comments; no: only those without."),
    ("--changed-since", "Only rows of articles with a new version captured on or after this date."),
    ("--status", "Only captures with this HTTP status, or crawls with this run status."),
    ("--decision", "Only captures with this decision (article, page, skipped, error...)."),
    ("--reason", "Only captures skipped or failed for this reason."),
)


def export_filter_options(func):
    """Give `func` with one option per export filter (the names the web's download URLs use too)."""
    for name, text in reversed(EXPORT_FILTERS):
        func = click.option(name, metavar="YES|NO" if name == "--has-comments" else None, help=text)(func)
    return func


@main.command()
@click.argument("table")
@click.argument("ident", required=False, metavar="[ID|URL]")
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "json", "parquet"]),
    help="Output format: csv (default), jsonl, parquet (needs the parquet extra); `export article` gives json "
    "(default) or its comments as csv.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@export_filter_options
@click.option(
    "--excel-safe",
    is_flag=True,
    help="Put a ' before CSV cells starting with = + - @ tab or CR, so spreadsheets show them as text, not "
    "formulas (OWASP CSV injection). Changes those cells: off by default.",
)
@click.option(
    "--manifest",
    is_flag=True,
    help="Also write FILE.manifest.json: query, filters, crawls covered, versions, rows, sha256 (needs -o).",
)
@reported
def export(table, ident, db, fmt, output, excel_safe, manifest, **filters):
    """Export TABLE (articles, comments, versions, captures, crawls) streamed, or `export article ID|URL`."""
    from archiver.errors import ConfigError
    from archiver.export.run import ExportRequest, run_export

    if table == "article":
        export_one_article(ident, db, fmt, output, excel_safe, manifest, filters)
        return
    if ident is not None:
        raise ConfigError(f"unexpected argument {ident!r} after {table}", "only `export article ID|URL` takes one")
    if fmt == "json":
        raise ConfigError("--format json is for `export article`", "use jsonl for a table")
    report = run_export(ExportRequest(db, table, filters, fmt or "csv", output, excel_safe, manifest))
    for line in report.lines():
        click.echo(line, err=True)


def export_one_article(ident, db, fmt, output, excel_safe, manifest, filters) -> None:
    """Write one article as JSON, or its comments as CSV (the comments export filtered to it)."""
    from archiver.errors import ConfigError
    from archiver.export.article import export_article
    from archiver.export.run import ExportRequest, run_export

    given = [f"--{k.replace('_', '-')}" for k, v in filters.items() if v is not None]
    if ident is None or given:
        raise ConfigError(
            "`export article` takes ID|URL and no filter" + (f" ({given[0]})" if given else ""),
            "e.g. archiver export article 12 or archiver export article https://site/story",
        )
    if fmt in ("csv", "jsonl"):
        article_id, _ = export_article(db, ident)
        req = ExportRequest(db, "comments", {"article": str(article_id)}, fmt, output, excel_safe, manifest)
        for line in run_export(req).lines():
            click.echo(line, err=True)
        return
    if fmt not in (None, "json") or excel_safe or manifest:
        raise ConfigError("`export article` writes json, or csv/jsonl of its comments", "drop the other options")
    article_id, text = export_article(db, ident)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    click.echo(f"wrote article {article_id} to {output or 'standard output'}", err=True)


@main.command()
@DB_OPTION
@click.option("--source", help="Only articles of this source (name).")
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the raw captures (default: warcs/ beside the archive).",
)
@WORKERS_OPTION
@MAX_PAGE_TIME_OPTION
@reported
def reextract(db, source, warc_dir, workers, max_page_time):
    """Re-run the current extraction over the kept raw captures, without the network."""
    from archiver.warc.import_progress import progress_for
    from archiver.warc.reextract import reextract as run

    progress = progress_for(sys.stderr)
    try:
        report = run(db, warc_dir, source, workers, progress, max_page_time)
    finally:
        progress.close()
    click.echo(
        f"re-extracted {report.articles} articles: {report.changed} changed, "
        f"{report.unchanged} unchanged, {len(report.failed)} failed"
    )
    for line in report.failed:
        click.echo(f"  failed: {line}", err=True)
    if report.failed:
        sys.exit(1)


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; 127.0.0.1 keeps it local.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on.")
@click.option("--public", is_flag=True, help="Turn off arbitrary SQL, for deployments that others can reach.")
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Serving processes sharing the port; one per core answers the most visitors.",
)
@reported
def serve(db, host, port, public, processes):
    """Serve the archive in Datasette (read-only) at http://HOST:PORT/."""
    from archiver.web.app import build_app, serve_processes
    from archiver.web.app import serve as run_server

    app = build_app(db, public=public)  # a bad archive fails here, before any process starts
    shown = f" from {processes} processes" if processes > 1 else ""
    click.echo(f"Serving {db} at http://{host}:{port}/{shown} (Ctrl-C to stop)")
    if processes > 1:
        serve_processes(db, public, host, port, processes)
    else:
        run_server(app, host, port)


@main.command()
@DB_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port for Datasette.")
@click.option("--no-serve", is_flag=True, help="Crawl the demo site, then exit without serving Datasette.")
@reported
def demo(db, port, no_serve):
    """Serve the bundled demo news site, crawl both its editions into the archive, then browse it in Datasette.

    The demo site keeps running while the archive is served, so that its links lead somewhere.
    """
    from archiver.demo import serve_demo
    from archiver.demo.tour import crawl_editions
    from archiver.web.app import build_app, check_port
    from archiver.web.app import serve as run_server

    if not no_serve:
        check_port("127.0.0.1", port)
    with serve_demo(port=demo_site_port()) as site:
        click.echo(f"Demo news site at {site.url}")
        crawl_editions(site, db, click.echo)
        if no_serve:
            return
        app = build_app(db)
        click.echo(
            f"Browse the archive at http://127.0.0.1:{port}/ (the demo site stays at {site.url}; Ctrl-C to stop)"
        )
        run_server(app, "127.0.0.1", port)


@main.command("export-warc")
@DB_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="WARC file to write (gzipped WARC 1.1, e.g. captures.warc.gz).",
)
@click.option(
    "--wacz",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also (or instead) write a WACZ package replay tools open directly (e.g. captures.wacz).",
)
@click.option("--source", help="Only captures of this source (name).")
@click.option("--since", help="Only captures fetched on or after this ISO date (YYYY-MM-DD).")
@click.option("--until", help="Only captures fetched on or before this ISO date (YYYY-MM-DD).")
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the raw captures (default: warcs/ beside the archive).",
)
@reported
def export_warc(db, output, source, since, until, warc_dir, wacz):
    """Export the raw captures as WARC 1.1: requests, responses, revisits for 304s, article metadata."""
    from archiver.warc import export_warc as run

    if output is None and wacz is None:
        raise click.UsageError("give -o FILE.warc.gz, --wacz FILE.wacz or both")
    report = run(db, output, warc_dir, source, since, until, wacz)
    click.echo(
        f"exported {report.captures} captures to {' and '.join(str(p) for p in (output, wacz) if p)}: "
        f"{report.responses} responses, {report.revisits} revisits, {report.resources} resources, "
        f"{report.requests} requests, {report.metadata} metadata records"
    )
    if report.redated:
        click.echo(f"note: {report.redated} records with an invalid WARC-Date went out dated by their capture")
    if report.missing:
        click.echo(f"warning: {report.missing} captures missing from the warcs/ folder were left out", err=True)


@main.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--source", help="File every capture under this source (default: one source per host).")
@WORKERS_OPTION
@MAX_PAGE_TIME_OPTION
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the records are copied to (default: warcs/ beside the archive).",
)
@reported
def import_warc(files, db, source, workers, max_page_time, warc_dir):
    """Archive articles from WARC FILES made by other crawlers, keeping their capture dates."""
    from archiver.warc import ImportOptions, import_warcs
    from archiver.warc.import_progress import progress_for

    progress = progress_for(sys.stderr)
    try:
        report = import_warcs(db, files, ImportOptions(source, workers, max_page_time), warc_dir, progress)
    finally:
        progress.close()
    click.echo(
        f"imported {report.records} records ({report.rate:.0f} records/s) into {report.warc_file}: "
        f"{report.captures} captures; articles: {report.articles_new} new, {report.articles_changed} "
        f"changed, {report.articles_unchanged} unchanged; comments: {report.comments_new} new"
    )
    echo_import_notes(report)


def echo_import_notes(report) -> None:
    """Print an import's record kinds, and its skips by reason, redated and cut-short records as warnings."""
    click.echo("records: " + (", ".join(f"{n} {kind}" for kind, n in sorted(report.kinds.items())) or "none"))
    if report.skipped:
        click.echo(
            f"warning: skipped {report.skipped} records ({report.damaged} damaged records), by reason:", err=True
        )
        for reason, n in report.skips.most_common():
            click.echo(f"  {n} x {reason}", err=True)
        for line in report.details[:20]:
            click.echo(f"  skipped: {line}", err=True)
    if report.bodiless:
        click.echo(f"warning: {sum(report.bodiless.values())} captures kept without their body, by reason:", err=True)
        for reason, n in report.bodiless.most_common():
            click.echo(f"  {n} x {reason}", err=True)
    if report.failed:
        click.echo(
            f"warning: {len(report.failed)} pages could not be analysed (kept as captures with the reason):", err=True
        )
        for line in report.failed[:20]:
            click.echo(f"  failed: {line}", err=True)
    if report.redated:
        sources = ", ".join(f"{n} from {source}" for source, n in report.redated.items())
        click.echo(
            f"warning: {sum(report.redated.values())} records had an invalid WARC-Date, redated: {sources}", err=True
        )
    if report.truncated:
        click.echo(
            f"warning: {report.truncated} damaged records (cut short by the end of their file) kept as far as they"
            " go, marked WARC-Truncated",
            err=True,
        )


CONFIG_OPTION = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("archiver.toml"),
    show_default=True,
    help="Sources config file.",
)


@main.group()
def sources():
    """Add, list, show and remove the sources in archiver.toml."""


@sources.command("add")
@click.argument("name")
@click.argument("url")
@CONFIG_OPTION
@click.option("--start-url", "start_urls", multiple=True, help="Another page to start from (repeatable).")
@click.option("--sitemap", "sitemaps", multiple=True, help="Sitemap URL (repeatable).")
@click.option("--feed", "feeds", multiple=True, help="RSS or Atom feed URL (repeatable).")
@click.option("--host", "hosts", multiple=True, help="Another host of the same site (repeatable).")
@click.option("--include", multiple=True, help="Only follow URLs matching this regex (repeatable).")
@click.option("--exclude", multiple=True, help="Never follow URLs matching this regex (repeatable).")
@click.option("--concurrency", type=click.IntRange(min=1), help="Concurrent requests to the site.")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to the site.")
@click.option("--max-pages", type=click.IntRange(min=0), help="Stop a crawl after this many responses.")
@click.option("--revisit", metavar="POLICY", help='Revisit policy, e.g. "new_days=2,new_every=1h,old_every=7d".')
@click.option("--schedule", "schedule_", metavar="CRON", help='Cron schedule, e.g. "0 * * * *".')
@click.option("--disabled", is_flag=True, help="Add the source with its schedule switched off.")
@reported
def sources_add(name, url, config, schedule_, disabled, **options):
    """Add the source NAME with homepage URL to the config file."""
    from archiver.config import add_source, spec_from_options

    spec = spec_from_options(url, schedule=schedule_, enabled=not disabled, **options)
    source = add_source(config, name, spec)
    click.echo(f"added source {source.name} ({source.url}) to {config}")


@sources.command("list")
@CONFIG_OPTION
@reported
def sources_list(config):
    """List the configured sources: name, URL, schedule, enabled."""
    from archiver.config import load_config

    found = load_config(config)
    if not found:
        no_sources(config)
    for source in found.values():
        state = "enabled" if source.enabled else "disabled"
        click.echo(f"{source.name}  {source.url}  schedule: {source.schedule or '-'}  {state}")


def no_sources(config: Path) -> None:
    """Say on stderr that there is no source to list, and how to add one."""
    where = f"no {config} here" if not config.exists() else f"no sources in {config}"
    click.echo(
        f"{where}; add a source with `archiver sources add NAME URL` (e.g. archiver sources add courier "
        "http://127.0.0.1:8002/), or crawl a homepage directly with `archiver crawl URL`",
        err=True,
    )


@sources.command("show")
@click.argument("name")
@CONFIG_OPTION
@reported
def sources_show(name, config):
    """Show every setting of the source NAME."""
    from archiver.config import find_source, load_config, show_lines

    click.echo("\n".join(show_lines(find_source(load_config(config), name))))


@sources.command("remove")
@click.argument("name")
@CONFIG_OPTION
@reported
def sources_remove(name, config):
    """Remove the source NAME from the config file (its archived crawls stay)."""
    from archiver.config import remove_source

    remove_source(config, name)
    click.echo(f"removed source {name} from {config}")


@main.group()
def schedule():
    """Set, list, pause and resume the cron schedules of sources."""


@schedule.command("set")
@click.argument("name")
@click.argument("cron")
@CONFIG_OPTION
@DB_OPTION
@reported
def schedule_set(name, cron, config, db):
    """Give the source NAME the cron schedule CRON (UTC; a sixth field gives seconds)."""
    from archiver.extract.timeutil import utc_now
    from archiver.schedule.status import set_cron

    plan = set_cron(config, db, name, cron, utc_now())
    click.echo(f"{name}: schedule {plan.cron}, next run {plan.next_run.isoformat() if plan.next_run else '-'}")


@schedule.command("list")
@CONFIG_OPTION
@DB_OPTION
@reported
def schedule_list(config, db):
    """List each source's schedule, last run (status, counts, health) and next run time."""
    from archiver.extract.timeutil import utc_now
    from archiver.schedule.status import format_status, schedule_status

    now = utc_now()
    statuses = schedule_status(config, db, now)
    if not statuses:
        no_sources(config)
    for status in statuses:
        click.echo("\n".join(format_status(status, now)))


@schedule.command("pause")
@click.argument("name")
@CONFIG_OPTION
@DB_OPTION
@reported
def schedule_pause(name, config, db):
    """Pause the schedule of the source NAME (kept in the archive)."""
    from archiver.extract.timeutil import utc_now
    from archiver.schedule.status import pause

    pause(config, db, name, True, utc_now())
    click.echo(f"{name}: paused")


@schedule.command("resume")
@click.argument("name")
@CONFIG_OPTION
@DB_OPTION
@reported
def schedule_resume(name, config, db):
    """Resume the schedule of the source NAME; times missed while paused do not run."""
    from archiver.extract.timeutil import utc_now
    from archiver.schedule.status import pause

    plan = pause(config, db, name, False, utc_now())
    click.echo(f"{name}: resumed, next run {plan.next_run.isoformat() if plan.next_run else '-'}")


@main.command()
@CONFIG_OPTION
@DB_OPTION
@click.option("--once", is_flag=True, help="Run what is due now, wait for those crawls, then exit (for cron).")
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds running crawls get to stop cleanly after SIGTERM before they are killed.",
)
@reported
def scheduler(config, db, once, grace):
    """Run the sources' schedules in the foreground until SIGTERM (for systemd or a container)."""
    from archiver.schedule.service import run_scheduler

    sys.exit(run_scheduler(config, db, once, lambda line: click.echo(line, nl=True), grace))


@main.command()
@click.option(
    "--redis",
    "redis_url",
    required=True,
    metavar="URL",
    help="Redis of the distributed crawls (redis://HOST:PORT/DB), as given to the workers.",
)
@DB_OPTION
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Exit after this many seconds with no result waiting and nothing queued or being fetched.",
)
@reported
def ingest(redis_url, db, idle):
    """Store the results of `archiver crawl --redis` workers into the archive (the single writer)."""
    from archiver.distributed.ingester import ingest_from_redis

    click.echo(ingest_from_redis(redis_url, db, idle).summary())


DEMO_SITE_PORT = 8002


def demo_site_port() -> int:
    """Give the demo site's usual port when free (so reruns recrawl the same URLs), else any free port."""
    from archiver.web.app import check_port

    try:
        check_port("127.0.0.1", DEMO_SITE_PORT)
    except ArchiverError:
        return 0
    return DEMO_SITE_PORT


if __name__ == "__main__":
    main()

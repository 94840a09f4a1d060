"""Scrapy settings of the archiver; our own are prefixed ARCHIVER_ and declared once with help."""

from __future__ import annotations

from archiver import __version__

BOT_NAME = "news-archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Our settings: name -> (default, help). `archiver settings` and the README list them.
ARCHIVER_SETTINGS = {
    "ARCHIVER_DB": ("archive.db", "Path of the SQLite archive the crawl writes into."),
    "ARCHIVER_WARC_DIR": (None, "Folder for raw captures as WARC files; default: warcs/ beside the archive."),
    "ARCHIVER_WARC_GZIP_LEVEL": (
        1,
        "gzip level (0-9) of the WARC records: 0-3 use the fast ISA-L library, 4-9 zlib (smaller files, much slower).",
    ),
    "ARCHIVER_CONTACT_URL": (None, "Contact URL sent in the User-Agent so site owners can reach the operator."),
    "ARCHIVER_WORKERS": (0, "Extraction worker processes; 0 means one per CPU core."),
    "ARCHIVER_PIN_WORKERS": (
        True,
        "Pin each extraction worker to a CPU of its own when there are no more workers "
        "than CPUs (fewer cache misses); false leaves them to the kernel.",
    ),
    "ARCHIVER_BATCH_SIZE": (200, "Pages stored per write transaction."),
    "ARCHIVER_MAX_PAGE_TIME": (30.0, "Seconds one page may spend in extraction before it is skipped."),
    "ARCHIVER_MAX_DEPTH": (12, "Link depth from the start pages beyond which links are not followed."),
    "ARCHIVER_MAX_QUERY_VARIANTS": (30, "Query-string variants of one path followed before it is treated as a trap."),
    "ARCHIVER_CONDITIONAL": (True, "Send conditional requests (ETag, Last-Modified) for pages captured before."),
    "ARCHIVER_RETRY_BACKOFF": (1.0, "Seconds before the first retry of a failed request; doubled on each retry."),
    "ARCHIVER_MAX_RETRY_AFTER": (120.0, "Longest pause honoured from a Retry-After header, in seconds."),
    "ARCHIVER_PROGRESS": (
        None,
        "Progress display: true (live), false (none), or unset: live in a terminal, "
        "else plain lines every ARCHIVER_PROGRESS_EVERY seconds.",
    ),
    "ARCHIVER_SKIP_UNCHANGED": (
        False,
        "Skip sitemap URLs whose lastmod is not newer than their last capture "
        "(fast recrawls of big sites); off: they are revalidated conditionally.",
    ),
    "ARCHIVER_PROGRESS_EVERY": (10.0, "Seconds between plain progress lines when stderr is not a terminal."),
    "ARCHIVER_REDIS_IDLE": (
        30.0,
        "Seconds a Redis worker (crawl --redis) waits with nothing queued or being fetched "
        "by any worker before it exits.",
    ),
    "ARCHIVER_REDIS_LEASE": (
        120,
        "Seconds a Redis worker may hold a request before it goes back to the queue "
        "(how soon a killed worker's pages are fetched by others).",
    ),
    "ARCHIVER_REDIS_ATTEMPTS": (
        3,
        "Times a request whose lease ran out is queued again before it is set aside "
        "in the source's Redis list archiver:<source>:lost.",
    ),
    "ARCHIVER_REDIS_SEED": (False, "Only put the start requests into Redis, then exit (crawl --redis URL --seed)."),
    "ARCHIVER_CHROMIUM": (
        "/usr/bin/chromium",
        "Chromium executable for rendering (Debian's chromium package; no browser is downloaded).",
    ),
    "ARCHIVER_RENDER_CONCURRENCY": (2, "Pages rendered in the browser at once (sources with render = true)."),
    "ARCHIVER_RENDER_TIMEOUT": (
        30.0,
        "Seconds a page may take to load in the browser, and again to scroll, click and be read; "
        "past it the page is archived from its HTML, with the reason.",
    ),
    "ARCHIVER_RENDER_CLICKS": (20, 'Most clicks on "load more" / "more replies" controls of one rendered page.'),
    "ARCHIVER_REVISIT": (
        {},
        'Revisit policy of known articles, e.g. {new_days = 2, new_every = "1h", '
        'old_every = "7d"}; empty: every article is fetched on every crawl.',
    ),
}
for _name, (_default, _help) in ARCHIVER_SETTINGS.items():
    globals()[_name] = _default

USER_AGENT = f"news-archiver/{__version__} (research news archiver)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Items per response handled in parallel: ours give one item each, and Scrapy starts this many
# asyncio workers for every response, which costs more than it gives.
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 0
COOKIES_ENABLED = False
# Requests wait in memory as (url, kind, depth) tuples, not as Request objects or on disk: a
# 100,000-URL sitemap costs a few megabytes and no pickling (archiver/queues.py).
SCHEDULER_MEMORY_QUEUE = "archiver.crawl.queues.CompactQueue"
SCHEDULER_START_MEMORY_QUEUE = "archiver.crawl.queues.CompactFifoQueue"
# Link depth and its limit are the spider's own (ARCHIVER_MAX_DEPTH).
# Scrapy's check that spiders do not copy its internal meta keys is a development aid: ours build
# every request afresh, and the check costs every request of a crawl.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control runs Python code sent to it over HTTP inside the crawl process: no
# archive's crawl should offer that (nor pay for its server).
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"
# AutoThrottle, with 304s counted as latency samples so that recrawls speed up (crawl/throttle.py).
EXTENSIONS = {
    "archiver.crawl.progress.CrawlProgress": 500,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "archiver.crawl.throttle.ArchiverThrottle": 0,
}
ITEM_PIPELINES = {"archiver.crawl.pipelines.ArchivePipeline": 500}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.crawl.middlewares.BackoffRetryMiddleware": 550,
    # Before conditional requests: an article that is not due is not requested at all.
    "archiver.crawl.revisit.RevisitMiddleware": 580,
    "archiver.crawl.middlewares.ConditionalRequestMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "archiver.crawl.middlewares.CheapMetaRefreshMiddleware": 585,
    # Above the redirect middleware (600) so it sees 3xx responses first.
    "archiver.crawl.middlewares.RedirectLoopMiddleware": 610,
}

"""Render article pages whose comments a JavaScript widget loads, in headless Chromium (scrapy-playwright).

Opt-in per source (`render = true`, `archiver crawl --render`). An article fetched as usual whose
comments status says a widget loads them (or that the page declares comments its HTML lacks) is
loaded again in the browser: scrolled through so that lazy widgets start, its "load more" and
"more replies" controls clicked a bounded number of times within a time budget, then its DOM,
with the DOM of every iframe put in place of the iframe, goes through the same extraction. The
browser may reach the source's hosts and the `widget_hosts` of its config only; every other
request (ads, trackers, fonts, video players) is refused and counted. The network responses the
browser received are kept as WARC request/response records and the rendered DOM as a WARC
conversion record (crawl/pipelines.py), so what was seen can be re-extracted offline. A page that
fails to render is archived from its HTML as before, with the reason in its comments status.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from lxml.html import HtmlElement, document_fromstring, fragment_fromstring, tostring

from archiver.crawl.analysis import PageAnalysis
from archiver.crawl.render_records import NetworkExchange, RenderCapture, merged_analysis
from archiver.extract.timeutil import now_iso
from archiver.extract.widgets import NOT_CAPTURED, WIDGET

RENDER_STATES = (WIDGET, NOT_CAPTURED)
# Resource types whose responses are kept: the page, the widget's scripts, frames and data.
KEPT_TYPES = frozenset(["document", "script", "xhr", "fetch"])
# The text of controls that load more of a thread, in the common languages.
MORE_RE = (
    r"^\s*((load|show|view|see|read|display)\s+(\d+\s+)?(more|all|older|previous|earlier|new)?\s*"
    r"(comments?|replies|reply|responses|answers)|(\d+\s+)?more\s+(comments?|replies)|(load|show)\s+more"
    r"|weitere\s+(kommentare|antworten)|(mehr|alle)\s+(kommentare|antworten)(\s+(laden|anzeigen))?"
    r"|kommentare\s+(laden|anzeigen)|antworten\s+anzeigen|(afficher|voir|charger)\s+(plus|les)\s+(de\s+)?"
    r"(commentaires|réponses)|(ver|cargar|mostrar)\s+más\s+(comentarios|respuestas)|(mostra|carica)\s+altri\s+commenti"
    r"|meer\s+reacties)\b"
)
# Clicks the first visible control in a frame whose text says it loads more comments; gives its
# text, or null. Runs in the page, so that no control is waited on (a hidden one is just skipped).
# A control that stays after a click (a "load more" button reused for the next page) may be clicked
# again, after every control not clicked yet, and at most MAX_SAME_CONTROL times.
CLICK_JS = """([pattern, most]) => {
  const re = new RegExp(pattern, 'i');
  const controls = document.querySelectorAll('button, a, [role=button], summary, input[type=button]');
  let best = null;
  for (const el of controls) {
    const times = Number(el.dataset.archiverClicked || 0);
    if (el.disabled || times >= most || (best && times >= best.times)) continue;
    const text = (el.innerText || el.value || '').trim();
    if (!text || text.length > 60 || !re.test(text)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (el.tagName === 'A' && el.href && !el.href.includes('#') && !el.href.startsWith('javascript')) continue;
    best = {el, times, text};
    if (times === 0) break;
  }
  if (!best) return null;
  best.el.dataset.archiverClicked = String(best.times + 1);
  best.el.scrollIntoView({block: 'center'});
  best.el.click();
  return best.text;
}"""
MAX_SAME_CONTROL = 10
# Scrolls through the page a little less than a screen at a time (so that every lazy widget and
# iframe comes into view), then brings each comments area and iframe into view in turn.
SCROLL_JS = """async (most) => {
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  const step = Math.max(200, window.innerHeight * 0.8);
  for (let y = 0, n = 0; y < document.documentElement.scrollHeight && n < most; y += step, n++) {
    window.scrollTo(0, y);
    await pause(50);
  }
  const areas = document.querySelectorAll('[id*=comment i], [class*=comment i], iframe');
  for (const area of Array.from(areas).slice(0, 8)) {
    area.scrollIntoView({block: 'center'});
    await pause(50);
  }
}"""
FRAME_MARK = "data-archiver-frame"


@dataclass(frozen=True)
class RenderBudget:
    """How much one page may cost: seconds in all, clicks on "more" controls, quiet time to settle."""

    seconds: float = 30.0
    clicks: int = 20
    settle: float = 0.5


@dataclass
class PageSession:
    """The browser-side state of one page being rendered: allowed hosts, kept and refused requests,
    requests still in flight (to tell when the page has settled)."""

    allowed: frozenset[str]
    exchanges: list[NetworkExchange] = field(default_factory=list)
    blocked: Counter = field(default_factory=Counter)
    in_flight: int = 0
    last_activity: float = field(default_factory=time.monotonic)
    pending: list = field(default_factory=list)

    def allows(self, url: str) -> bool:
        """Tell whether the browser may fetch `url`: a data URL, or a host of the source or its widgets
        (an allowed "host:port" admits that port only, a plain host any port)."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            return False
        names = {host, host.removeprefix("www."), f"{host}:{port}" if port else host}
        return bool(names & self.allowed)

    async def route(self, route, request) -> None:
        """Refuse and count a request to a host outside the scope; hand the others on."""
        if self.allows(request.url):
            await route.fallback()
            return
        self.blocked[(urlsplit(request.url).hostname or "?").lower()] += 1
        await route.abort("blockedbyclient")

    def touched(self) -> None:
        """Count the page as active now (an action was taken on it)."""
        self.last_activity = time.monotonic()

    def started(self, request) -> None:
        self.in_flight += 1
        self.last_activity = time.monotonic()

    def finished(self, request) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.last_activity = time.monotonic()

    def received(self, response) -> None:
        """Keep the response of a page, frame, script or data request (read in the background)."""
        if response.request.resource_type in KEPT_TYPES and response.request.method == "GET":
            self.pending.append(asyncio.ensure_future(self.keep(response)))

    async def keep(self, response) -> None:
        """Read a response's body and keep the exchange; a body the browser no longer has is skipped."""
        try:
            body = await response.body()
            request_headers = await response.request.all_headers()
            headers = await response.all_headers()
        except Exception:  # redirects and aborted loads have no body: nothing to keep
            return
        request = response.request
        self.exchanges.append(
            NetworkExchange(
                response.url,
                request.method,
                request.resource_type,
                request_headers,
                response.status,
                headers,
                body,
                now_iso(),
            )
        )

    async def settled(self, deadline: float, quiet: float) -> None:
        """Wait until no request has been in flight for `quiet` seconds, or the deadline."""
        while time.monotonic() < deadline:
            if self.in_flight == 0 and time.monotonic() - self.last_activity >= quiet:
                return
            await asyncio.sleep(0.05)


def allowed_hosts(target, widget_hosts: tuple[str, ...] = ()) -> frozenset[str]:
    """Give the hosts the browser may reach: the source's own (with the port of its URLs when they
    name one), its other configured hosts and its widget hosts."""
    own = set()
    for url in target.start_urls + target.sitemaps + target.feeds:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        own.add(f"{host}:{parts.port}" if parts.port else host)
    return frozenset(h.lower() for h in (*own, *target.hosts, *target.widget_hosts, *widget_hosts))


def session_starter(allowed: frozenset[str]):
    """Give the page init callback of scrapy-playwright: it opens the page's session (kept in the
    request's meta) and hooks routing and network events before the page is loaded."""

    async def start(page, request) -> None:
        session = PageSession(allowed)
        request.meta["archiver_session"] = session
        await page.route("**/*", session.route)
        page.on("request", session.started)
        page.on("requestfinished", session.finished)
        page.on("requestfailed", session.finished)
        page.on("response", session.received)

    return start


def wants_render(analysis: PageAnalysis) -> bool:
    """Tell whether an analysed page is an article whose comments a render could capture."""
    return analysis.decision.kind == "article" and analysis.extraction.comments_status.state in RENDER_STATES


async def interact(page, session: PageSession, budget: RenderBudget, started: float) -> int:
    """Scroll the page so lazy widgets load, then click "more" controls in any frame until none is
    left, the click budget is spent or the time is up; give the number of clicks."""
    deadline = started + budget.seconds * 0.8  # the rest is for reading the DOM
    clicks, scrolled = 0, 0
    while clicks < budget.clicks and time.monotonic() < deadline:
        if not await click_more(page):
            if scrolled == 2:  # scrolled through twice and nothing more to click
                break
            await page.evaluate(SCROLL_JS, 200)
            scrolled += 1
        else:
            clicks += 1
        session.touched()  # what a click or a scroll starts may reach us after it returned
        await session.settled(deadline, budget.settle)
    return clicks


async def click_more(page) -> bool:
    """Click one "more" control in the page or one of its frames; tell whether one was found."""
    for frame in page.frames:
        try:
            if await frame.evaluate(CLICK_JS, [MORE_RE, MAX_SAME_CONTROL]):
                return True
        except Exception:  # a frame that navigated or was detached meanwhile
            continue
    return False


async def frame_documents(page) -> list[tuple[str, str]]:
    """Give (url, HTML) of each child frame of the page that could be read."""
    found = []
    for frame in page.frames:
        if frame is page.main_frame or not frame.url.startswith("http"):
            continue
        try:
            found.append((frame.url, await frame.content()))
        except Exception:  # detached, or navigating
            continue
    return found


def inline_frames(html: str, url: str, frames: list[tuple[str, str]]) -> tuple[bytes, int]:
    """Give the page's DOM with each iframe replaced by the body of the frame it showed, and how many
    were put in; the frame's content is marked with its URL (data-archiver-frame)."""
    tree = document_fromstring(html)
    by_url = {frame_url: frame_html for frame_url, frame_html in frames}
    placed = 0
    for iframe in list(tree.iter("iframe")):
        src = urljoin(url, (iframe.get("src") or iframe.get("data-src") or "").strip())
        if src in by_url:
            iframe.getparent().replace(iframe, frame_element(src, by_url.pop(src)))
            placed += 1
    return tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>"), placed


def frame_element(src: str, html: str) -> HtmlElement:
    """Give a <div> holding the body of a frame's document, marked with the frame's URL."""
    holder = fragment_fromstring("<div></div>")
    holder.set(FRAME_MARK, src)
    try:
        body = document_fromstring(html).find("body")
    except (etree.ParserError, ValueError):
        body = None
    for child in list(body) if body is not None else ():
        if child.tag not in ("script", "style"):
            holder.append(child)
    return holder


async def capture_page(page, session: PageSession, url: str, budget: RenderBudget) -> RenderCapture:
    """Interact with a loaded page and give its capture; the page is closed in every case."""
    started = time.monotonic()
    try:
        clicks = await asyncio.wait_for(interact(page, session, budget, started), budget.seconds)
        html = await page.content()
        dom, frames = inline_frames(html, page.url or url, await frame_documents(page))
    except Exception as exc:  # a page that hangs or breaks the browser: archived from its HTML
        return failed_capture(url, render_failure(exc), session, time.monotonic() - started)
    finally:
        await close_page(page)
    await asyncio.gather(*session.pending, return_exceptions=True)
    return RenderCapture(
        url,
        "rendered",
        None,
        dom,
        tuple(session.exchanges),
        sum(session.blocked.values()),
        tuple(session.blocked.most_common()),
        clicks,
        frames,
        round(time.monotonic() - started, 3),
        now_iso(),
    )


def failed_capture(url: str, reason: str, session: PageSession | None, seconds: float = 0.0) -> RenderCapture:
    """Give the capture of a page that could not be rendered, with what was kept before it failed."""
    blocked = session.blocked if session else Counter()
    exchanges = tuple(session.exchanges) if session else ()
    return RenderCapture(
        url,
        "failed",
        reason,
        b"",
        exchanges,
        sum(blocked.values()),
        tuple(blocked.most_common()),
        0,
        0,
        round(seconds, 3),
        now_iso(),
    )


def render_failure(exc: BaseException) -> str:
    """Give a short, stable reason for a render that failed."""
    if isinstance(exc, asyncio.TimeoutError) or "Timeout" in type(exc).__name__:
        return "render timed out"
    text = re.sub(r"\s+", " ", str(exc)).strip()[:160]
    return f"render failed: {type(exc).__name__}" + (f": {text}" if text else "")


async def close_page(page) -> None:
    """Close a browser page, whatever state it is in."""
    try:
        await page.close()
    except Exception:  # already closed with its browser
        pass


# -- the spider's side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlainPage:
    """A page fetched and analysed as usual, waiting for its render: the response, its analysis and
    the fetches it leads to."""

    response: object
    analysis: PageAnalysis
    planned: list


class Renderer:
    """Sends articles whose comments a widget loads to the browser and turns what comes back into
    the page's item (one per spider, when the source asks for rendering)."""

    def __init__(self, allowed: frozenset[str], budget: RenderBudget, contexts: int = 1, user_agent: str = ""):
        self.allowed = allowed
        self.budget = budget
        self.start_session = session_starter(allowed)
        self.contexts = max(1, contexts)
        self.context_kwargs = {"user_agent": user_agent, "service_workers": "block"} if user_agent else {}
        self.sent = 0

    @classmethod
    def from_settings(cls, settings, target) -> Renderer:
        """Give the renderer of a crawl target from its ARCHIVER_RENDER_* settings."""
        budget = RenderBudget(settings.getfloat("ARCHIVER_RENDER_TIMEOUT"), settings.getint("ARCHIVER_RENDER_CLICKS"))
        contexts = settings.getint("ARCHIVER_RENDER_CONCURRENCY")
        return cls(allowed_hosts(target), budget, contexts, settings.get("USER_AGENT"))

    def request(self, spider, plain: PlainPage) -> scrapy.Request:
        """Give the browser request of an analysed page (its plain item waits in the meta)."""
        # One page per browser context: a second page of a context is a background tab, which
        # Chromium does not lay out, so that lazy widgets (IntersectionObserver) never start there.
        self.sent += 1
        meta = {
            "kind": "render",
            "playwright": True,
            "playwright_context": f"render-{self.sent % self.contexts}",
            "playwright_context_kwargs": self.context_kwargs,
            "playwright_include_page": True,
            "playwright_page_init_callback": self.start_session,
            "playwright_page_goto_kwargs": {"wait_until": "load"},
            "archiver_plain": plain,
            "handle_httpstatus_list": list(range(200, 600)),
        }
        url = plain.response.url
        return scrapy.Request(
            url, callback=spider.parse_rendered, errback=spider.render_failed, meta=meta, dont_filter=True, priority=5
        )

    async def outputs(self, spider, response) -> list:
        """Give the page's item (its comments from the rendered DOM) and the fetches it leads to."""
        plain: PlainPage = response.meta["archiver_plain"]
        session = response.meta.get("archiver_session") or PageSession(self.allowed)
        page = response.meta["playwright_page"]
        if response.status >= 400:
            await close_page(page)
            capture = failed_capture(response.url, f"render: HTTP {response.status}", session)
        else:
            capture = await capture_page(page, session, plain.response.url, self.budget)
        rendered = None
        if capture.outcome == "rendered":
            headers = {"Content-Type": "text/html; charset=utf-8", **date_header(plain.response)}
            hints = spider.hints(plain.response)
            result = await spider.pool.analyze(capture.dom, plain.response.url, headers, spider.scope, hints)
            if isinstance(result, PageAnalysis):
                rendered = result
            else:
                capture = replace(capture, reason=f"the rendered page could not be extracted: {result.reason}")
        return self.item_outputs(spider, plain, merged_analysis(plain.analysis, rendered, capture), capture)

    def failed(self, spider, failure) -> list:
        """Give the page's item from its HTML alone when the browser failed, with the reason."""
        meta = failure.request.meta
        page = meta.get("playwright_page")
        if page is not None:
            asyncio.ensure_future(close_page(page))
        capture = failed_capture(failure.request.url, render_failure(failure.value), meta.get("archiver_session"))
        plain: PlainPage = meta["archiver_plain"]
        return self.item_outputs(spider, plain, merged_analysis(plain.analysis, None, capture), capture)

    @staticmethod
    def item_outputs(spider, plain: PlainPage, analysis: PageAnalysis, capture: RenderCapture) -> list:
        """Give the item of the page (kept as fetched, extracted with the render) and what follows it."""
        item = spider.page_item(plain.response, analysis)
        item.render = capture
        return list(spider.emit(item, plain.planned))


def date_header(response) -> dict[str, str]:
    """Give the plain response's Date header (relative comment dates are read against it)."""
    value = response.headers.get("Date")
    return {"Date": value.decode("latin-1")} if value else {}


# -- settings ------------------------------------------------------------------------------------


def render_settings(settings) -> dict:
    """Give the Scrapy settings that put scrapy-playwright's download handler in place (only for
    crawls that render): Debian's Chromium, no sandbox (containers), at most
    ARCHIVER_RENDER_CONCURRENCY contexts of one page each, the per-page time limit on navigation too."""
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": settings.get("ARCHIVER_CHROMIUM"),
            "headless": True,
            "args": ["--no-sandbox", "--disable-background-networking"],
        },
        "PLAYWRIGHT_MAX_CONTEXTS": settings.getint("ARCHIVER_RENDER_CONCURRENCY"),
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": settings.getfloat("ARCHIVER_RENDER_TIMEOUT") * 1000,
        # The browser sends its own request headers (a page's validators must not give it a 304),
        # with the crawl's User-Agent.
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
    }

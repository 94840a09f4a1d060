"""The demo's comment widget: two articles whose threads are loaded by JavaScript from a second server.

One article embeds the widget inline: a script fetches the thread as JSON when the comment area
scrolls into view, three threads at a time behind a "Load more comments" button, with the first
reply of each thread shown and the others behind a "Show more replies" button. The other embeds
the same widget inside an iframe served by the widget server. The article pages themselves hold
no comment: a plain crawl can only say that a widget loads them; a rendered crawl captures them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from archiver.demo.briefs import brief
from archiver.demo.catalog import article_from_brief, generated_comments
from archiver.demo.layout import e
from archiver.demo.model import Article, Comment, NotFound, Response

THREADS_PER_PAGE = 3
THREADS = 8  # three pages of threads behind "Load more comments"
FIRST_POST_ID = 5001
FIRST_COMMENT_ID = 30001
WIDGET_BRIEFS = (
    (
        "inline",
        brief(
            "science",
            "01-21T10:30",
            "Night-sky survey counts record number of meteors over the estuary",
            "jonah-feld",
            "Astronomy, Science",
            "Volunteers who watched the sky over the estuary for a week counted more meteors than in any year since the survey began, helped by clear nights and a new moon.",
            topic="the meteor survey",
            person="Ada Linden",
            role="the survey's coordinator",
            org="the Estuary Astronomical Society",
            place="the estuary",
            figure="1,412 meteors in seven nights",
        ),
    ),
    (
        "iframe",
        brief(
            "business",
            "01-24T08:15",
            "Harbour ferry operator trials electric boats on the morning route",
            "jonah-feld",
            "Transport, Business",
            "The harbour's ferry operator has started a three-month trial of two electric boats on its busiest morning route, and says the first weeks have gone better than expected.",
            topic="the electric ferry trial",
            person="Tomas Reyes",
            role="the operator's head of fleet",
            org="Harbour Ferries",
            place="the harbour",
            figure="two boats and 38 crossings a day",
        ),
    ),
)


def widget_articles() -> tuple[Article, ...]:
    """Give the two articles whose comments the widget loads (inline, then in an iframe)."""
    articles, next_comment = [], FIRST_COMMENT_ID
    for order, (kind, item) in enumerate(WIDGET_BRIEFS):
        article = article_from_brief(item, FIRST_POST_ID + 3 * order, 1, next_comment)
        comments = generated_comments(item, article.slug, article.published, next_comment, THREADS)
        article = replace(article, comments=comments, widget=kind)
        articles.append(article)
        next_comment += len(article.comments) + 2
    return tuple(articles)


def widget_embed(article: Article, widget_url: str) -> str:
    """Give the comment area of a widget article: the widget's container and script, or its iframe."""
    base = widget_url.rstrip("/") + "/comments/"
    if article.widget == "iframe":
        return (
            '<div id="comments" class="comments-area"><h2 class="comments-title">Join the conversation</h2>\n'
            f'<iframe class="talkback-frame" title="Comments" src="{base}frame/{article.post_id}" width="100%" '
            'height="600" loading="lazy"></iframe></div>\n'
        )
    return (
        '<div id="comments" class="comments-area"><h2 class="comments-title">Join the conversation</h2>\n'
        f'<div class="talkback-thread" data-thread="{article.post_id}" data-api="{e(base)}"></div>\n'
        f'<script src="{base}embed.js" async></script></div>\n'
    )


# The widget itself: vanilla JavaScript, as small widgets are.
EMBED_JS = r"""
(function () {
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function item(c, depth, api) {
    var li = el('li', 'comment depth-' + depth);
    li.id = 'comment-' + c.id;
    var body = el('article', 'comment-body');
    var meta = el('footer', 'comment-meta');
    var who = el('div', 'comment-author');
    who.appendChild(el('cite', 'fn', c.author));
    meta.appendChild(who);
    var when = el('time', '', c.date);
    when.setAttribute('datetime', c.published);
    var md = el('div', 'comment-metadata');
    md.appendChild(when);
    meta.appendChild(md);
    body.appendChild(meta);
    var text = el('div', 'comment-content');
    text.appendChild(el('p', '', c.text));
    body.appendChild(text);
    li.appendChild(body);
    var children = el('ul', 'children');
    (c.replies || []).forEach(function (r) { children.appendChild(item(r, depth + 1, api)); });
    if (c.replies && c.replies.length) li.appendChild(children);
    if (c.more_replies) {
      var more = el('button', 'talkback-more-replies', 'Show ' + c.more_replies + ' more replies');
      more.onclick = function () {
        more.disabled = true;
        fetch(api + 'api/replies/' + c.id).then(function (r) { return r.json(); }).then(function (data) {
          data.replies.forEach(function (r) { children.appendChild(item(r, depth + 1, api)); });
          if (!children.parentNode) li.insertBefore(children, more);
          more.remove();
        });
      };
      li.appendChild(more);
    }
    return li;
  }
  function start(box) {
    var api = box.getAttribute('data-api'), thread = box.getAttribute('data-thread');
    var title = el('h3', 'talkback-count', 'Loading comments...');
    var list = el('ol', 'comment-list');
    var more = el('button', 'talkback-load-more', 'Load more comments');
    box.appendChild(title);
    box.appendChild(list);
    function load(page) {
      fetch(api + 'api/threads/' + thread + '?page=' + page).then(function (r) { return r.json(); }).then(function (data) {
        title.textContent = data.total + ' comments';
        data.comments.forEach(function (c) { list.appendChild(item(c, 1, api)); });
        if (data.next) {
          more.disabled = false;
          more.onclick = function () { more.disabled = true; load(data.next); };
          box.appendChild(more);
        } else if (more.parentNode) {
          more.remove();
        }
      });
    }
    var seen = false;
    new IntersectionObserver(function (entries, observer) {
      if (!seen && entries.some(function (x) { return x.isIntersecting; })) {
        seen = true;
        observer.disconnect();
        load(1);
      }
    }).observe(box);
  }
  document.querySelectorAll('.talkback-thread').forEach(start);
})();
"""


def comment_json(comment: Comment, replies: list[dict], more: int = 0) -> dict:
    """Give one comment as the widget's JSON has it."""
    data = {
        "id": comment.id,
        "author": comment.author,
        "published": comment.published.isoformat(),
        "date": f"{comment.published:%B %d, %Y at %H:%M}",
        "text": comment.text,
        "replies": replies,
    }
    if more:
        data["more_replies"] = more
    return data


def subtree(article: Article, comment: Comment) -> dict:
    """Give a comment with all its replies nested."""
    return comment_json(comment, [subtree(article, c) for c in article.comments if c.parent == comment.id])


def thread(article: Article, top: Comment) -> dict:
    """Give a top-level comment with its first reply (and that reply's own); the others are counted."""
    children = [c for c in article.comments if c.parent == top.id]
    return comment_json(top, [subtree(article, c) for c in children[:1]], len(children) - 1 if children else 0)


def thread_page(article: Article, page: int) -> dict:
    """Give one page of the article's threads, with the number of the next page or None."""
    tops = [c for c in article.comments if c.parent is None]
    start = (page - 1) * THREADS_PER_PAGE
    if page < 1 or (start >= len(tops) and page > 1):
        raise NotFound(f"page {page}")
    more = start + THREADS_PER_PAGE < len(tops)
    comments = [thread(article, c) for c in tops[start : start + THREADS_PER_PAGE]]
    return {
        "thread": article.post_id,
        "total": len(article.comments),
        "page": page,
        "next": page + 1 if more else None,
        "comments": comments,
    }


def more_replies(article: Article, comment_id: int) -> dict:
    """Give the replies of a top-level comment after its first, each with its own replies."""
    children = [c for c in article.comments if c.parent == comment_id]
    return {"replies": [subtree(article, c) for c in children[1:]]}


def frame_page(article: Article) -> str:
    """Give the HTML page the iframe embed shows: the widget, run inside the frame."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Comments</title></head><body>\n'
        f'<div class="talkback-thread" data-thread="{article.post_id}" data-api="/comments/"></div>\n'
        '<script src="/comments/embed.js"></script>\n</body></html>\n'
    )


class WidgetApp:
    """The widget server's resources: its script, the thread JSON, the replies JSON, the iframe page."""

    def __init__(self, articles: Callable[[], list[Article]]):
        self.articles = articles

    def article(self, post_id: str) -> Article:
        """Give the widget article with this post id; NotFound when none."""
        for article in self.articles():
            if article.widget and str(article.post_id) == post_id:
                return article
        raise NotFound(post_id)

    def respond(self, path: str) -> Response:
        """Give the response for a path of the widget server (404 for anything else)."""
        try:
            body, ctype = self.route(path)
        except (NotFound, ValueError):
            return Response(404, {"Content-Type": "text/plain", "Content-Length": "9"}, b"not found")
        headers = {"Content-Type": ctype, "Content-Length": str(len(body)), "Access-Control-Allow-Origin": "*"}
        return Response(200, headers, body)

    def route(self, path: str) -> tuple[bytes, str]:
        """Give the body and media type at a path; NotFound when none."""
        parts = urlsplit(path)
        segments = [s for s in parts.path.split("/") if s]
        if segments == ["comments", "embed.js"]:
            return EMBED_JS.encode(), "text/javascript; charset=utf-8"
        if segments[:3] == ["comments", "api", "threads"] and len(segments) == 4:
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            return as_json(thread_page(self.article(segments[3]), page))
        if segments[:3] == ["comments", "api", "replies"] and len(segments) == 4:
            comment_id = int(segments[3])
            owners = [a for a in self.articles() if a.widget and any(c.id == comment_id for c in a.comments)]
            if not owners:
                raise NotFound(path)
            return as_json(more_replies(owners[0], comment_id))
        if segments[:2] == ["comments", "frame"] and len(segments) == 3:
            return frame_page(self.article(segments[2])).encode(), "text/html; charset=utf-8"
        raise NotFound(path)


def as_json(data: dict) -> tuple[bytes, str]:
    """Give a JSON body and its media type."""
    return json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8"


def newest_first(articles: tuple[Article, ...]) -> tuple[Article, ...]:
    """Give articles newest first (the catalog's order)."""
    return tuple(sorted(articles, key=lambda a: a.published, reverse=True))

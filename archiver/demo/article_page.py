"""The article page: audio player, headline, byline, body, fact-check box, tags, comments."""

from __future__ import annotations

from urllib.parse import quote

from archiver.demo import seed
from archiver.demo.catalog import slugify
from archiver.demo.comments import comments_area
from archiver.demo.layout import Context, Head, document, e, json_ld, time_tag
from archiver.demo.model import Article, Page
from archiver.demo.people import PUBLISHER
from archiver.demo.widget import widget_embed

CDN = "https://cdn.example.net"
VIDEO = "https://video.example.org"
AUDIO = "https://audio.example.net"


def meta_tags(ctx: Context, article: Article) -> tuple[str, ...]:
    """Give the article's Open Graph and article:* meta tags."""
    section = ctx.catalog.section(article.section)
    tags = [
        '<meta property="og:type" content="article">',
        f'<link rel="shortlink" href="{ctx.url(f"/?p={article.post_id}")}">',
        f'<meta property="og:title" content="{e(article.title)}">',
        f'<meta property="og:url" content="{e(ctx.url(article.url_path))}">',
        f'<meta property="og:image" content="{image_url(article)}">',
        f'<meta property="og:description" content="{e(description(article))}">',
        f'<meta property="article:published_time" content="{article.published.isoformat()}">',
        f'<meta property="article:section" content="{e(section.name)}">',
        f'<meta name="author" content="{e(", ".join(article.authors))}">',
        *(f'<meta property="article:tag" content="{e(t)}">' for t in article.tags),
    ]
    if article.modified:
        tags.append(f'<meta property="article:modified_time" content="{article.modified.isoformat()}">')
    return (*tags, json_ld(structured_data(ctx, article)))


def structured_data(ctx: Context, article: Article) -> dict:
    """Give the schema.org NewsArticle of the article."""
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.url(article.url_path)},
        "headline": article.title,
        "description": description(article),
        "image": [image_url(article)],
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat(),
        "author": [
            {"@type": "Person", "name": n, "url": ctx.url(ctx.catalog.author_named(n).url_path)}
            for n in article.authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": PUBLISHER,
            "logo": {"@type": "ImageObject", "url": f"{CDN}/brand/courier-logo-600x60.png"},
        },
        "articleSection": ctx.catalog.section(article.section).name,
        "keywords": list(article.tags),
        "inLanguage": "en-GB",
        "commentCount": len(article.comments),
    }


def description(article: Article) -> str:
    """Give the article's summary: its first paragraph, shortened at a word."""
    words = article.paragraphs[0].split()
    return " ".join(words[:30]) + ("…" if len(words) > 30 else "")


def image_url(article: Article) -> str:
    """Give the off-site address of the article's lead picture."""
    return f"{CDN}/{article.published:%Y/%m}/{article.slug[:40]}-1200x800.jpg"


def audio_player(article: Article) -> str:
    """Give the "Listen to the article" widget that precedes the headline."""
    post = article.post_id
    return (
        f'<div class="audio-player" data-post="{post}">\n<p class="audio-label">{seed.AUDIO_LABEL}</p>\n'
        '<button class="audio-play" type="button" aria-label="Play">▶</button>\n'
        '<span class="audio-time"><span class="current">0:00</span> / <span class="duration">0:00</span></span>\n'
        f'<audio preload="none" src="{AUDIO}/tts/{post}.mp3"></audio>\n'
        '<button class="audio-speed" type="button">1x</button>\n</div>\n'
    )


def byline(ctx: Context, article: Article) -> str:
    """Give the byline: authors linked to their pages, publication and update times."""
    names = [
        f'<span class="author vcard"><a class="url fn n" href="{ctx.catalog.author_named(n).url_path}" rel="author">{e(n)}</a></span>'
        for n in article.authors
    ]
    updated = ""
    if article.modified:
        updated = f' <span class="updated-on">Updated {time_tag(article.modified, "updated", with_time=True)}</span>'
    return (
        f'<div class="entry-meta"><span class="byline">By {" and ".join(names)}</span> '
        f'<span class="posted-on">{time_tag(article.published, "entry-date published", with_time=True)}</span>{updated}</div>\n'
    )


def share_bar(ctx: Context, article: Article) -> str:
    """Give the share links: off-site addresses a crawler must never fetch."""
    url, title = quote(ctx.url(article.url_path), safe=""), quote(article.title, safe="")
    return (
        '<div class="share-bar"><span class="share-label">Share</span>'
        f'<a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}" rel="nofollow noopener" target="_blank">Facebook</a>'
        f'<a class="share-x" href="https://x.com/intent/tweet?url={url}&amp;text={title}" rel="nofollow noopener" target="_blank">X</a>'
        f'<a class="share-email" href="mailto:?subject={title}&amp;body={url}">Email</a></div>\n'
    )


def lead_image(article: Article) -> str:
    """Give the lead picture, served from the off-site image CDN."""
    src = image_url(article)
    return (
        f'<figure class="post-thumbnail"><img src="{src}" srcset="{src} 1200w, {src[:-12]}-600x400.jpg 600w" '
        f'sizes="(max-width: 600px) 100vw, 800px" width="1200" height="800" alt="{e(article.title)}" loading="lazy">'
        f"<figcaption>{e(article.image_caption)}</figcaption></figure>\n"
    )


def video_embed(article: Article) -> str:
    """Give the embedded video player, an iframe from another site."""
    return (
        '<figure class="wp-block-embed is-type-video"><div class="wp-block-embed__wrapper">'
        f'<iframe title="Video: {e(article.title)}" src="{VIDEO}/embed/{article.post_id}?autoplay=0" '
        'width="640" height="360" frameborder="0" allowfullscreen></iframe></div></figure>\n'
    )


def entry_content(article: Article) -> str:
    """Give the body: its paragraphs, with the video embedded after the second one."""
    parts = [f"<p>{e(p)}</p>\n" for p in article.paragraphs]
    parts.insert(2, video_embed(article))
    return '<div class="entry-content">\n' + "".join(parts) + "</div>\n"


def fact_checker() -> str:
    """Give the "Fact Checker" box that follows the body."""
    return (
        f'<div class="fact-checker"><h3 class="fact-checker-title">{seed.FACT_CHECK_TITLE}</h3>\n'
        f"<p>{e(seed.FACT_CHECK_TEXT)}</p></div>\n"
    )


def tag_links(ctx: Context, article: Article) -> str:
    """Give the article's tag links, at the foot of the article."""
    links = ", ".join(f'<a href="/tag/{slugify(name)}/" rel="tag">{e(name)}</a>' for name in article.tags)
    return f'<div class="entry-footer"><span class="tags-links">Tags: {links}</span></div>\n'


def related(ctx: Context, article: Article) -> str:
    """Give the "Related articles" box: the four previous articles of the same section.

    Earlier articles only, so that publishing a new article never changes an old page.
    """
    earlier = [a for a in ctx.catalog.articles if a.section == article.section and a.published < article.published]
    items = "".join(f'<li><a href="{a.url_path}">{e(a.title)}</a> {time_tag(a.published)}</li>' for a in earlier[:4])
    if not items:
        return ""
    return f'<section class="related-posts"><h2 class="related-title">Related articles</h2><ul>{items}</ul></section>\n'


def article_html(ctx: Context, article: Article) -> str:
    """Give the <article> element and what follows it in the main column."""
    section = ctx.catalog.section(article.section)
    return (
        f'<article id="post-{article.post_id}" class="post type-post status-publish category-{section.slug}">\n'
        + audio_player(article)
        + '<header class="entry-header">\n'
        f'<p class="entry-category"><a href="{section.url_path}" rel="category tag">{e(section.name)}</a></p>\n'
        f'<h1 class="entry-title">{e(article.title)}</h1>\n'
        + byline(ctx, article)
        + "</header>\n"
        + share_bar(ctx, article)
        + lead_image(article)
        + entry_content(article)
        + fact_checker()
        + tag_links(ctx, article)
        + "</article>\n"
        + related(ctx, article)
        + newsletter_box()
    )


def newsletter_box() -> str:
    """Give the in-article newsletter promotion."""
    return (
        '<aside class="newsletter-inline"><p class="newsletter-title">Enjoying this article?</p>'
        "<p>Get the Morning Brief, our free daily newsletter, every weekday.</p>"
        '<a class="newsletter-cta" href="/newsletter/">Sign up for free</a></aside>\n'
    )


def render_article(ctx: Context, article: Article) -> Page:
    """Give the rendered article page."""
    head = Head(
        article.title,
        article.url_path,
        description(article),
        meta_tags(ctx, article),
        f"post-template-default single single-post postid-{article.post_id}",
    )
    comments = widget_embed(article, ctx.widget_url) if article.widget else comments_area(article)
    body = document(ctx, head, article_html(ctx, article) + comments)
    return Page(body, "text/html; charset=utf-8", article.last_activity)

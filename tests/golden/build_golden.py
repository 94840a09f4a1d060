"""Build the golden pages of tests/golden/ and their expected JSON.

Run `python tests/golden/build_golden.py` after changing a page here. The pages are
written for the project (no corpus page is copied): the seed article in three
markups (a WordPress theme, a custom CMS, a magazine theme), one page per comment
family, and negatives that must give no comments. The expected JSON comes from the
data below, never from running the extractor.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

from archiver.demo.seed import PARAGRAPHS as SEED_PARAGRAPHS

HERE = Path(__file__).parent
SEED_URL = "https://disinfo.example.org/2026/01/24/petro-optimistic-white-house-meeting-trump/"
SEED_TITLE = "Colombian President Petro Optimistic About Upcoming White House Meeting with Trump"
SEED_AUTHOR = "Rachel Summers"
SEED_PUBLISHED = "2026-01-24T10:30:00+00:00"
ORG = "Disinformation Commission LLC"
ADDRESS_LINES = ("30 N Gould ST STE R", "Sheridan, WY 82801", "USA")
ADDRESS = "30 N Gould ST STE R, Sheridan, WY 82801, USA"
COPYRIGHT = "© 2026 Disinformation Commission LLC. All rights reserved."
ABOUT = (
    "A professional organisation dedicated to combating disinformation through cutting-edge research, "
    "advanced monitoring tools, and coordinated response strategies."
)
FACT_CHECK = "Verify the accuracy of this article using The Disinformation Commission analysis and real-time sources."
# The seed article's text, as the demo site serves it.
PARAGRAPHS = SEED_PARAGRAPHS

# (author, text) pairs: ten threads of a comment and its one reply, as on the seed page;
# names the seed page does not show are invented.
THREADS = (
    (("Noah Martinez", "Curious to hear more about the agenda for the Petro-Trump talks. Bilateral cooperation on issues like trade, security, and energy could be on the table."),
     ("Amelia Jackson", "The sanctions imposed on Petro and his family will likely be a key topic. Resolving those disputes could help improve overall relations.")),
    (("Lucas Brown", "The potential for a reset in US-Colombia relations is intriguing, but the path forward will likely be complex. Petro and Trump will need to navigate their differences skillfully."),
     ("John Hernandez", "Cooperation on issues like energy, trade, and security could be areas of mutual interest, but political hurdles remain.")),
    (("Olivia H. Johnson", "It’s positive to see Petro and Trump engaging directly on these high-stakes issues. Their ability to find common ground will be crucial for the future of US-Colombia ties."),
     ("Michael Williams", "The meeting will be closely watched, as it could set the tone for the relationship between the two countries in the coming years.")),
    (("Emma Garcia", "Improving US-Colombia relations is important for regional stability and economic cooperation. This meeting could lay the groundwork for a more constructive partnership going forward."),
     ("Jennifer White", "It remains to be seen whether the two leaders can find a way to work together effectively despite their past disagreements.")),
    (("Liam Miller", "Interesting to see the shift in US-Colombia relations. Petro and Trump meeting at the White House signals a potential thaw, but we’ll have to see what comes out of the discussions."),
     ("Jennifer White", "Diplomatic tensions have been high between the two countries, so this meeting could be an opportunity to reset the relationship.")),
    (("Jennifer Davis", "The optimistic tone from both sides is encouraging, but the real test will be whether they can translate that into tangible outcomes. There’s a lot riding on this high-stakes White House encounter."),
     ("Ethan Wilson", "Petro and Trump have very different political ideologies, so navigating their differences productively will be key.")),
    (("Linda S. Moore", "This high-stakes meeting represents a critical juncture for US-Colombia ties. Both leaders will be under pressure to demonstrate progress, but achieving meaningful results won’t be easy."),
     ("Sophia Taylor", "The ability to find common ground on sensitive issues like drug policy and foreign policy will be key to the success of this encounter.")),
    (("Mason Anderson", "This White House encounter represents a critical moment for US-Colombia relations. Both sides will need to demonstrate flexibility and a willingness to compromise to make progress."),
     ("Ava Thomas", "Resolving the diplomatic disputes and sanctions will be an important early test of their ability to work together constructively.")),
    (("James Moore", "The diplomatic tensions between the US and Colombia have been concerning, so this meeting is a welcome development. Hopefully, they can find a way to reset the relationship."),
     ("Mia Robinson", "Cooperation on issues like counter-narcotics, trade, and energy could be a focus. But there are also complex political factors at play.")),
    (("Isabella Williams", "This meeting could be a chance for Colombia and the US to find common ground, despite their recent disagreements. Both sides will be looking to achieve some diplomatic wins."),
     ("Benjamin Clark", "It will be interesting to see if they can bridge the gaps on sensitive issues like drug policy and foreign policy.")),
)  # fmt: skip


@dataclass(frozen=True)
class SeedComment:
    """One seed comment with the id, parent and date every markup shows for it."""

    number: int
    parent: int | None
    author: str
    text: str

    @property
    def iso(self) -> str:
        return f"2026-01-24T{8 + self.number // 6:02d}:{(self.number * 7) % 60:02d}:00"

    @property
    def shown_date(self) -> str:
        hour, minute = 8 + self.number // 6, (self.number * 7) % 60
        return f"January 24, 2026 at {hour}:{minute:02d} am"


def seed_comments() -> list[SeedComment]:
    """Give the 20 seed comments in page order (each top-level comment then its reply)."""
    comments = []
    for thread, ((author, text), (reply_author, reply_text)) in enumerate(THREADS):
        top = 2 * thread + 1
        comments.append(SeedComment(top, None, author, text))
        comments.append(SeedComment(top + 1, top, reply_author, reply_text))
    return comments


def esc(text: str) -> str:
    """Give text escaped for HTML."""
    return html.escape(text, quote=True)


def expected_comments(prefix: str, with_dates: bool = True) -> list[dict]:
    """Give the expected seed comments with ids made of a prefix and the comment number."""
    return [
        {
            "id": f"{prefix}{c.number}",
            "parent": f"{prefix}{c.parent}" if c.parent else None,
            "author": c.author,
            "published": c.iso if with_dates else None,
            "text": c.text,
            "position": i,
        }
        for i, c in enumerate(seed_comments())
    ]


def seed_expected(comment_prefix: str) -> dict:
    """Give the expected extraction of a seed page."""
    return {
        "url": SEED_URL,
        "title": SEED_TITLE,
        "authors": [SEED_AUTHOR],
        "published": SEED_PUBLISHED,
        "language": "en",
        "canonical_url": SEED_URL,
        "body": "\n\n".join(PARAGRAPHS),
        "body_excludes": ["Listen to the article", "0:00", "Fact Checker", FACT_CHECK, "Leave A Reply", ORG],
        "comments": expected_comments(comment_prefix),
        "footer": {"org": ORG, "address": ADDRESS, "copyright": COPYRIGHT},
    }


def paragraphs_html() -> str:
    """Give the seed body as <p> elements."""
    return "\n".join(f"<p>{esc(p)}</p>" for p in PARAGRAPHS)


def head(title: str, extra: str = "") -> str:
    """Give a page <head> with the seed metadata."""
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<title>{esc(title)} – The Disinformation Commission</title>
<link rel="canonical" href="{SEED_URL}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="The Disinformation Commission">
<meta property="article:published_time" content="{SEED_PUBLISHED}">
<meta name="description" content="Colombian President Gustavo Petro expressed optimism about his February 3 meeting with Donald Trump.">
{extra}
</head>"""


def wp_comment(c: SeedComment, children: str = "") -> str:
    """Give one comment in WordPress core markup (li.comment, article.comment-body)."""
    depth = 2 if c.parent else 1
    kids = f'<ol class="children">{children}</ol>' if children else ""
    return f"""<li id="comment-{c.number}" class="comment {"odd alt" if c.number % 2 else "even"} depth-{depth}">
<article id="div-comment-{c.number}" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><img alt="" src="/avatar.png" class="avatar avatar-50" height="50" width="50">
<b class="fn">{esc(c.author)}</b> <span class="says">on</span></div>
<div class="comment-metadata"><a href="#comment-{c.number}"><time datetime="{c.iso}">{c.shown_date}</time></a></div></footer>
<div class="comment-content"><p>{esc(c.text)}</p></div>
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-{c.number}">Reply</a></div>
</article>{kids}</li>"""


def wordpress_seed() -> str:
    """Give the seed article as a WordPress theme renders it, with a recent-comments widget."""
    comments = seed_comments()
    threads = "\n".join(wp_comment(top, wp_comment(reply)) for top, reply in zip(comments[::2], comments[1::2]))
    recent = "".join(
        f'<li class="recentcomments"><span class="comment-author-link">{esc(c.author)}</span> on <a href="{SEED_URL}#comment-{c.number}">{esc(SEED_TITLE)}</a></li>'
        for c in comments[-5:]
    )
    return f"""{head(SEED_TITLE)}
<body class="post-template-default single single-post postid-88 comments-open">
<header id="masthead" class="site-header"><p class="site-title"><a href="/">The Disinformation Commission</a></p>
<nav class="main-navigation"><ul><li><a href="/news/">News</a></li><li><a href="/research/">Research</a></li></ul></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article id="post-88" class="post-88 post type-post status-publish format-standard hentry category-americas">
<div class="tts-player"><div class="tts-player__label">Listen to the article</div>
<audio controls preload="none" src="/audio/post-88.mp3"></audio>
<div class="tts-player__time"><span class="current">0:00</span> <span class="duration">0:00</span></div></div>
<header class="entry-header"><h1 class="entry-title">{esc(SEED_TITLE)}</h1>
<div class="entry-meta"><span class="byline">By <span class="author vcard"><a class="url fn n" href="/author/rachel-summers/">{SEED_AUTHOR}</a></span></span>
<span class="posted-on"><time class="entry-date published" datetime="{SEED_PUBLISHED}">January 24, 2026</time></span></div></header>
<div class="entry-content">
{paragraphs_html()}
<div class="fact-checker"><h3>Fact Checker</h3><p>{FACT_CHECK}</p><a class="button" href="/fact-check/?post=88">Check now</a></div>
</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/americas/" rel="category tag">Americas</a></span></footer>
</article>
<div id="comments" class="comments-area">
<h2 class="comments-title">20 Comments</h2>
<ol class="comment-list">
{threads}
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave A Reply</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment"></textarea></p>
<p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" type="text"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p></form></div>
</div>
</main>
<aside id="secondary" class="widget-area"><section id="recent-comments-2" class="widget widget_recent_comments"><h2 class="widget-title">Recent Comments</h2>
<ul id="recentcomments">{recent}</ul></section></aside>
</div>
<footer id="colophon" class="site-footer">
<div class="footer-widgets"><div class="footer-about"><p>{ABOUT}</p></div>
<div class="footer-company"><h4>Company</h4><p>{ORG}<br>{"<br>".join(ADDRESS_LINES)}</p></div></div>
<div class="site-info">{esc(COPYRIGHT)}</div>
</footer>
</body></html>
"""


def custom_comment(c: SeedComment, replies: str = "") -> str:
    """Give one comment in a custom CMS's markup (repeated .cmt blocks, no comment class)."""
    nested = f'<div class="cmt__replies">{replies}</div>' if replies else ""
    return f"""<div class="cmt" data-comment-id="{c.number}" id="cmt-{c.number}">
<div class="cmt__head"><span class="cmt__user">{esc(c.author)}</span> on <time class="cmt__when" datetime="{c.iso}">{c.shown_date}</time></div>
<div class="cmt__text"><p>{esc(c.text)}</p></div>
<div class="cmt__actions"><button>Reply</button><button>Like</button></div>{nested}</div>"""


def custom_seed() -> str:
    """Give the seed article as a custom CMS renders it (JSON-LD, repeated comment blocks)."""
    comments = seed_comments()
    threads = "\n".join(custom_comment(top, custom_comment(reply)) for top, reply in zip(comments[::2], comments[1::2]))
    jsonld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": SEED_TITLE,
        "datePublished": SEED_PUBLISHED, "author": {"@type": "Person", "name": SEED_AUTHOR},
        "publisher": {"@type": "Organization", "name": "The Disinformation Commission"},
        "mainEntityOfPage": SEED_URL, "keywords": ["Colombia", "United States", "Diplomacy"],
    }, ensure_ascii=False)  # fmt: skip
    return f"""{head(SEED_TITLE, f'<script type="application/ld+json">{jsonld}</script>')}
<body>
<div class="topbar"><a href="/" class="logo">DISINFO COMMISSION</a><a href="/subscribe">Subscribe</a></div>
<main class="layout">
<article class="story">
<header class="story__header"><div class="story__kicker">Americas</div><h1 class="story__headline">{esc(SEED_TITLE)}</h1>
<div class="story__byline">By <a href="/people/rachel-summers">{SEED_AUTHOR}</a> · <time datetime="{SEED_PUBLISHED}">Jan 24, 2026</time></div></header>
<div class="listen" data-component="text-to-speech"><span class="listen__label">Listen to the article</span>
<div class="listen__controls"><button aria-label="Play">▶</button><span class="listen__pos">0:00</span><span class="listen__len">0:00</span></div></div>
<div class="story__body">
{paragraphs_html()}
</div>
<aside class="verify-box"><h4>Fact Checker</h4><p>{FACT_CHECK}</p></aside>
</article>
<section class="story-comments" id="story-comments"><h3>20 Comments</h3>
{threads}
<div class="story-comments__form"><h3>Leave A Reply</h3><form method="post" action="/comments"><textarea name="body"></textarea><button type="submit">Post</button></form></div>
</section>
</main>
<footer class="global-footer" role="contentinfo">
<div class="gf-col"><p>{ABOUT}</p></div>
<div class="gf-col"><h5>Company</h5><ul><li>{ORG}</li>{"".join(f"<li>{line}</li>" for line in ADDRESS_LINES)}</ul></div>
<p class="gf-legal">{esc(COPYRIGHT)}</p>
</footer>
</body></html>
"""


def magazine_comment(c: SeedComment, children: str = "") -> str:
    """Give one comment in a magazine theme's markup (commentlist, cite author, comment-text)."""
    kids = f'<ul class="children">{children}</ul>' if children else ""
    return f"""<li class="comment" id="li-comment-{c.number}"><div class="comment-wrapper" id="comment-{c.number}">
<div class="comment-avatar"><img src="/a.png" alt=""></div>
<div class="comment-main"><div class="comment-meta"><cite class="comment-author">{esc(c.author)}</cite> on
<span class="comment-date">{c.shown_date}</span></div>
<div class="comment-text"><p>{esc(c.text)}</p></div><a class="comment-reply-link" href="#respond">Reply</a></div></div>{kids}</li>"""


def magazine_seed() -> str:
    """Give the seed article as a magazine theme renders it (microdata org footer, related posts)."""
    comments = seed_comments()
    threads = "\n".join(
        magazine_comment(top, magazine_comment(reply)) for top, reply in zip(comments[::2], comments[1::2])
    )
    related = "".join(
        f'<div class="td-module"><h3 class="entry-title"><a href="/2026/01/{n}/">{t}</a></h3><span class="td-date">January {n}, 2026</span></div>'
        for n, t in ((20, "Venezuela Opposition Calls for New Talks"), (21, "Brazil and Argentina Sign Energy Pact"), (22, "Chile Braces for Copper Price Slump"))
    )  # fmt: skip
    return f"""{head(SEED_TITLE)}
<body class="single td-theme">
<div class="td-header-wrap"><div class="td-logo"><a href="/">The Disinformation Commission</a></div>
<ul class="td-menu"><li><a href="/">Home</a></li><li><a href="/world/">World</a></li><li><a href="/analysis/">Analysis</a></li></ul></div>
<div class="td-main-content-wrap"><div class="td-container">
<div class="td-ss-main-content">
<div class="td-post-header"><ul class="td-category"><li><a href="/world/">World</a></li></ul>
<h1 class="entry-title">{esc(SEED_TITLE)}</h1>
<div class="td-module-meta-info"><div class="td-post-author-name">By <a href="/author/rsummers/">{SEED_AUTHOR}</a></div>
<span class="td-post-date"><time class="entry-date" datetime="{SEED_PUBLISHED}">January 24, 2026</time></span></div></div>
<div class="td-post-sharing"><a href="#" class="td-social-facebook">Facebook</a><a href="#" class="td-social-twitter">Twitter</a><a href="#">WhatsApp</a></div>
<div class="td-post-content">
<div class="audio-article"><p class="audio-article__title">Listen to the article</p><audio controls></audio><span>0:00</span> <span>0:00</span></div>
{paragraphs_html()}
<div class="td-fact-check"><div class="td-block-title">Fact Checker</div><p>{FACT_CHECK}</p></div>
</div>
<div class="td-related-posts"><h4 class="td-block-title">Related Posts</h4>{related}</div>
<div class="comments" id="comments"><div class="td-comments-title-wrap"><h4 class="block-title">20 Comments</h4></div>
<ol class="comment-list commentlist">
{threads}
</ol>
<div id="respond" class="comment-respond"><h3 class="comment-reply-title">Leave A Reply</h3>
<form id="commentform" class="comment-form"><textarea name="comment"></textarea><input type="submit" value="Post Comment"></form></div></div>
</div></div></div>
<div class="td-footer-wrapper"><footer class="td-footer" itemscope itemtype="https://schema.org/Organization">
<div class="td-footer-text"><p>{ABOUT}</p></div>
<div class="td-footer-company"><h4>Company</h4><span itemprop="legalName">{ORG}</span>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"><span itemprop="streetAddress">{ADDRESS_LINES[0]}</span><br>
<span itemprop="addressLocality">Sheridan</span>, <span itemprop="addressRegion">WY</span> <span itemprop="postalCode">82801</span><br>
<span itemprop="addressCountry">USA</span></div></div>
<div class="td-sub-footer-copy">{esc(COPYRIGHT)}</div>
</footer></div>
</body></html>
"""


FAMILY_PARAGRAPHS = (
    "The city council voted on Tuesday evening to extend the riverside cycle path by four kilometres, closing the last gap between the old harbour and the northern suburbs.",
    "Construction is expected to start in the spring and to last about eighteen months. The council said most of the cost will be covered by a regional mobility grant awarded last year.",
    "Residents who spoke at the meeting welcomed the plan but asked for better lighting along the stretch under the railway bridge, where several accidents were reported last winter.",
)
FAMILY_TITLE = "Council Approves Riverside Cycle Path Extension"
FAMILY_AUTHOR = "Daniel Okafor"


@dataclass(frozen=True)
class FamilyComment:
    """One comment of a family page: markup id, parent id, author, dates and text."""

    ident: str
    parent: str | None
    author: str | None
    iso: str | None
    shown: str
    text: str


FAMILY_COMMENTS = (
    FamilyComment("1", None, "Marta Kowalski", "2024-03-05T09:12:00", "March 5, 2024 at 9:12 am", "Finally! I have been waiting for this connection for years. The detour through the industrial estate is dangerous."),
    FamilyComment("2", "1", "Tom Becker", "2024-03-05T10:40:00", "March 5, 2024 at 10:40 am", "Agreed, although eighteen months of roadworks on the quay will be painful for the shops there."),
    FamilyComment("3", "2", "Marta Kowalski", "2024-03-05T11:02:00", "March 5, 2024 at 11:02 am", "True, but the shops will get more passing trade once the path is open."),
    FamilyComment("4", None, "Priya Nair", "2024-03-06T08:30:00", "March 6, 2024 at 8:30 am", "Please make sure the lighting under the railway bridge is part of the first phase, not an afterthought."),
    FamilyComment("5", None, "Oliver Grant", "2024-03-06T19:45:00", "March 6, 2024 at 7:45 pm", "Does anyone know whether the grant also covers maintenance, or only the construction?"),
)  # fmt: skip


def hashed_id(c: FamilyComment) -> str:
    """Give the id the extractor derives for a comment without one: sha1 of author, date, text."""
    digest = hashlib.sha1(f"{c.author or ''}\n{c.iso or ''}\n{c.text}".encode()).hexdigest()
    return f"c-{digest[:16]}"


def family_expected(url: str, ident_of) -> dict:
    """Give the expected extraction of a family page; ident_of maps a comment to its expected id."""
    by_ident = {c.ident: c for c in FAMILY_COMMENTS}
    comments = [
        {
            "id": ident_of(c),
            "parent": ident_of(by_ident[c.parent]) if c.parent else None,
            "author": c.author,
            "published": c.iso,
            "text": c.text,
            "position": i,
        }
        for i, c in enumerate(FAMILY_COMMENTS)
    ]
    return {"url": url, "title": FAMILY_TITLE, "authors": [FAMILY_AUTHOR], "body": "\n\n".join(FAMILY_PARAGRAPHS),
            "comments": comments}  # fmt: skip


def family_page(
    comments_html: str, head_extra: str = "", body_class: str = "", aside: str = "", page_class: str = "page"
) -> str:
    """Give a short article page with the given comments section after the article."""
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in FAMILY_PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{FAMILY_TITLE} | Riverside Gazette</title>
<meta name="author" content="{FAMILY_AUTHOR}">{head_extra}</head>
<body class="{body_class}">
<header class="masthead"><a href="/">Riverside Gazette</a><nav><a href="/local/">Local</a> <a href="/sport/">Sport</a></nav></header>
<div class="{page_class}">
<article class="article">
<h1>{FAMILY_TITLE}</h1>
<p class="meta">By <span class="author-name">{FAMILY_AUTHOR}</span>, March 4, 2024</p>
<div class="article-text">
{paragraphs}
</div>
</article>
{comments_html}
{aside}
</div>
<footer class="site-footer"><p>Riverside Gazette Ltd</p><p>12 Quay Street, Riverside RS1 4AB, United Kingdom</p>
<p>© 2024 Riverside Gazette Ltd. All rights reserved.</p></footer>
</body></html>
"""


def children_of(parent: str | None) -> list[FamilyComment]:
    """Give the family comments that reply to a parent id (None: top-level)."""
    return [c for c in FAMILY_COMMENTS if c.parent == parent]


def wordpress_family() -> str:
    """Give a classic WordPress theme: ol.commentlist, depth-N, ul.children, cite.fn, a pingback."""

    def item(c: FamilyComment, depth: int) -> str:
        kids = "".join(item(k, depth + 1) for k in children_of(c.ident))
        kids = f'<ul class="children">{kids}</ul>' if kids else ""
        return f"""<li class="comment byuser depth-{depth}" id="li-comment-{c.ident}"><div id="comment-{c.ident}">
<div class="comment-author vcard"><img class="avatar" src="/a.png"><cite class="fn">{esc(c.author)}</cite> <span class="says">says:</span></div>
<div class="comment-meta commentmetadata"><a href="#comment-{c.ident}">{c.shown}</a></div>
<p>{esc(c.text)}</p><div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></div>{kids}</li>"""

    items = "".join(item(c, 1) for c in children_of(None))
    ping = '<li class="pingback even thread-even depth-1" id="li-comment-9"><div class="comment-body">Pingback: <a href="https://blog.example.net/bikes/" class="url">Weekly cycling links</a></div></li>'
    recent = '<li class="recentcomments"><span class="comment-author-link">Oliver Grant</span> on <a href="#comment-5">Council Approves Riverside Cycle Path Extension</a></li>'
    section = f"""<div id="comments"><h3 id="comments-title">6 Responses to “{FAMILY_TITLE}”</h3>
<ol class="commentlist">{items}{ping}</ol>
<div id="respond"><h3>Leave a Reply</h3><form id="commentform"><textarea name="comment"></textarea></form></div></div>"""
    aside = f'<div id="sidebar"><div class="widget widget_recent_comments"><h2>Recent Comments</h2><ul id="recentcomments">{recent}</ul></div></div>'
    return family_page(section, aside=aside)


def drupal_family() -> str:
    """Give Drupal's markup: a.comment anchors, div.comment blocks, replies in div.indented."""

    def block(c: FamilyComment) -> str:
        kids = "".join(block(k) for k in children_of(c.ident))
        kids = f'<div class="indented">{kids}</div>' if kids else ""
        return f"""<a id="comment-{c.ident}"></a>
<div class="comment comment-by-anonymous clearfix"><div class="attribution"><span class="username">{esc(c.author)}</span></div>
<div class="submitted"><span class="comment-date">{c.shown.replace(" at", "")}</span></div>
<div class="content"><div class="field-name-comment-body"><p>{esc(c.text)}</p></div>
<ul class="links inline"><li class="comment-reply"><a href="/comment/reply/7/{c.ident}">reply</a></li></ul></div></div>{kids}"""

    section = f"""<div id="comments" class="comment-wrapper"><h2 class="title">Comments</h2>
{"".join(block(c) for c in children_of(None))}
<h2 class="title comment-form">Add new comment</h2><form class="comment-form" id="comment-form"><textarea></textarea></form></div>"""
    return family_page(section)


def blogger_family() -> str:
    """Give Blogger's markup: .comment-thread ol, li.comment with id cN, .comment-replies."""

    def item(c: FamilyComment) -> str:
        kids = "".join(item(k) for k in children_of(c.ident))
        kids = (
            f'<div class="comment-replies"><div class="comment-thread inline-thread"><ol>{kids}</ol></div></div>'
            if kids
            else ""
        )
        return f"""<li class="comment" id="c10{c.ident}"><div class="avatar-image-container"><img src="/b.png"></div>
<div class="comment-block"><div class="comment-header"><cite class="user"><a href="https://www.blogger.com/profile/1">{esc(c.author)}</a></cite>
<span class="icon user"></span><span class="datetime secondary-text"><a rel="nofollow" href="#c10{c.ident}">{c.shown.replace(" am", " AM").replace(" pm", " PM")}</a></span></div>
<p class="comment-content">{esc(c.text)}</p><span class="comment-actions secondary-text"><a class="comment-reply" target="_self">Reply</a></span></div>{kids}</li>"""

    section = f"""<div class="comments" id="comments"><h4>5 comments:</h4><div class="comments-content">
<div class="comment-thread toplevel-thread"><ol id="top-ra">{"".join(item(c) for c in children_of(None))}</ol></div></div>
<div class="comment-footer"><a href="https://www.blogger.com/comment.g">Post a Comment</a></div></div>"""
    return family_page(section)


def discourse_family() -> str:
    """Give a Discourse-like thread: schema.org Comment posts, reply-to links, flat order."""

    def post(c: FamilyComment, number: int) -> str:
        reply = f'<a class="reply-to-tab" href="#post_{int(c.parent) + 1}">in reply to</a>' if c.parent else ""
        return f"""<div id="post_{number}" class="topic-body crawler-post" itemprop="comment" itemscope itemtype="http://schema.org/Comment">
<div class="crawler-post-meta"><span class="creator" itemprop="author" itemscope itemtype="http://schema.org/Person"><a itemprop="url" href="/u/x"><span itemprop="name">{esc(c.author)}</span></a></span>
{reply}<span class="crawler-post-infos"><time itemprop="datePublished" datetime="{c.iso}" class="post-time">{c.shown}</time></span></div>
<div class="post" itemprop="text"><p>{esc(c.text)}</p></div></div>"""

    posts = "".join(post(c, int(c.ident) + 1) for c in FAMILY_COMMENTS)
    section = f'<div class="topic-replies" id="replies">{posts}</div>'
    return family_page(section)


def microdata_family() -> str:
    """Give schema.org Comment microdata nested by itemprop=comment, with plain class names."""

    def item(c: FamilyComment) -> str:
        kids = "".join(item(k) for k in children_of(c.ident))
        return f"""<div class="note" id="note-{c.ident}" itemprop="comment" itemscope itemtype="https://schema.org/Comment">
<p class="note-head"><span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{esc(c.author)}</span></span> —
<meta itemprop="dateCreated" content="{c.iso}"><span>{c.shown}</span></p>
<div itemprop="text"><p>{esc(c.text)}</p></div>{kids}</div>"""

    section = (
        f"""<section class="notes"><h2>Readers’ notes</h2>{"".join(item(c) for c in children_of(None))}</section>"""
    )
    return family_page(section)


def jsonld_family() -> str:
    """Give comments declared in JSON-LD (nested comment arrays) and shown in plain markup."""

    def node(c: FamilyComment) -> dict:
        data = {"@type": "Comment", "@id": f"#comment-{c.ident}", "author": {"@type": "Person", "name": c.author},
                "dateCreated": c.iso, "text": c.text}  # fmt: skip
        kids = [node(k) for k in children_of(c.ident)]
        return {**data, "comment": kids} if kids else data

    graph = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": FAMILY_TITLE,
             "author": {"@type": "Person", "name": FAMILY_AUTHOR}, "datePublished": "2024-03-04",
             "commentCount": 5, "comment": [node(c) for c in children_of(None)]}  # fmt: skip
    shown = "".join(f"<div class='fb-entry'><b>{esc(c.author)}</b><p>{esc(c.text)}</p></div>" for c in FAMILY_COMMENTS)
    head_extra = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    return family_page(f'<div class="feedback">{shown}</div>', head_extra=head_extra)


def custom_family() -> str:
    """Give custom repeated blocks in a container named for comments, replies nested."""

    def block(c: FamilyComment) -> str:
        kids = "".join(block(k) for k in children_of(c.ident))
        kids = f'<div class="rc-thread">{kids}</div>' if kids else ""
        return f"""<div class="rc-entry"><div class="rc-top"><strong class="rc-name">{esc(c.author)}</strong>
<time datetime="{c.iso}">{c.shown}</time></div><div class="rc-say">{esc(c.text)}</div>{kids}</div>"""

    section = f'<section id="reader-comments"><h2>What readers say</h2>{"".join(block(c) for c in children_of(None))}</section>'
    return family_page(section)


def usercomments_family() -> str:
    """Give a magazine theme: div.comment as schema.org UserComments, the article in a layout named "sidebar"."""

    def block(c: FamilyComment) -> str:
        kids = "".join(block(k) for k in children_of(c.ident))
        kids = f'<div class="children">{kids}</div>' if kids else ""
        shown = c.shown.replace(" at", " -")
        return f"""<div class="comment even depth-1" id="comment-{c.ident}" itemscope itemtype="https://schema.org/UserComments">
<link itemprop="url" href="#comment-{c.ident}"><div class="thecomment"><div class="author-img"><img class="avatar" src="/a.png" alt=""></div>
<div class="comment-text"><span class="author" itemprop="creator"><span itemprop="name"><a href="https://blog.example.net/" rel="external nofollow">{esc(c.author)}</a></span></span>
<span class="date" datetime="{c.iso}-05:00" itemprop="commentTime"><i class="fa fa-clock-o"></i>{shown}</span>
<div class="comment-content" itemprop="commentText"><p>{esc(c.text)}</p></div>
<span class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-{c.ident}">Reply</a></span></div></div>{kids}</div>"""

    section = f"""<div class="post-comments" id="comments"><div class="post-title-box"><h4>5 comments</h4></div>
<div class="comments">{"".join(block(c) for c in children_of(None))}</div>
<div id="respond" class="comment-respond"><h3>Leave a Comment</h3><form id="commentform" class="comment-form"><textarea placeholder="Your Comment"></textarea></form></div></div>"""
    aside = '<div class="sidebar-widgets"><aside class="widget"><h3>Popular</h3><ul><li><a href="/x">Tram line delayed</a></li></ul></aside></div>'
    return family_page(section, aside=aside, page_class="container container-single theme_sidebar sticky-sidebar")


def usercomments_expected(url: str) -> dict:
    """Give the expected extraction of the UserComments page (its datetime attributes carry -05:00)."""
    expected = family_expected(url, lambda c: f"comment-{c.ident}")
    for entry in expected["comments"]:
        entry["published"] += "-05:00"
    return expected


RELATIVE_FETCHED = "Thu, 07 Mar 2024 12:00:00 GMT"
# what each top-rated comment shows as its date, and what that is when fetched at RELATIVE_FETCHED
RELATIVE_SHOWN = (
    ("2 days ago at 9:12 am", "2024-03-05T09:12:00"),
    ("5 hours ago", "2024-03-07T07:00:00+00:00"),
    ("yesterday at 8:30 pm", "2024-03-06T20:30:00"),
    ("3 weeks ago", None),
    ("45 minutes ago", "2024-03-07T11:15:00+00:00"),
)


def relative_comments() -> list[FamilyComment]:
    """Give the family comments as a flat top-rated list with relative dates (no markup ids)."""
    return [
        FamilyComment(c.ident, None, c.author, iso, shown, c.text)
        for c, (shown, iso) in zip(FAMILY_COMMENTS, RELATIVE_SHOWN)
    ]


def relative_family() -> str:
    """Give forum-backed "top rated comments": .username, .date "2 days ago", .content, a rating."""
    blocks = "".join(
        f"""<div class="comment first"><div class="avatar"><a href="/members/{c.ident}" rel="nofollow"><img src="/u.png" alt="Avatar"></a></div>
<div class="comment_content"><div class="username"><a href="/posts/9{c.ident}" rel="nofollow">{esc(c.author)}</a></div>
<div class="date">{c.shown}</div><div class="content">{esc(c.text)}</div>
<div class="rating"><strong>Rating:</strong> {40 - 7 * int(c.ident)} Votes</div></div></div>"""
        for c in relative_comments()
    )
    section = f"""<div id="commentsContainer"><div id="comments"><h2>Top Rated Comments</h2>
<a href="/forums/threads/cycle-path.221/" class="view_all">(View all)</a>{blocks}</div></div>"""
    return family_page(section)


def relative_expected(url: str) -> dict:
    """Give the expected extraction of the top-rated page, fetched at RELATIVE_FETCHED."""
    expected = family_expected(url, hashed_id)
    comments = relative_comments()
    expected["comments"] = [
        {"id": hashed_id(c), "parent": None, "author": c.author, "published": c.iso, "text": c.text, "position": i}
        for i, c in enumerate(comments)
    ]
    return {**expected, "headers": {"Date": RELATIVE_FETCHED}}


def bem_family() -> str:
    """Give a component-framework thread: BEM classes, Comment microdata on an inner box, counters, answers."""

    def item(c: FamilyComment) -> str:
        kids = "".join(item(k) for k in children_of(c.ident))
        day, clock = c.iso[8:10] + "." + c.iso[5:7] + "." + c.iso[2:4], c.iso[11:16]
        return f"""<li class="comments__list-item"><div class="comment-item comments__list-comment">
<div id="90{c.ident}" class="comment-item__container" itemprop="comment" itemscope itemtype="https://schema.org/Comment">
<div class="container__avatar-wrapper"><div class="comment-avatar comment-avatar_guest"></div></div>
<div class="container__content"><div class="content-wrapper__info"><span itemprop="author" class="content-wrapper__info-nick">{esc(c.author)}</span>
<span itemprop="datePublished" content="{c.iso}+01:00" class="content-wrapper__info-date">{clock} {day}</span></div>
<div itemprop="text" class="container__content-text"><span>{esc(c.text)}</span></div>
<div class="comment-actions grid-row"><button class="comment-actions__send">Reply</button><button class="comment-actions__hidden">Report</button>
<div class="comment-actions__action comment-actions__answers"><button class="button-counter"><span class="button-counter__text">{len(children_of(c.ident))}</span></button></div>
<div class="comment-actions__action comment-actions__likes"><button itemprop="upvoteCount" class="button-counter"><span class="button-counter__text">3</span></button></div></div>
</div></div></div><ul class="comments__answers">{kids}</ul></li>"""

    section = f"""<div class="article-comments"><section class="comments grid-item-12"><div class="comments__title"><h2>Comments</h2>
<meta itemprop="commentCount" content="5"><span class="comments__title-total">5</span></div>
<div class="comments-send-form"><form class="comments-send-form__block"><span class="comments-send-form__nick">Guest</span><textarea name="comment"></textarea><button type="submit">Send</button></form></div>
<ul class="comments__list">{"".join(item(c) for c in children_of(None))}</ul></section></div>"""
    return family_page(section)


def bem_expected(url: str) -> dict:
    """Give the expected extraction of the BEM thread (dates carry the page's +01:00 offset)."""
    expected = family_expected(url, hashed_id)
    by_ident = {c.ident: c for c in FAMILY_COMMENTS}
    shifted = {
        c.ident: FamilyComment(c.ident, c.parent, c.author, c.iso + "+01:00", c.shown, c.text) for c in FAMILY_COMMENTS
    }
    for entry, c in zip(expected["comments"], FAMILY_COMMENTS):
        entry["id"] = hashed_id(shifted[c.ident])
        entry["parent"] = hashed_id(shifted[by_ident[c.parent].ident]) if c.parent else None
        entry["published"] = shifted[c.ident].iso
    return expected


NEGATIVES = {
    "neg_recent_comments_widget": """<aside class="sidebar"><section id="recent-comments-3" class="widget widget_recent_comments">
<h2 class="widget-title">Recent Comments</h2><ul id="recentcomments">
<li class="recentcomments"><span class="comment-author-link">Marta Kowalski</span> on <a href="/2024/03/tram/#comment-41">Tram Line Delayed Again</a></li>
<li class="recentcomments"><span class="comment-author-link">Tom Becker</span> on <a href="/2024/02/market/#comment-38">Saturday Market Moves Indoors</a></li>
</ul></section></aside>""",
    "neg_reply_form_only": """<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond">Cancel reply</a></small></h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8"></textarea></p>
<p class="comment-form-author"><label for="author">Name</label> <input id="author" name="author" type="text" value=""></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p></form></div></div>""",
    "neg_pingbacks_trackbacks": """<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on “Council Approves Riverside Cycle Path Extension”</h2>
<ol class="comment-list">
<li id="comment-31" class="pingback even thread-even depth-1"><div class="comment-body">Pingback: <a href="https://blog.example.net/links/" rel="external nofollow ugc" class="url">Weekly cycling links | Spoke &amp; Chain</a></div></li>
<li id="comment-32" class="trackback odd alt thread-odd thread-alt depth-1"><div class="comment-body">Trackback: <a href="https://news.example.com/roundup/" class="url">Regional roundup</a> <span class="edit-link"></span></div></li>
</ol><p class="no-comments">Comments are closed.</p></div>""",
    "neg_teasers_reviews_bio": """<div class="author-box"><h4>About the author</h4><div class="author-name">Daniel Okafor</div>
<p>Daniel covers transport and city planning. He joined the Gazette in 2019 after ten years at a regional radio station.</p></div>
<figure class="photo"><img src="/quay.jpg" alt=""><figcaption class="caption">The quay at dusk, March 2, 2024. Photo: Ana Ruiz</figcaption></figure>
<blockquote class="twitter-tweet"><p>The riverside path extension is approved! Work starts in spring.</p>— Riverside Council (@riversidecc) <a href="https://twitter.com/riversidecc/status/1">March 5, 2024</a></blockquote>
<section class="product-reviews"><h3>Reader reviews of the Trailmaster 3 bike light</h3>
<div class="review" itemscope itemtype="https://schema.org/Review"><span itemprop="author" class="review-author">Jonas P.</span> <time datetime="2024-02-11">February 11, 2024</time><p itemprop="reviewBody">Bright enough for the unlit stretch under the bridge and the battery lasts a week of commuting.</p></div>
<div class="review" itemscope itemtype="https://schema.org/Review"><span itemprop="author" class="review-author">Emma L.</span> <time datetime="2024-02-19">February 19, 2024</time><p itemprop="reviewBody">The mount broke after a month, but the shop replaced it without any questions.</p></div></section>
<section class="more-stories"><h3>More local news</h3>
<div class="story-card"><a href="/2024/03/01/tram/"><h4>Tram Line Delayed Again</h4></a><span class="byline">By Lea Hart</span> <time datetime="2024-03-01">March 1, 2024</time><p>The new tram line will open a year later than planned, the operator said on Friday.</p><a class="comments-link" href="/2024/03/01/tram/#comments">14 comments</a></div>
<div class="story-card"><a href="/2024/02/27/market/"><h4>Saturday Market Moves Indoors</h4></a><span class="byline">By Tom Reyes</span> <time datetime="2024-02-27">February 27, 2024</time><p>Stallholders voted to move into the old corn exchange for the winter months.</p><a class="comments-link" href="/2024/02/27/market/#comments">3 comments</a></div></section>
<div class="most-commented"><h3>Most commented</h3><ol><li class="most-commented__item"><a href="/2024/03/01/tram/">Tram Line Delayed Again</a> <span class="comment-count">14</span></li>
<li class="most-commented__item"><a href="/2024/02/20/parking/">Parking Fees to Rise in April</a> <span class="comment-count">11</span></li></ol></div>""",
    "neg_comments_closed": """<div id="comments" class="comments-area"><h2 class="comments-title">Comments</h2>
<p class="no-comments">Comments are closed.</p></div>""",
    "neg_disqus_facebook": """<section class="comments-section"><h3>Join the conversation</h3><div id="disqus_thread"></div>
<script>var disqus_config = function () { this.page.url = location.href; };
(function() { var d = document, s = d.createElement('script'); s.src = 'https://riverside.disqus.com/embed.js'; (d.head || d.body).appendChild(s); })();</script>
<noscript>Please enable JavaScript to view the <a href="https://disqus.com/?ref_noscript">comments powered by Disqus.</a></noscript>
<div class="fb-comments" data-href="https://gazette.example.com/cycle-path" data-width="100%" data-numposts="5"></div>
<div id="fb-root"></div><script async defer src="https://connect.facebook.net/en_US/sdk.js#xfbml=1"></script></section>""",
}


def pages() -> dict[str, tuple[str, dict]]:
    """Give every golden page by name: its HTML and its expected JSON."""
    base = "https://gazette.example.com/2024/03/04/cycle-path-extension/"
    found = {
        "seed_wordpress": (wordpress_seed(), seed_expected("comment-")),
        "seed_custom_cms": (custom_seed(), seed_expected("cmt-")),
        "seed_magazine": (magazine_seed(), seed_expected("li-comment-")),
        "family_wordpress": (wordpress_family(), family_expected(base, lambda c: f"li-comment-{c.ident}")),
        "family_drupal": (drupal_family(), family_expected(base, lambda c: f"comment-{c.ident}")),
        "family_blogger": (blogger_family(), family_expected(base, lambda c: f"c10{c.ident}")),
        "family_discourse": (discourse_family(), family_expected(base, lambda c: f"post_{int(c.ident) + 1}")),
        "family_microdata": (microdata_family(), family_expected(base, lambda c: f"note-{c.ident}")),
        "family_jsonld": (jsonld_family(), family_expected(base, lambda c: f"#comment-{c.ident}")),
        "family_custom_blocks": (custom_family(), family_expected(base, hashed_id)),
        "family_usercomments_sidebar_layout": (usercomments_family(), usercomments_expected(base)),
        "family_top_rated_relative_dates": (relative_family(), relative_expected(base)),
        "family_bem_microdata_counters": (bem_family(), bem_expected(base)),
    }
    for name, section in NEGATIVES.items():
        expected = {"url": base, "title": FAMILY_TITLE, "body": "\n\n".join(FAMILY_PARAGRAPHS), "comments": []}
        found[name] = (family_page(section), expected)
    return found


def main() -> None:
    """Write every golden page and its expected JSON next to this script."""
    for name, (page, expected) in pages().items():
        (HERE / f"{name}.html").write_text(page, encoding="utf-8")
        text = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Comments status: comments in the HTML, none, closed, or loaded by a JavaScript widget (named)."""

from __future__ import annotations

import json

import pytest

from archiver.extract.page import extract_page

URL = "https://news.example.com/2026/01/02/story/"
ARTICLE = (
    "<h1>Council votes on the new bridge</h1>"
    + "<p>The council voted on Tuesday to fund the bridge over the river, after a debate of four hours.</p>" * 6
)


def page(extra: str, head: str = "") -> bytes:
    """Give an article page with `extra` after the article text (and `head` in the head)."""
    return f"<html><head><title>Bridge</title>{head}</head><body><article>{ARTICLE}</article>{extra}</body></html>".encode()


# Embed snippets as each product's documentation gives them to publishers.
WIDGETS = {
    "Disqus": """<div id="disqus_thread"></div>
<script>var disqus_config = function () { this.page.url = PAGE_URL; this.page.identifier = 'story-42'; };
(function() { var d = document, s = d.createElement('script'); s.src = 'https://example-news.disqus.com/embed.js';
s.setAttribute('data-timestamp', +new Date()); (d.head || d.body).appendChild(s); })();</script>
<noscript>Please enable JavaScript to view the <a href="https://disqus.com/?ref_noscript">comments powered by Disqus.</a></noscript>""",
    "Coral": """<div id="coral_thread"></div>
<script type="text/javascript">(function() { var d = document, s = d.createElement('script');
s.src = 'https://talk.example-news.com/assets/js/embed.js'; s.async = false; s.defer = true;
s.onload = function() { Coral.createStreamEmbed({ id: "coral_thread", autoRender: true,
rootURL: 'https://talk.example-news.com' }); }; (d.head || d.body).appendChild(s); })();</script>""",
    "OpenWeb": """<script async src="https://launcher.spot.im/spot/sp_AbCd1234" data-spotim-module="spotim-launcher"
data-post-id="story-42" data-post-url="https://news.example.com/2026/01/02/story/"></script>
<div data-spotim-module="conversation" data-post-id="story-42"></div>""",
    "Viafoura": """<script async src="https://cdn.viafoura.net/entry/index.js"></script>
<div class="viafoura"><vf-conversations></vf-conversations></div>""",
    "Facebook": """<div id="fb-root"></div>
<script async defer crossorigin="anonymous" src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v19.0"></script>
<div class="fb-comments" data-href="https://news.example.com/2026/01/02/story/" data-width="" data-numposts="10"></div>""",
    "Hyvor Talk": """<script async src="https://talk.hyvor.com/embed/embed.js" type="module"></script>
<hyvor-talk-comments website-id="1234" page-id="story-42"></hyvor-talk-comments>""",
    "Commento": """<div id="commento"></div>
<script defer src="https://cdn.commento.io/js/commento.js"></script>""",
    "giscus": """<script src="https://giscus.app/client.js" data-repo="example/news" data-repo-id="R_kgDO"
data-category="Comments" data-mapping="pathname" crossorigin="anonymous" async></script>""",
    "utterances": """<script src="https://utteranc.es/client.js" repo="example/news" issue-term="pathname"
theme="github-light" crossorigin="anonymous" async></script>""",
}


@pytest.mark.parametrize("product", sorted(WIDGETS))
def test_each_named_widget_is_recognised_from_its_embed_markup(product):
    status = extract_page(page(WIDGETS[product]), URL).comments_status
    assert (status.state, status.widget, status.count) == ("widget", product, 0)
    assert status.label == f"loaded by a widget ({product}), not captured"
    assert status.evidence


def test_a_widget_rendered_into_its_iframe_is_recognised_by_the_iframe_url():
    html = page('<iframe src="https://disqus.com/embed/comments/?base=default&f=example-news&t_i=42"></iframe>')
    assert extract_page(html, URL).comments_status.widget == "Disqus"


def test_facebook_sdk_alone_is_not_a_comments_widget():
    # the same SDK draws like buttons: only the comments plugin says comments live there
    html = page("", head='<script src="https://connect.facebook.net/en_US/sdk.js"></script>')
    assert extract_page(html, URL).comments_status.state == "none"


@pytest.mark.parametrize(
    "markup",
    [
        '<section class="comments"><iframe src="https://comments.example.net/thread?article=42"></iframe></section>',
        '<div id="comments" data-article-id="42" data-api="/api/threads"></div>',
        '<news-comments article="42"></news-comments>',
        '<amp-list src="https://api.example.com/v2/articles/42/comments?limit=10" layout="fixed-height" height="100">'
        "<template><p>{{text}}</p></template></amp-list>",
        '<div class="thread"><p>Loading comments...</p></div>',
        '<iframe id="commentIframe" width="100%"></iframe>',
    ],
)
def test_a_sites_own_comment_widget_is_recognised(markup):
    status = extract_page(page(markup), URL).comments_status
    assert (status.state, status.widget) == ("widget", "in-house")


def test_comments_in_the_html_are_present_with_their_count():
    thread = "".join(
        f'<li class="comment" id="comment-{i}"><div class="comment-author"><cite class="fn">Reader {i}</cite></div>'
        f'<div class="comment-content"><p>I think point {i} of the plan deserves a longer look by everyone.</p></div></li>'
        for i in range(3)
    )
    html = page(f'<div id="comments" class="comments-area"><ol class="comment-list">{thread}</ol></div>')
    status = extract_page(html, URL).comments_status
    assert (status.state, status.count, status.label) == ("present", 3, "present (3)")


@pytest.mark.parametrize(
    "notice",
    [
        '<div id="comments" class="comments-area"><p class="no-comments">Comments are closed.</p></div>',
        "<p>Die Kommentarfunktion wurde geschlossen.</p>",
        '<div class="comments-closed">Thank you for your interest.</div>',
    ],
)
def test_closed_comments_are_said_closed(notice):
    assert extract_page(page(notice), URL).comments_status.state == "closed"


def test_a_page_without_any_sign_of_comments_has_none():
    # WordPress with no comment yet: the reply form and the script that moves it load no comments
    html = page(
        '<div id="comments" class="comments-area"><h3>Leave a Reply</h3><form><textarea id="comment">'
        "</textarea></form></div>",
        head='<script src="https://news.example.com/wp-includes/js/comment-reply.min.js?ver=6.4"></script>',
    )
    assert extract_page(html, URL).comments_status.state == "none"


def test_an_article_republished_from_another_publication_is_not_a_widget():
    html = page('<iframe src="https://theconversation.com/embed/republish/12345" title="The Conversation"></iframe>')
    assert extract_page(html, URL).comments_status.state == "none"


def test_a_declared_count_without_comments_in_the_html_is_not_captured():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge", "commentCount": 57}
    html = page("", head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    status = extract_page(html, URL).comments_status
    assert (status.state, status.declared, status.label) == (
        "not_captured",
        57,
        "not captured (57 declared by the page)",
    )


def test_a_heading_count_over_an_empty_list_is_not_captured():
    html = page(
        '<section id="comments"><h2><span>2</span> Kommentare</h2><div id="comments-container"></div></section>'
    )
    assert extract_page(html, URL).comments_status.declared == 2


def test_the_status_is_in_the_extraction_json():
    data = extract_page(page(WIDGETS["Disqus"]), URL).to_dict()
    assert data["comments_status"]["state"] == "widget"
    assert data["comments_status"]["widget"] == "Disqus"
    assert data["comments_status"]["label"] == "loaded by a widget (Disqus), not captured"
    json.dumps(data)  # JSON-ready

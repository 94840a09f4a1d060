"""Reader comments as WordPress prints them: a threaded list, then the reply form or a notice."""

from __future__ import annotations

from archiver.demo.layout import e, long_date
from archiver.demo.model import Article, Comment

AVATAR = "https://secure.gravatar.example.com/avatar"


def comment_date(comment: Comment) -> str:
    """Give a comment's visible date, "January 23, 2026 at 14:05"."""
    return f"{long_date(comment.published)} at {comment.published:%H:%M}"


def comment_body(article: Article, comment: Comment) -> str:
    """Give the <article> of one comment: author, date, text and the reply link."""
    reply = (
        ""
        if article.comments_closed
        else (
            f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#respond" '
            f'data-commentid="{comment.id}" data-postid="{article.post_id}" '
            f'aria-label="Reply to {e(comment.author)}">Reply</a></div>\n'
        )
    )
    return (
        f'<article id="div-comment-{comment.id}" class="comment-body">\n'
        '<footer class="comment-meta">\n<div class="comment-author vcard">'
        f'<img alt="" src="{AVATAR}/{comment.id:x}?s=48&amp;d=mm" class="avatar avatar-48" height="48" width="48">'
        f'<cite class="fn">{e(comment.author)}</cite> <span class="says">on</span></div>\n'
        f'<div class="comment-metadata"><a href="{article.url_path}#{comment.anchor}">'
        f'<time datetime="{comment.published.isoformat()}">{comment_date(comment)}</time></a></div>\n'
        "</footer>\n"
        f'<div class="comment-content"><p>{e(comment.text)}</p></div>\n{reply}</article>\n'
    )


def comment_item(article: Article, comment: Comment, depth: int) -> str:
    """Give the <li> of a comment with its replies nested below it."""
    children = [c for c in article.comments if c.parent == comment.id]
    nested = "".join(comment_item(article, c, depth + 1) for c in children)
    replies = f'<ul class="children">\n{nested}</ul>\n' if children else ""
    parity = "odd" if depth % 2 else "even"
    parent = " parent" if children else ""
    return (
        f'<li id="{comment.anchor}" class="comment {parity} depth-{depth}{parent}">\n'
        + comment_body(article, comment)
        + replies
        + "</li>\n"
    )


def comment_list(article: Article) -> str:
    """Give the heading and threaded list of the article's comments ("" when there are none)."""
    count = len(article.comments)
    if not count:
        return ""
    items = "".join(comment_item(article, c, 1) for c in article.comments if c.parent is None)
    noun = "Comment" if count == 1 else "Comments"
    return f'<h2 class="comments-title">{count} {noun}</h2>\n<ol class="comment-list">\n{items}</ol>\n'


def reply_form(article: Article) -> str:
    """Give the "Leave A Reply" form of an article open for comments."""
    return (
        '<div id="respond" class="comment-respond">\n'
        '<h3 id="reply-title" class="comment-reply-title">Leave A Reply '
        '<small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" hidden>Cancel Reply</a></small></h3>\n'
        '<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">\n'
        '<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>\n'
        '<p class="comment-form-comment"><textarea id="comment" name="comment" cols="45" rows="8" '
        'placeholder="Your Comment" required></textarea></p>\n'
        '<p class="comment-form-author"><input id="author" name="author" type="text" placeholder="Name *" required></p>\n'
        '<p class="comment-form-email"><input id="email" name="email" type="email" placeholder="Email *" required></p>\n'
        '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" '
        'type="checkbox" value="yes"> <label for="wp-comment-cookies-consent">Save my name and email in this browser '
        "for the next time I comment.</label></p>\n"
        '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment">'
        f'<input type="hidden" name="comment_post_ID" value="{article.post_id}" id="comment_post_ID">'
        '<input type="hidden" name="comment_parent" id="comment_parent" value="0"></p>\n'
        "</form>\n</div>\n"
    )


def comments_area(article: Article) -> str:
    """Give the comments area: the threads, then the reply form or "Comments are closed."."""
    closing = '<p class="no-comments">Comments are closed.</p>\n' if article.comments_closed else reply_form(article)
    return f'<div id="comments" class="comments-area">\n{comment_list(article)}{closing}</div>\n'

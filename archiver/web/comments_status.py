"""The comments status of an archived article as the article page says it."""

from __future__ import annotations

from archiver.extract.widgets import CommentsStatus


def comments_label(article: dict) -> str | None:
    """Give the article row's comments status as a reader would say it, or None when not recorded
    (articles archived before the status existed)."""
    state = article.get("comments_status")
    if not state:
        return None
    status = CommentsStatus(
        state=state,
        count=article.get("comment_count") or 0,
        widget=article.get("comments_widget"),
        note=article.get("comments_note"),
    )
    return status.label

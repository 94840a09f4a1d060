"""The article body leaves out what sits around or inside the article without being it."""

from __future__ import annotations

from archiver.extract.page import extract_page

SENTENCES = [
    f"The council met on day {n} to discuss the harbour plan, its budget and the ferry timetable for next year."
    for n in range(1, 11)
]


def article(paragraphs: list[str]) -> bytes:
    """Give a page with an article of the given paragraph markup."""
    body = "".join(paragraphs)
    return (
        "<html lang='en'><head><title>Harbour plan approved</title></head><body>"
        f"<article><h1>Harbour plan approved after long debate</h1>{body}</article></body></html>"
    ).encode()


def test_a_hover_card_inside_a_paragraph_leaves_the_body_but_the_sentence_stays():
    card = (
        "<span class='who'><a href='/people/ann-lee'>Ann Lee</a><span class='pop'><img src='/ann.jpg'>"
        "<a href='/people/ann-lee'>Ann Lee</a><a href='/story/1'>Mayor answers questions on the budget gap</a>"
        "<a href='/story/2'>Ferry strike called off after late-night talks</a></span></span>"
    )
    first = f"<p>The motion was put by councillor {card} and carried by nine votes to four.</p>"
    html = article([first] + [f"<p>{s}</p>" for s in SENTENCES])
    body = extract_page(html, "https://example.org/news/harbour").body
    assert "The motion was put by councillor Ann Lee and carried by nine votes to four." in body
    assert "Mayor answers questions" not in body and "Ferry strike" not in body
    assert all(s in body for s in SENTENCES)


def test_calls_to_action_at_the_ends_of_the_body_leave_it_but_not_the_same_words_in_a_sentence():
    promo = "<p>Start your day with our briefing. Sign up for the free daily newsletter.</p>"
    share = "<p>Like this story? Share it with a friend!</p>"
    # the same words, not telling the reader to act, near the top
    inside = "<p>Residents who subscribe to the ferry pass will pay less, the council said on day five.</p>"
    paragraphs = [f"<p>{s}</p>" for s in SENTENCES]
    html = article([promo, inside] + paragraphs + [share])
    body = extract_page(html, "https://example.org/news/harbour").body
    assert "Sign up for the free daily newsletter" not in body and "Share it with a friend" not in body
    assert "Residents who subscribe to the ferry pass will pay less" in body
    assert all(s in body for s in SENTENCES)


def test_a_short_body_keeps_its_calls_to_action():
    html = article([f"<p>{SENTENCES[0]}</p>", "<p>Click here to read the council's full harbour plan.</p>"])
    body = extract_page(html, "https://example.org/news/harbour").body
    assert "Click here to read the council's full harbour plan." in body


def test_an_article_of_a_few_lines_in_divs_keeps_its_text():
    # little text: trafilatura's own extractor is checked against its fallbacks
    lines = "".join(f"<div class='txt'>{s}</div>" for s in SENTENCES[:3])
    html = (
        "<html lang='en'><head><title>Harbour plan</title></head><body><nav><a href='/'>Home</a>"
        f"<a href='/news'>News</a></nav><div id='main'><h1>Harbour plan approved</h1>{lines}</div></body></html>"
    ).encode()
    body = extract_page(html, "https://example.org/news/harbour").body
    assert all(s in body for s in SENTENCES[:3])
    assert "Home" not in body

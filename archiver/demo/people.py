"""Who and what the paper is: sections, staff writers, the publisher footer, readers."""

from __future__ import annotations

from archiver.demo.model import Author, Footer, Section

SITE_NAME = "The Meridian Courier"
SITE_TAGLINE = "Independent news from Port Meridian and the world since 1887"
PUBLISHER = "Meridian Courier Media Ltd"
COPYRIGHT = "© 2026 Meridian Courier Media Ltd. All rights reserved."
MISSION = (
    "An independent newsroom dedicated to accurate, fair and fearless reporting "
    "for the people of Port Meridian and beyond."
)

SECTIONS = (
    Section("politics", "Politics", "Parliament, government and the people who run them."),
    Section("world", "World", "Reporting from our correspondents around the globe."),
    Section("business", "Business", "Companies, markets, jobs and the economy."),
    Section("science", "Science", "Research, discoveries and the people behind them."),
    Section("culture", "Culture", "Art, books, film, music and the stage."),
    Section("sport", "Sport", "Match reports, interviews and results."),
)

AUTHORS = (
    Author(
        "elena-marsh",
        "Elena Marsh",
        "Latin America correspondent",
        "Elena Marsh covers Latin America from Bogotá. She joined the Courier in 2019 after a decade at regional news agencies.",
    ),
    Author(
        "tom-achebe",
        "Tom Achebe",
        "Diplomatic editor",
        "Tom Achebe writes about diplomacy, international institutions and security. He has reported from more than forty countries.",
    ),
    Author(
        "ruth-calloway",
        "Ruth Calloway",
        "Political editor",
        "Ruth Calloway leads the Courier's political coverage and presents its weekly politics podcast.",
    ),
    Author(
        "samir-haddad",
        "Samir Haddad",
        "Parliamentary correspondent",
        "Samir Haddad reports on parliament, elections and public spending.",
    ),
    Author(
        "ingrid-solberg",
        "Ingrid Solberg",
        "Business editor",
        "Ingrid Solberg edits the business pages and writes about companies, trade and shipping.",
    ),
    Author(
        "owen-pryce",
        "Owen Pryce",
        "Economics correspondent",
        "Owen Pryce covers the economy, banking and the labour market.",
    ),
    Author(
        "maya-lindqvist",
        "Maya Lindqvist",
        "Science correspondent",
        "Maya Lindqvist writes about climate, space and health research. She trained as a marine biologist.",
    ),
    Author(
        "jonah-feld",
        "Jonah Feld",
        "Arts writer",
        "Jonah Feld reviews exhibitions, theatre and film, and writes the Saturday culture column.",
    ),
    Author(
        "beatrice-okonkwo",
        "Beatrice Okonkwo",
        "Sports writer",
        "Beatrice Okonkwo covers football and rugby across the region.",
    ),
)

FOOTERS = {
    1: Footer(
        MISSION,
        PUBLISHER,
        ("14 Chandlery Wharf", "Harbour Street", "Port Meridian PM1 4QX", "United Kingdom"),
        COPYRIGHT,
    ),
    # Edition 2: the publisher moved offices, so the footer's address changed.
    2: Footer(
        MISSION,
        PUBLISHER,
        ("Courier House, 3 Lantern Row", "Riverside Quarter", "Port Meridian PM2 7LD", "United Kingdom"),
        COPYRIGHT,
    ),
}

# Readers who comment on generated articles; none of them is on the staff.
COMMENTERS = (
    "Alan Whitcombe",
    "Bridget Nolan",
    "Chris Adeyemi",
    "Deborah Finch",
    "Eamon Kelly",
    "Farah Siddiqui",
    "George Albright",
    "Helena Novak",
    "Ian Pritchard",
    "Joanna Wren",
    "Kwame Asante",
    "Lucy Fairbairn",
    "Martin Osei",
    "Nadia Petrova",
    "Oliver Dunn",
    "Patricia Gomez",
    "Quentin Hale",
    "Rosa Lindgren",
    "Stuart McAllister",
    "Tanya Brooks",
    "Umar Farouk",
    "Vera Sokolova",
    "Wesley Crane",
    "Yasmin Clarke",
    "Zoe Hartley",
    "Peter Lanyon",
    "Mei Tanaka",
    "Gordon Reeve",
)

# A comment is an opening reaction followed by a point about the article's topic.
COMMENT_OPENERS = (
    "Good piece, thank you.",
    "Thanks for covering this properly.",
    "Interesting read.",
    "I'm not convinced by the arguments here.",
    "Finally some careful reporting on this.",
    "Hard to disagree with most of this.",
    "This is the kind of story I subscribe for.",
    "Worth reading to the end.",
    "I read this twice and I'm still undecided.",
    "Not the first time we've heard this.",
)
COMMENT_POINTS = (
    "The details of {topic} deserve more attention than they are getting.",
    "I would like to know who actually pays for {topic} in the end.",
    "Everyone I know has an opinion on {topic}, but very few have read the detail.",
    "We were promised something similar five years ago and nothing came of it.",
    "The people most affected by {topic} never seem to be asked what they think.",
    "It would help to see the figures behind {topic} published in full.",
    "Whatever happens with {topic}, the timetable looks very optimistic to me.",
    "Let's see where things stand in six months before judging {topic}.",
    "My family has lived with the consequences of this for years.",
    "Local knowledge matters here and it seems to have been ignored.",
)
REPLIES = (
    "Agreed. The timetable is the part that worries me most.",
    "I'm not sure that follows from what the article says.",
    "Fair point, though the situation has changed a lot since then.",
    "Exactly what I was thinking when I read it.",
    "You make it sound simpler than it is, in my experience.",
    "The article does mention that further down, to be fair.",
    "Same here. I wrote to my councillor about it last year.",
    "I think you're being a bit harsh, but I see why.",
    "Good question. I hope the paper follows this up.",
    "That's been my experience as well, sadly.",
)

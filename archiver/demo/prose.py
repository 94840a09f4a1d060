"""Deterministic prose: article bodies and reader comments written from templates.

Every choice comes from a `random.Random` seeded with a hash of the article's slug,
so the same brief always gives the same words, run after run and machine after
machine.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from archiver.demo.briefs import Brief
from archiver.demo.people import COMMENT_OPENERS, COMMENT_POINTS, COMMENTERS, REPLIES

# Slots: {topic} {person} {surname} {Surname} {role} {org} {place} {figure} {weekday}.
TEMPLATES = {
    "politics": (
        "Speaking in {place} on {weekday}, {person} said the government had “listened carefully” to the concerns raised over {topic} and would set out further detail before the end of the month.",
        "Opposition MPs said the plans left too many questions unanswered. Several pointed to the {figure} price tag, arguing that ministers had yet to explain where the money would come from or how costs would be controlled.",
        "Officials at {org} are understood to have pressed for a slower timetable, warning that existing commitments already stretch the budget. A spokesperson declined to comment on internal discussions.",
        "The debate has exposed familiar divisions on the government benches. A group of backbenchers from rural constituencies has written to {surname} asking for guarantees that their areas will not lose out.",
        "Polling published this week suggests the public is broadly sympathetic to the aims of {topic} but sceptical about delivery. Fewer than four in ten respondents said they were confident the changes would make a noticeable difference within two years.",
        "Local councils have also asked to be consulted. The leader of {place} council said authorities had “heard about the proposals from the newspapers first” and wanted a formal role in shaping how they are carried out.",
        "Supporters argue that the status quo has become impossible to defend. They note that similar reforms elsewhere took several years to bed in, and that early criticism faded once the first results became visible.",
        "A cross-party committee is expected to take evidence on {topic} next month, with {person} among the witnesses. Its chair said members wanted to examine the assumptions behind the {figure} estimate in detail.",
        "Campaigners outside parliament were more blunt. Dozens gathered in {place} on {weekday} evening, and a petition calling for a rethink has gathered thousands of signatures since it was launched.",
        "Ministers insist the timetable remains achievable, although business managers acknowledge privately that the schedule could slip if the committee stage is contested.",
        "For now, {surname} appears determined to press ahead. “Nobody pretends this is easy,” {surname} said. “But doing nothing is a choice too, and it is the one that costs the most in the long run.”",
    ),
    "world": (
        "Diplomats in {place} said the talks had moved faster than expected, though several cautioned that the most difficult questions had been left for a later round. One official described the mood as “businesslike, if not yet warm”.",
        "{person}, {role}, said on {weekday} that {topic} would be judged on results rather than announcements. “What matters is what changes for people on the ground,” {surname} told journalists.",
        "Regional analysts say the stakes extend well beyond the immediate parties. Neighbouring governments have been watching closely, and several have signalled that they would seek similar arrangements if the current effort succeeds.",
        "The effort has also drawn attention to {org}, which has been asked to help monitor progress. Its officials have warned that they will need more staff and money, putting the cost at around {figure} over the first two years.",
        "Not everyone welcomed the news. Opposition figures accused the government of acting without consulting parliament, and civil society groups called for the full details of {topic} to be published.",
        "Aid and development organisations said they hoped the political progress would turn into practical improvements. Workers in the region report that supply routes remain unreliable and that the weather has added to the pressure on families.",
        "Economists note that trade in the region has suffered over the past two years. Restoring it to previous levels would take time, they say, even if formal barriers are removed quickly.",
        "A further round of meetings is expected before the end of the quarter. Officials said the agenda would include security cooperation, customs procedures and the future of shared infrastructure projects.",
        "“There is no shortcut to trust,” {surname} said as the session closed. “We will take one step at a time and check at each step that the other side is doing the same.”",
    ),
    "business": (
        "Shares in {org} rose in early trading on {weekday} as investors digested the announcement, before settling slightly higher by the close. Analysts described the reaction as cautious rather than enthusiastic.",
        "{person}, the company’s {role}, said {org} had spent most of the past year preparing for the move. “We have been deliberate about this,” {surname} told analysts. “We wanted to be sure the numbers worked before we said anything in public.”",
        "The figure of {figure} is significant for a business of its size. It will be funded partly from cash reserves and partly through a credit facility arranged with a group of lenders.",
        "Trade unions said they would seek urgent talks about the implications for staff. The company employs several thousand people, many of them at sites in and around {place}.",
        "Competition lawyers said the plans were likely to attract scrutiny from regulators, who have taken a tougher line on the sector over the past two years. A review could take several months.",
        "The announcement comes against a difficult backdrop for the wider industry. Input costs have eased from their peak but remain well above their levels of five years ago, and consumer demand has been patchy since the autumn.",
        "Some investors questioned the timing. One fund manager, who asked not to be named because of the firm’s holding, said the board should have waited until interest rates had settled before committing to {topic}.",
        "Others were more positive, pointing to the company’s record of delivering large projects without disruption. Brokers at two City firms raised their price targets following the news.",
        "{org} will publish its full-year results in March, when it is expected to give more detail on {topic} and on its plans for capital spending over the next three years.",
        "Economists said the move fitted a broader pattern of companies investing again after a long period of caution, although they warned that a single announcement should not be read as a turning point.",
    ),
    "science": (
        "The research team analysed {figure}, a dataset they say is far larger than anything previously available for this kind of work. The findings were published on {weekday} in a peer-reviewed journal.",
        "“We were surprised by how consistent the pattern was,” said Dr {person}, {role}. “When you see the same signal in data gathered with different methods, in different years, you start to take it seriously.”",
        "Independent scientists welcomed the study but urged caution in interpreting it. One researcher who was not involved in the work called the results “an important piece of the puzzle, not the final picture”.",
        "The project was funded by public research councils and involved collaborators at {org} and several partner institutions. Much of the work was carried out in {place}.",
        "The team now plans to extend the work over a longer period. {Surname} said the next phase would test whether the effect changes over time, a question that could only be answered with several more years of observations.",
        "Understanding the process matters for more than academic reasons. Policymakers rely on such measurements when setting targets, and even small corrections to the underlying numbers can have large consequences further down the line.",
        "The researchers have made their data publicly available, a decision {surname} described as essential. “Other groups will analyse this in ways we have not thought of,” {surname} said. “That is how the field moves forward.”",
        "Earlier studies had reached conflicting conclusions, partly because they relied on smaller samples and different methods. The new paper attempts to reconcile those results by reanalysing older data with the same techniques.",
        "Funding remains a concern. Several members of the team are on short-term contracts, and {org} has warned that cuts to research budgets could make long-running programmes harder to sustain.",
    ),
    "culture": (
        "The project brings together {figure}, and several elements have not been seen in public for decades. Some were lent by private collectors, while others turned up in storage after a long search through the archives.",
        "“We wanted people to see the range, not just the famous moments,” said {person}, {role}. “The quieter work tells you as much about an artist as the pieces everyone already knows.”",
        "Critics have been largely admiring. Early reviews praised the ambition of {topic} and its careful pacing, although one found the second half crowded and suggested that less might have made a stronger case.",
        "The opening weekend drew long queues at {org}, and advance bookings for the coming weeks are said to be the strongest in several years. Staff have extended opening hours on Fridays to cope with demand.",
        "For {place}, the success is welcome news. Cultural venues have struggled since public funding was reduced, and several smaller spaces have closed or shortened their programmes over the past two years.",
        "{Surname} said the project had taken almost three years to put together. Delays in securing loans and the cost of insurance had, at one stage, put the whole undertaking in doubt.",
        "Events running alongside {topic} include workshops for schools, talks by visiting artists and a series of evenings aimed at audiences who do not usually come through the doors.",
        "The run ends in the spring, after which parts of the programme are expected to tour. Organisers said discussions with venues in other cities were at an early stage.",
    ),
    "sport": (
        "A crowd of {figure} at {place} saw a tense first half in which neither side created much, before the game opened up after the interval.",
        "“I thought we showed real character,” said {person}, {role}. “There were spells when we had to dig in, and the players did that. I can’t ask for more than that.”",
        "{org} had gone into the match with several players missing through injury, and the lack of options on the bench was evident as the game wore on and legs began to tire.",
        "The result leaves the club facing a busy run of fixtures. {Surname} said the squad would need to be managed carefully over the next few weeks to avoid further injuries.",
        "Supporters stayed behind long after the final whistle to applaud the players, a scene that {surname} described as one of the most moving of the season.",
        "The club’s finances have been a concern since relegation two seasons ago, and directors have made clear that any new signings this month will depend on first selling players.",
        "The statistics told the story of a closely fought contest: possession was almost evenly shared, and the winning side had only one more attempt on target than their opponents.",
        "Attention now turns to the next round of fixtures. {Surname} declined to discuss selection but said everyone in the squad would have a part to play.",
    ),
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def seeded(key: str) -> random.Random:
    """Give a random generator fixed by `key`, identical on every run and machine."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def slots(brief: Brief, published: datetime) -> dict[str, str]:
    """Give the template slot values of a brief; events happened the day before publication."""
    surname = brief.person.split()[-1]
    weekday = WEEKDAYS[(published - timedelta(days=1)).weekday()]
    return dict(
        topic=brief.topic,
        person=brief.person,
        surname=surname,
        Surname=surname,
        role=brief.role,
        org=brief.org,
        place=brief.place,
        figure=brief.figure,
        weekday=weekday,
    )


def capitalised(text: str) -> str:
    """Give `text` with its first letter upper-cased ("the Treasury will" → "The Treasury will")."""
    return text[:1].upper() + text[1:]


def paragraphs(brief: Brief, slug: str, published: datetime) -> tuple[str, ...]:
    """Give an article body of 4 to 10 paragraphs: the brief's lead, then templates in order."""
    rng = seeded(slug)
    templates = TEMPLATES[brief.section]
    count = rng.randint(3, min(9, len(templates)))
    chosen = sorted(rng.sample(range(len(templates)), count))
    values = slots(brief, published)
    return (brief.lead, *(capitalised(templates[i].format(**values)) for i in chosen))


def deck(rng: random.Random, pool: tuple[str, ...]) -> Iterator[str]:
    """Give an endless iterator over the pool, shuffled, using every item once before any repeats."""
    items = list(pool)
    rng.shuffle(items)
    return itertools.cycle(items)


@dataclass
class CommentWriter:
    """Writes an article's reader comments without repeating itself within the article."""

    topic: str
    openers: Iterator[str]
    points: Iterator[str]
    replies: Iterator[str]
    names: Iterator[str]

    @classmethod
    def for_article(cls, rng: random.Random, topic: str) -> CommentWriter:
        """Give a writer whose choices all come from `rng`."""
        return cls(
            topic, deck(rng, COMMENT_OPENERS), deck(rng, COMMENT_POINTS), deck(rng, REPLIES), deck(rng, COMMENTERS)
        )

    def comment(self) -> str:
        """Give a top-level comment: a reaction, then a point about the topic."""
        return f"{next(self.openers)} {next(self.points).format(topic=self.topic)}"

    def reply(self) -> str:
        """Give a reply to another reader's comment."""
        return next(self.replies)

    def name(self) -> str:
        """Give the name of a reader (never a staff writer)."""
        return next(self.names)

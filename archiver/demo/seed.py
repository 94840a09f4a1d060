"""The seed article: the one real-world page the demo site reproduces word for word.

Kept as data so tests can import what an extractor must find on the page:
the title, the twelve body paragraphs and the twenty reader comments (ten
top-level comments, each with exactly one reply). Where the original page shows
no commenter name, a plausible name was invented for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

SLUG = "colombian-president-petro-optimistic-about-white-house-meeting-with-trump"
TITLE = "Colombian President Petro Optimistic About Upcoming White House Meeting with Trump"
SECTION = "world"
PUBLISHED = "2026-01-23T10:12:00+00:00"
AUTHORS = ("Elena Marsh",)
TAGS = ("Colombia", "United States", "Diplomacy", "Latin America")

AUDIO_LABEL = "Listen to the article"
FACT_CHECK_TITLE = "Fact Checker"
FACT_CHECK_TEXT = (
    "Verify the accuracy of this article using The Disinformation Commission analysis and real-time sources."
)

PARAGRAPHS = (
    "Colombian President Gustavo Petro expressed optimism Friday about his scheduled February 3 meeting with U.S. President Donald Trump, signaling a remarkable improvement in bilateral relations after months of diplomatic tensions between the two nations.",
    "“The talks are going well,” Petro stated in a brief message on social media platform X, referencing an announcement from Colombia’s foreign ministry regarding preparations for the high-level encounter.",
    "The upcoming White House meeting represents a dramatic shift in U.S.-Colombia relations. Just months ago, Washington threatened to revoke Petro’s visa following his criticism of U.S. foreign policy at a New York rally. The U.S. had also imposed sanctions on Petro and his family over unproven drug-trafficking allegations, creating one of the most serious diplomatic rifts between the two traditionally allied nations in recent years.",
    "In a sign of warming ties, Colombian Foreign Minister Rosa Villavicencio and U.S. Secretary of State Marco Rubio held what officials described as a cordial call to finalize meeting preparations. During Friday’s exchange, Rubio assured that President Petro would receive full diplomatic guarantees for his visit to Washington, according to Tommy Pigott, a State Department spokesman.",
    "Both governments have indicated the meeting will focus on “common priorities” rather than recent disagreements. The agenda is expected to include discussions on bilateral trade, joint economic opportunities, and regional security concerns. Officials also anticipate conversations about strengthening cooperation against transnational organized crime, a persistent challenge for both nations.",
    "The diplomatic thaw began in early January when Trump accepted a phone call from Petro, who reportedly called to “explain the drug situation and other disagreements we’ve had,” according to the U.S. president. That conversation apparently laid the groundwork for next month’s in-person meeting.",
    "Despite this progress, the United States continues to express concerns about Colombia’s internal security situation. Jennifer Locetta, U.S. deputy ambassador to the United Nations, told the U.N. Security Council on Friday that while Trump and Petro are engaging in “productive conversations,” the United States remains “deeply concerned about instability, violence, and illicit drug cultivation and trafficking” in Colombia.",
    "Locetta specifically criticized Petro’s approach to negotiations with armed groups, suggesting that pausing combat operations and reducing coca eradication efforts while pursuing peace talks has inadvertently strengthened these groups’ positions. Her comments came during a quarterly Security Council review of the implementation of Colombia’s peace agreement with the former FARC guerrilla group.",
    "Colombia remains a crucial U.S. ally in South America and has historically received billions in U.S. aid to combat drug trafficking and leftist insurgencies. Petro, Colombia’s first leftist president, has sought to reshape this relationship since taking office in 2022, emphasizing climate change cooperation and new approaches to drug policy over traditional security-focused priorities.",
    "The upcoming meeting carries significant implications for regional politics, as both nations seek to navigate their relationship amid shifting political dynamics throughout Latin America. Analysts suggest that despite ideological differences, pragmatic cooperation on shared concerns could emerge from the talks.",
    "Economic matters are likely to feature prominently in discussions, as Colombia faces substantial economic challenges including high inflation and unemployment. The U.S. remains Colombia’s largest trading partner, with bilateral trade exceeding $31 billion annually according to recent data.",
    "The February meeting will be closely watched by regional observers as an indicator of potential shifts in U.S. policy toward Latin America under the current administration.",
)


@dataclass(frozen=True)
class SeedComment:
    """One comment of the seed page: who wrote it, when, and its text."""

    author: str
    published: str
    text: str


@dataclass(frozen=True)
class SeedThread:
    """A top-level seed comment and its single reply."""

    comment: SeedComment
    reply: SeedComment


def _thread(author: str, at: str, text: str, reply_author: str, reply_at: str, reply: str) -> SeedThread:
    """Give one thread from flat literals, dates being times on the publication day or after."""
    return SeedThread(
        SeedComment(author, f"2026-01-{at}:00+00:00", text),
        SeedComment(reply_author, f"2026-01-{reply_at}:00+00:00", reply),
    )


THREADS = (
    _thread(
        "Daniel Okafor",
        "23T11:04",
        "Curious to hear more about the agenda for the Petro-Trump talks. Bilateral cooperation on issues like trade, security, and energy could be on the table.",
        "Amelia Jackson",
        "23T11:37",
        "The sanctions imposed on Petro and his family will likely be a key topic. Resolving those disputes could help improve overall relations.",
    ),
    _thread(
        "Sophie Laurent",
        "23T11:52",
        "The potential for a reset in US-Colombia relations is intriguing, but the path forward will likely be complex. Petro and Trump will need to navigate their differences skillfully.",
        "John Hernandez",
        "23T12:20",
        "Cooperation on issues like energy, trade, and security could be areas of mutual interest, but political hurdles remain.",
    ),
    _thread(
        "Olivia H. Johnson",
        "23T12:41",
        "It’s positive to see Petro and Trump engaging directly on these high-stakes issues. Their ability to find common ground will be crucial for the future of US-Colombia ties.",
        "Michael Williams",
        "23T13:15",
        "The meeting will be closely watched, as it could set the tone for the relationship between the two countries in the coming years.",
    ),
    _thread(
        "Marcus Bell",
        "23T13:48",
        "Improving US-Colombia relations is important for regional stability and economic cooperation. This meeting could lay the groundwork for a more constructive partnership going forward.",
        "Jennifer White",
        "23T14:06",
        "It remains to be seen whether the two leaders can find a way to work together effectively despite their past disagreements.",
    ),
    _thread(
        "Priya Raman",
        "23T14:30",
        "Interesting to see the shift in US-Colombia relations. Petro and Trump meeting at the White House signals a potential thaw, but we’ll have to see what comes out of the discussions.",
        "Jennifer White",
        "23T14:58",
        "Diplomatic tensions have been high between the two countries, so this meeting could be an opportunity to reset the relationship.",
    ),
    _thread(
        "Jennifer Davis",
        "23T15:22",
        "The optimistic tone from both sides is encouraging, but the real test will be whether they can translate that into tangible outcomes. There’s a lot riding on this high-stakes White House encounter.",
        "Thomas Reyes",
        "23T16:03",
        "Petro and Trump have very different political ideologies, so navigating their differences productively will be key.",
    ),
    _thread(
        "Linda S. Moore",
        "23T16:45",
        "This high-stakes meeting represents a critical juncture for US-Colombia ties. Both leaders will be under pressure to demonstrate progress, but achieving meaningful results won’t be easy.",
        "Grace Kim",
        "23T17:19",
        "The ability to find common ground on sensitive issues like drug policy and foreign policy will be key to the success of this encounter.",
    ),
    _thread(
        "Robert Chen",
        "23T18:02",
        "This White House encounter represents a critical moment for US-Colombia relations. Both sides will need to demonstrate flexibility and a willingness to compromise to make progress.",
        "Hannah Schultz",
        "23T18:40",
        "Resolving the diplomatic disputes and sanctions will be an important early test of their ability to work together constructively.",
    ),
    _thread(
        "William Turner",
        "23T19:27",
        "The diplomatic tensions between the US and Colombia have been concerning, so this meeting is a welcome development. Hopefully, they can find a way to reset the relationship.",
        "Carlos Mendoza",
        "23T20:11",
        "Cooperation on issues like counter-narcotics, trade, and energy could be a focus. But there are also complex political factors at play.",
    ),
    _thread(
        "Isabella Williams",
        "23T21:05",
        "This meeting could be a chance for Colombia and the US to find common ground, despite their recent disagreements. Both sides will be looking to achieve some diplomatic wins.",
        "Nathan Price",
        "24T08:33",
        "It will be interesting to see if they can bridge the gaps on sensitive issues like drug policy and foreign policy.",
    ),
)

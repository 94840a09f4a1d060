"""The paper's stories as briefs: the hand-written facts each generated article is built from.

A brief gives the headline, when and by whom it was published, its tags, a
hand-written first paragraph, and the facts (a person, a place, an organisation,
a figure) that the section's paragraph templates in `prose.py` weave into the
rest of the body.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Brief:
    """What one article is about, before its body is written out."""

    section: str
    published: str
    title: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    lead: str
    topic: str
    person: str
    role: str
    org: str
    place: str
    figure: str


def brief(section: str, published: str, title: str, authors: str, tags: str, lead: str, **facts: str) -> Brief:
    """Give a Brief from compact literals: authors and tags are comma-separated."""
    return Brief(
        section, f"2026-{published}:00+00:00", title,
        tuple(a.strip() for a in authors.split(",")),
        tuple(t.strip() for t in tags.split(",")),
        lead, **facts,
    )


POLITICS = (
    brief("politics", "01-05T07:40", "Transport secretary defends £2.4bn plan to bring rail franchises back in house",
          "ruth-calloway", "Transport, Parliament",
          "The transport secretary, Alan Grieve, has defended a £2.4bn plan to bring the country’s remaining rail franchises under public control, insisting the reform will make fares simpler and services more reliable despite warnings from industry bodies that the timetable is unrealistic.",
          topic="the rail franchising bill", person="Alan Grieve", role="the transport secretary",
          org="the Treasury", place="Northfield", figure="£2.4bn"),
    brief("politics", "01-08T09:15", "Councils warn of ‘impossible choices’ as social care funding falls short",
          "samir-haddad", "Social care, Local government",
          "Council leaders have warned that they face “impossible choices” this year after the government confirmed a social care settlement worth £900m less than local authorities say they need to keep current services running.",
          topic="the social care settlement", person="Priya Shah", role="the local government minister",
          org="the Local Government Association", place="Eastbrook", figure="£900m"),
    brief("politics", "01-13T22:05", "Housing bill clears first hurdle despite rebellion over planning rules",
          "ruth-calloway, samir-haddad", "Housing, Parliament",
          "The government’s flagship housing bill passed its second reading on Tuesday night, but 23 of its own MPs voted against a clause that would limit the power of local councils to block large developments.",
          topic="the housing bill", person="Margaret Oduya", role="the housing minister",
          org="the Planning Inspectorate", place="Westmere", figure="£3.2bn"),
    brief("politics", "01-16T11:30", "Opposition leader sets out plan to cap energy bills for small businesses",
          "samir-haddad", "Energy, Small business",
          "The leader of the opposition, Daniel Frost, has promised to cap energy bills for small businesses for two years if his party wins the next election, a pledge his own advisers estimate would cost £1.1bn a year.",
          topic="the proposed energy price cap", person="Daniel Frost", role="the leader of the opposition",
          org="the Federation of Small Businesses", place="Carrick Bay", figure="£1.1bn"),
    brief("politics", "01-21T08:00", "Ministers under pressure to publish review of school funding formula",
          "ruth-calloway", "Education, Parliament",
          "Pressure is growing on the education secretary, Helen Marr, to publish an internal review of the school funding formula after headteachers in several regions said the current system leaves small rural schools at a lasting disadvantage.",
          topic="the school funding review", person="Helen Marr", role="the education secretary",
          org="the Department for Education", place="Lowther", figure="£480m"),
    brief("politics", "01-28T10:20", "Electoral commission calls for tighter rules on online campaign spending",
          "samir-haddad", "Elections, Technology",
          "The Electoral Commission has called for a lower cap on online campaign spending and clearer labelling of political adverts, warning that rules written for leaflets and posters no longer fit the way elections are fought.",
          topic="the rules on online campaign spending", person="Colin Baird", role="the chair of the Electoral Commission",
          org="the Cabinet Office", place="Kingsgate", figure="£35m"),
)

WORLD = (
    brief("world", "01-02T06:50", "Nordic ministers agree joint plan to protect undersea cables",
          "tom-achebe", "Europe, Security, Technology",
          "Ministers from five Nordic countries have agreed a joint plan to monitor and protect the undersea cables that carry most of the region’s internet traffic and a growing share of its electricity, after a series of unexplained outages last year.",
          topic="the cable protection plan", person="Anna Lindholm", role="chair of the ministers’ working group",
          org="the Nordic Council", place="Oslo", figure="€1.2bn"),
    brief("world", "01-07T14:25", "Flooding in southern Brazil displaces thousands as rivers keep rising",
          "elena-marsh", "Latin America, Climate",
          "More than 20,000 people have been forced from their homes in southern Brazil after a week of torrential rain pushed rivers to their highest levels in decades, and forecasters warn that more storms are on the way.",
          topic="the flood response", person="Marcos Teixeira", role="the state’s civil defence coordinator",
          org="the Brazilian Red Cross", place="Porto Alegre", figure="R$400m"),
    brief("world", "01-09T12:10", "EU and Kenya close in on trade deal covering flowers and green hydrogen",
          "tom-achebe", "Africa, Trade, Europe",
          "Negotiators from the European Union and Kenya are close to completing a trade agreement that would cut tariffs on cut flowers and vegetables and open the way for European investment in Kenyan green hydrogen projects.",
          topic="the trade agreement", person="Wanjiru Kamau", role="Kenya’s chief trade negotiator",
          org="the European Commission", place="Nairobi", figure="€900m"),
    brief("world", "01-14T05:30", "Japan and South Korea resume shuttle diplomacy after two-year pause",
          "tom-achebe", "Asia, Diplomacy",
          "Japan and South Korea have resumed regular visits between their leaders after a two-year pause, with officials in both capitals describing the first meeting as a chance to put a difficult period behind them.",
          topic="the resumed summit programme", person="Kenji Morimoto", role="a senior Japanese foreign ministry official",
          org="the Association of Southeast Asian Nations", place="Seoul", figure="$2bn"),
    brief("world", "01-17T16:45", "Chile’s copper towns brace for lithium boom as new mines win approval",
          "elena-marsh", "Latin America, Mining",
          "Chile has approved three new lithium projects in the Atacama desert, a decision that promises jobs and investment for mining towns in the north but has alarmed Indigenous communities worried about the region’s scarce water.",
          topic="the lithium expansion", person="Camila Rojas", role="the regional governor",
          org="the national mining agency", place="Antofagasta", figure="$4.5bn"),
    brief("world", "01-20T09:05", "UN agencies warn aid routes into Sudan remain blocked",
          "tom-achebe", "Africa, Humanitarian aid",
          "United Nations agencies have warned that the main aid routes into western Sudan remain blocked, leaving hundreds of thousands of people without regular deliveries of food and medicine as the dry season begins.",
          topic="the aid effort", person="Amina Yusuf", role="a UN humanitarian coordinator",
          org="the World Food Programme", place="Port Sudan", figure="$1.3bn"),
    brief("world", "01-27T13:35", "Canada and Mexico sign agreement on seasonal farm workers",
          "elena-marsh, tom-achebe", "Trade, Migration",
          "Canada and Mexico have signed an agreement to expand and regulate the seasonal farm worker programme that brings tens of thousands of Mexican labourers to Canadian farms each year, promising stronger protections for workers.",
          topic="the seasonal worker agreement", person="Luis Ortega", role="Mexico’s labour minister",
          org="the International Labour Organization", place="Ottawa", figure="C$250m"),
    brief("world", "01-30T07:55", "Indonesia opens first ministries in new capital amid questions over cost",
          "tom-achebe", "Asia, Infrastructure",
          "The first government ministries have begun moving into Indonesia’s new capital on the island of Borneo, a milestone for a project that has been dogged by delays, rising costs and doubts about whether enough investors will follow.",
          topic="the capital relocation", person="Bambang Sutrisno", role="head of the capital authority",
          org="the national development planning agency", place="Nusantara", figure="$32bn"),
)

BUSINESS = (
    brief("business", "01-06T07:00", "Halden Foods agrees £640m takeover of frozen dessert maker",
          "ingrid-solberg", "Mergers, Food industry",
          "Halden Foods has agreed to buy the frozen dessert maker Polar Spoon for £640m, the largest acquisition in the company’s history and a bet that shoppers will keep paying for premium treats even as household budgets stay tight.",
          topic="the Polar Spoon takeover", person="Marta Kovac", role="chief executive",
          org="Halden Foods", place="Sheffield", figure="£640m"),
    brief("business", "01-09T08:20", "Port Meridian container terminal to double capacity in automation push",
          "ingrid-solberg", "Shipping, Automation",
          "Meridian Port Holdings will spend £310m doubling the capacity of its container terminal over the next four years, replacing much of the existing crane fleet with remotely operated equipment.",
          topic="the terminal expansion", person="Graham Tully", role="managing director",
          org="Meridian Port Holdings", place="Port Meridian", figure="£310m"),
    brief("business", "01-15T07:15", "Northwind Energy cuts 400 jobs as offshore projects are delayed",
          "owen-pryce", "Energy, Jobs",
          "Northwind Energy is to cut 400 jobs after delays to two offshore wind projects left the company with fewer contracts than it had planned for this year, blaming slow planning decisions and higher borrowing costs.",
          topic="the job cuts", person="Fiona Reid", role="chief executive",
          org="Northwind Energy", place="Aberlyn", figure="£120m"),
    brief("business", "01-19T06:45", "Budget airline Skylark reports record passenger numbers",
          "ingrid-solberg, owen-pryce", "Aviation, Travel",
          "Skylark Air carried a record 41 million passengers last year, the budget airline said on Monday, as demand for short city breaks held up despite higher fares and disruption at several European airports during the summer.",
          topic="the airline’s expansion plans", person="Jonas Berg", role="chief executive",
          org="Skylark Air", place="Kingsgate", figure="£85m"),
    brief("business", "01-26T07:30", "Clearwater Bank to close 60 branches as customers move online",
          "owen-pryce", "Banking, Jobs",
          "Clearwater Bank will close 60 of its branches over the next year, saying that fewer than one in ten of its customers now visit a branch regularly and that most transactions have moved to its mobile app.",
          topic="the branch closures", person="Olivia Grant", role="chief executive",
          org="Clearwater Bank", place="Westmere", figure="£200m"),
    brief("business", "01-29T09:40", "Tessel Robotics raises £95m to expand warehouse automation",
          "ingrid-solberg", "Technology, Automation",
          "Tessel Robotics, the Carrick Bay start-up that builds picking robots for warehouses, has raised £95m from investors to open a second factory and expand into North America.",
          topic="the funding round", person="Arjun Mehta", role="co-founder and chief executive",
          org="Tessel Robotics", place="Carrick Bay", figure="£95m"),
)

SCIENCE = (
    brief("science", "01-05T15:00", "Deep-sea sediment cores reveal faster carbon burial than expected",
          "maya-lindqvist", "Climate, Oceans",
          "The deep ocean floor may be locking away carbon faster than scientists had assumed, according to a study of sediment cores drilled from the North Atlantic that challenges some of the figures used in climate models.",
          topic="the sediment study", person="Hannah Voss", role="the study’s lead author",
          org="the University of Aberlyn", place="the North Atlantic", figure="12,000 samples"),
    brief("science", "01-12T10:10", "City foxes are developing shorter snouts, museum study finds",
          "maya-lindqvist", "Wildlife, Evolution",
          "Foxes living in cities have developed shorter, wider snouts than their rural cousins, according to a study of museum specimens that suggests urban life is reshaping the animals within a few dozen generations.",
          topic="the fox study", person="Tomas Reilly", role="the evolutionary biologist who led the work",
          org="the Port Meridian Natural History Museum", place="museum collections across Britain", figure="1,400 skulls"),
    brief("science", "01-18T18:30", "New telescope survey maps a million distant galaxies in its first month",
          "maya-lindqvist", "Astronomy, Space",
          "A new telescope survey has mapped the positions of a million distant galaxies in its first month of operation, giving astronomers an early look at data that could sharpen measurements of how fast the universe is expanding.",
          topic="the galaxy survey", person="Amara Nwosu", role="the survey’s project scientist",
          org="the Kettering Observatory", place="the Chilean Andes", figure="a million galaxies"),
    brief("science", "01-22T08:50", "Trial finds cheap eye drops slow short-sightedness in children",
          "maya-lindqvist", "Health, Children",
          "Low-dose eye drops costing a few pounds a month slowed the progression of short-sightedness in children by almost a third over two years, according to the results of a large clinical trial.",
          topic="the eye drop trial", person="Lucy Arden", role="the ophthalmologist who led the trial",
          org="Eastbrook University Hospital", place="six clinics in the region", figure="data from 2,100 children"),
    brief("science", "01-27T11:15", "Glacier retreat in the Alps accelerated last summer, survey shows",
          "maya-lindqvist", "Climate, Europe",
          "Glaciers in the Alps lost ice faster last summer than in any year except 2022, according to an annual survey that found several small glaciers have now stopped moving altogether.",
          topic="the glacier survey", person="Stefan Huber", role="a glaciologist on the monitoring team",
          org="the Alpine Glacier Monitoring Service", place="the Swiss Alps", figure="measurements from 80 glaciers"),
)

CULTURE = (
    brief("culture", "01-03T09:00", "Harbourside Gallery stages first major retrospective of Ines Varga",
          "jonah-feld", "Art, Photography",
          "The photographer Ines Varga spent forty years documenting the working life of Port Meridian’s docks. A new retrospective at the Harbourside Gallery makes the case that she was one of the finest observers the city has had.",
          topic="the retrospective", person="Leo Martens", role="the exhibition’s curator",
          org="the Harbourside Gallery", place="Port Meridian", figure="more than 200 photographs"),
    brief("culture", "01-10T17:20", "Forgotten opera by 19th-century composer returns to the stage",
          "jonah-feld", "Opera, Music",
          "An opera that has not been performed since 1871 returns to the stage this month, after a music librarian found the composer’s handwritten score in a box of uncatalogued papers.",
          topic="the revival", person="Clara Beaumont", role="the company’s artistic director",
          org="the Northern Opera Company", place="Lowther", figure="a cast of 40 singers and a full orchestra"),
    brief("culture", "01-17T12:00", "Port Meridian film festival unveils programme built around first features",
          "jonah-feld", "Film, Festivals",
          "The Port Meridian Film Festival has unveiled a programme dominated by first-time directors, with more than half of this year’s selection made by film-makers presenting their debut feature.",
          topic="this year’s programme", person="Sanjay Patel", role="the festival director",
          org="the Port Meridian Film Festival", place="Port Meridian", figure="86 films from 31 countries"),
    brief("culture", "01-24T19:30", "Theatre company revives rediscovered translation of an Ibsen classic",
          "jonah-feld", "Theatre, Books",
          "A translation of Ibsen’s The Lady from the Sea that lay forgotten in a family attic for almost a century has been given its first production, and on the evidence of opening night it was worth the wait.",
          topic="the production", person="Miriam Holt", role="the production’s director",
          org="the Quayside Theatre", place="Westmere", figure="a cast of 14 and a live string quartet"),
    brief("culture", "01-30T10:45", "Museum returns carved panels to community in Ghana after long campaign",
          "jonah-feld, tom-achebe", "Museums, Africa",
          "The Museum of Port Meridian has returned eleven carved wooden panels to the community in Ghana from which they were taken in 1896, ending a campaign for their return that began more than thirty years ago.",
          topic="the return of the panels", person="Kofi Mensah", role="a historian who advised on the return",
          org="the Museum of Port Meridian", place="Kumasi", figure="eleven carved wooden panels"),
)

SPORT = (
    brief("sport", "01-04T19:10", "Port Meridian Athletic edge past Carrick Rovers to reach cup fourth round",
          "beatrice-okonkwo", "Football, Port Meridian Athletic",
          "Port Meridian Athletic reached the fourth round of the cup for the first time in eleven years after a second-half header from their captain was enough to beat Carrick Rovers 1-0 at Quayside Park.",
          topic="the cup run", person="Danny Whitlow", role="the Athletic manager",
          org="Port Meridian Athletic", place="Quayside Park", figure="12,400"),
    brief("sport", "01-11T18:40", "Westmere Wanderers stun league leaders with late try",
          "beatrice-okonkwo", "Rugby, Westmere Wanderers",
          "Westmere Wanderers ended the league leaders’ unbeaten run with a try in the final minute at Mill Lane, a result that lifts them out of the bottom three for the first time this season.",
          topic="the win", person="Gareth Lloyd", role="the Wanderers head coach",
          org="Westmere Wanderers", place="Mill Lane", figure="8,200"),
    brief("sport", "01-18T17:55", "Carrick Bay women’s side reach league cup final",
          "beatrice-okonkwo", "Football, Women’s sport",
          "Carrick Bay Women will play in a national final for the first time after beating a side from the division above them 2-1 in a semi-final that was decided by a penalty in stoppage time.",
          topic="the semi-final", person="Jess Harlow", role="the Carrick Bay manager",
          org="Carrick Bay Women", place="Harbour Road", figure="3,100"),
    brief("sport", "01-25T20:05", "Kingsgate City held to goalless draw in relegation scrap",
          "beatrice-okonkwo", "Football, Kingsgate City",
          "Kingsgate City were held to a goalless draw by their fellow strugglers at the Riverside Stadium, a result that leaves both sides in the relegation places with fifteen matches of the season remaining.",
          topic="the relegation fight", person="Paul Everett", role="the Kingsgate City manager",
          org="Kingsgate City", place="the Riverside Stadium", figure="18,650"),
)

BRIEFS = POLITICS + WORLD + BUSINESS + SCIENCE + CULTURE + SPORT

# Published only in edition 2, so that a recrawl finds one new article.
NEW_IN_EDITION_2 = brief(
    "business", "02-02T07:45", "Meridian Port Holdings wins contract to run northern ferry routes",
    "ingrid-solberg", "Shipping, Transport",
    "Meridian Port Holdings has won a ten-year contract to run the ferry routes linking Port Meridian with the northern islands, taking over from the state operator in the spring and promising newer ships and more sailings in summer.",
    topic="the ferry contract", person="Graham Tully", role="managing director",
    org="Meridian Port Holdings", place="Port Meridian", figure="£150m",
)

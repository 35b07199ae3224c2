"""Word lists for deterministic, realistic-looking names, addresses and text."""

BRAND_A = (
    "blue north silver bright cedar harbor summit river maple iron copper polar quiet swift "
    "golden amber coral lunar solar urban alpine prairie granite willow falcon orchid crimson "
    "velvet rapid noble pioneer meadow canyon atlas vertex nova orbit"
).split()
BRAND_B = (
    "peak field stone works labs media trade logic point bridge forge craft wave gate line "
    "leaf path mark bay hill grove dale port sight scape nest loop spark vista"
).split()
ESP_NAMES = "sendwave mailpulse postrelay bulkhaus dispatchly letterjet".split()
FREEMAIL_NAMES = "postbox inboxly mailhaven".split()
LIST_ORGS = "opensource-hub kernel-friends pydata-users debian-fans".split()
FORWARDER_NAMES = "alumni-mail forwardme".split()
RECIPIENT_NAMES = "mydomain-archive familymail bigcorp-intra".split()

# (suffix, weight); the registrable domain is always one label plus one of these public suffixes.
TLDS = (("com", 52), ("net", 10), ("org", 10), ("de", 6), ("io", 6), ("co.uk", 7), ("fr", 4),
        ("com.au", 5))

FIRST = (
    "anna ben carla david emma felix greta hugo ida jonas karin leo maria nils olga paul rosa "
    "sven tina uwe vera walter yusuf zoe liam noah olivia sophia lucas mia ethan chloe".split()
)
LAST = (
    "smith meyer novak garcia rossi jensen kowalski dubois silva tanaka kim nguyen okafor "
    "larsen fischer weber moreau costa brown patel".split()
)
# Display names that need RFC 2047 encoded words: (text, charset that can hold it).
INTL_NAMES = (
    ("Jos\u00e9 M\u00fcller", "iso-8859-1"),
    ("Zo\u00eb \u00c5ngstr\u00f6m", "iso-8859-1"),
    ("Ren\u00e9e Dubois-L\u00e9ger", "iso-8859-1"),
    ("J\u00fcrgen Stra\u00dfer", "utf-8"),
    ("\u674e\u96f7", "utf-8"),
    ("\u0410\u043d\u043d\u0430 \u041f\u0435\u0442\u0440\u043e\u0432\u0430", "utf-8"),
    ("S\u00f8ren \u00d8stergaard", "iso-8859-1"),
    ("\u0141ukasz W\u00f3jcik", "utf-8"),
    ("\u5c71\u7530 \u592a\u90ce", "utf-8"),
    ("Fran\u00e7ois Ch\u00e2telet", "iso-8859-1"),
)

WORDS = (
    "the of and to in is that for it as with was on be by this are from at or an have not "
    "which but all were when we there can more if will one about up out so what time their "
    "would other into has some could them these two may then do first any new like our over "
    "such through also most after only where use well many before must back years good much "
    "report meeting quarter budget project schedule update review release team customer order "
    "invoice shipment account payment support ticket feature issue server network storage "
    "deadline proposal contract summary agenda minutes draft version change request approval "
    "product launch campaign newsletter offer discount event webinar registration survey "
    "results analysis forecast revenue growth market strategy plan goal target metric "
    "please thanks regards attached find below above note details information question answer"
).split()

SUBJECT_TOPICS = (
    "Quarterly report", "Meeting notes", "Invoice", "Your order has shipped", "Weekly update",
    "Re: project schedule", "Fwd: contract draft", "Reminder: deadline", "Welcome aboard",
    "Password changed", "Newsletter", "Special offer inside", "Webinar invitation",
    "Survey results", "Release announcement", "Re: Re: budget question", "Travel itinerary",
    "Support ticket updated", "Team lunch", "Agenda for tomorrow",
)

ATTACHMENTS = (
    ("application/pdf", "report-{y}-Q{q}.pdf"),
    ("image/jpeg", "IMG_{n}.jpg"),
    ("image/png", "screenshot-{n}.png"),
    ("application/zip", "archive-{n}.zip"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "budget-{y}.xlsx"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "draft-{n}.docx"),
    ("text/calendar", "invite-{n}.ics"),
)

SELECTORS_RSA = ("selector1", "s1", "default", "mail", "k1", "dkim", "s2048", "20230601",
                 "google", "mx")

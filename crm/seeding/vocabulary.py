"""Word lists for the CRM demo data: stage names, brands, cities, what people write after a call.

Everything here is plain data; :mod:`crm.seeding.generators` draws from it with the seeded RNG.
"""

# (name, slug): the genres the agency works in
GENRES = [
    ("Pop", "pop"),
    ("Rap français", "rap-francais"),
    ("Hip-hop", "hip-hop"),
    ("R&B", "rnb"),
    ("Électro", "electro"),
    ("House", "house"),
    ("Techno", "techno"),
    ("Rock indé", "rock-inde"),
    ("Chanson", "chanson"),
    ("Jazz", "jazz"),
    ("Soul", "soul"),
    ("Afrobeats", "afrobeats"),
    ("Reggaeton", "reggaeton"),
    ("Metal", "metal"),
    ("Folk", "folk"),
    ("Lo-fi", "lo-fi"),
]
# how often each genre comes up (same order as GENRES)
GENRE_WEIGHTS = [16, 14, 8, 7, 8, 5, 4, 6, 6, 3, 3, 6, 3, 2, 4, 3]
FOCUS_GENRES = ["rap-francais", "pop", "electro", "afrobeats"]
FOCUS_COUNTRIES = ["FR", "BE", "CH", "CA"]

# (name, colour)
TAGS = [
    ("Priorité", "#dc3545"),
    ("Festival 2026", "#fd7e14"),
    ("Tournée", "#6f42c1"),
    ("Sync / pub", "#0d6efd"),
    ("Viral TikTok", "#d63384"),
    ("Label", "#198754"),
    ("Renouvellement", "#20c997"),
    ("Brand safe", "#0dcaf0"),
    ("VIP", "#ffc107"),
    ("Premier contact", "#6c757d"),
    ("International", "#6610f2"),
    ("À relancer", "#fd7e14"),
]

# country → (weight, cities, languages, faker locale)
COUNTRIES = {
    "FR": (
        55,
        [
            "Paris",
            "Marseille",
            "Lyon",
            "Toulouse",
            "Bordeaux",
            "Lille",
            "Nantes",
            "Montpellier",
            "Rennes",
            "Nice",
        ],
        ["fr"],
        "fr_FR",
    ),
    "BE": (8, ["Bruxelles", "Liège", "Anvers", "Gand", "Charleroi"], ["fr", "nl"], "fr_FR"),
    "CH": (5, ["Genève", "Lausanne", "Zurich", "Bâle"], ["fr", "de"], "fr_FR"),
    "CA": (6, ["Montréal", "Québec", "Toronto"], ["fr", "en"], "fr_FR"),
    "GB": (6, ["London", "Manchester", "Bristol", "Glasgow", "Leeds"], ["en"], "en_GB"),
    "US": (4, ["Los Angeles", "New York", "Atlanta", "Chicago"], ["en"], "en_GB"),
    "DE": (4, ["Berlin", "Hambourg", "Cologne", "Munich"], ["de", "en"], "de_DE"),
    "ES": (4, ["Madrid", "Barcelone", "Valence", "Séville"], ["es"], "es_ES"),
    "IT": (3, ["Milan", "Rome", "Naples", "Turin"], ["it"], "it_IT"),
    "SN": (2, ["Dakar", "Saint-Louis"], ["fr", "wo"], "fr_FR"),
    "CI": (3, ["Abidjan", "Bouaké"], ["fr"], "fr_FR"),
}


def words(text: str) -> list[str]:
    return text.split()


# --- stage names -----------------------------------------------------------------------------------------------

SYLLABLES_START = words(
    "Ka Lo Mi Za No Ré Vi Sa Ely Ya Ny Li Ra Dé Jo Ba Ti Sé Ma Ko Lu Zé Oré Aya Nae Sol Kae Vé Mel Isa Ox "
    "Ky Jul Ama"
)
SYLLABLES_END = words(
    "lia no ra x lo nne ko ria zo vane sko ly ïa mé ti ssa ka é ro lane dja ven na mi rys lou ssou kid ne"
)
# first names of artists (the poetic pattern: "Lou Azur")
FIRST_NAMES = words(
    "Lou Léa Inès Jade Nina Zoé Camille Sacha Noé Malik Yanis Liam Adam Naïm Romy Mila Théo Aya Salomé "
    "Anouk Élie Lina Nour Ilan Rayan Maëlle Jules Louna Kenza Hugo Iris Sofiane Eva Nathan Ambre Lenny "
    "Chloé Yasmine Gabriel Alma Tess Milo Leïla Ruben Margaux Amir Clara Enzo Sarah Noah"
)
POETIC_NAMES = words(
    "Azur Velours Minuit Lune Saint-Clair Delune Marin Orage Soleil Cendre Néon Ivoire Satin Rivière "
    "Delacroix Sauvage Mistral Brume Océane Nova Ambre Carmin Indigo Lys Cobalt Opale Corail Vermeil "
    "Étoile Rose"
)
PREFIXES = words("DJ MC Lil Big Young Sister Don Kid Miss Papa")
HANDLE_WORDS = words(
    "Ozone Ferraille Kasso Soto Nadi Bleu Zinc Karma Vortex Mango Pixel Chrome Blaze Kobalt Sable "
    "Tonnerre Mirage Voltage Jade Fuego Cristal Onyx Ghost Falcon Nomad Bizness Comète Piment Riviera "
    "Safran"
)
BAND_FR_ADJECTIVES = words(
    "Fauves Sauvages Électriques Perdus Magnétiques Solaires Nocturnes Tropicales Dorées Liquides "
    "Polaires Cosmiques"
)
BAND_FR_NOUNS = words(
    "Nuits Enfants Ondes Vagues Sirènes Étoiles Machines Fleurs Comètes Lumières Ombres Marées"
)
BAND_EN_ADJECTIVES = words(
    "Velvet Neon Midnight Golden Paper Silver Electric Lunar Crystal Wild Hollow Scarlet Atomic Quiet"
)
BAND_EN_NOUNS = words(
    "Comets Harbor Parade Wolves Tigers Skies Rivers Echoes Palms Ghosts Hearts Horizons Satellites Dreamers"
)

# --- sponsors -------------------------------------------------------------------------------------------------

# industry → (brand stems, brand suffixes, budget range in k€, age bands, likely genres, what the brand excludes)
INDUSTRIES = {
    "Boissons énergisantes": (
        ["Pulse", "Volt", "Rush", "Blitz", "Kick", "Spark"],
        ["Energy", "Drink", "Boost"],
        (15, 250),
        ["13-17", "18-24", "25-34"],
        ["rap-francais", "hip-hop", "electro", "techno"],
        ["politics"],
    ),
    "Sodas et eaux": (
        ["Fizz", "Oasis", "Brume", "Source", "Bulle", "Limpide"],
        ["Cola", "Tonic", "Water", "Limonade"],
        (10, 180),
        ["13-17", "18-24", "25-34", "35-44"],
        ["pop", "afrobeats", "reggaeton", "chanson"],
        ["explicit_lyrics", "controversy", "politics"],
    ),
    "Streetwear": (
        ["Kliq", "Dalle", "Asphalte", "Bitume", "Sneak", "Blok"],
        ["Studio", "Supply", "Wear", "Club"],
        (8, 120),
        ["13-17", "18-24", "25-34"],
        ["rap-francais", "hip-hop", "rnb", "afrobeats"],
        ["politics"],
    ),
    "Mode et luxe": (
        ["Maison Lunaire", "Atelier Vaugirard", "Céleste", "Maison Orsay", "Ligne Blanche", "Palais Ambre"],
        ["Paris", "", "Couture"],
        (40, 600),
        ["25-34", "35-44", "45-54"],
        ["pop", "rnb", "soul", "electro", "chanson"],
        ["explicit_lyrics", "controversy", "gambling", "politics"],
    ),
    "Équipement sportif": (
        ["Stride", "Apex", "Vélo", "Sprint", "Nordik", "Summit"],
        ["Sport", "Athletics", "Outdoor"],
        (20, 300),
        ["18-24", "25-34", "35-44"],
        ["electro", "rap-francais", "rock-inde", "house"],
        ["controversy"],
    ),
    "Télécoms": (
        ["Néo", "Onda", "Fibra", "Liaison", "Hertz", "Zénith"],
        ["Mobile", "Télécom", "Connect"],
        (50, 500),
        ["18-24", "25-34", "35-44", "45-54"],
        ["pop", "rap-francais", "electro", "chanson"],
        ["explicit_lyrics", "controversy", "politics", "gambling"],
    ),
    "Banque et fintech": (
        ["Banque Azur", "Kapital", "Monéo", "Lydo", "Trésor", "Créa"],
        ["Bank", "Pay", "Finance", ""],
        (30, 400),
        ["18-24", "25-34", "35-44"],
        ["pop", "electro", "jazz", "rap-francais"],
        ["explicit_lyrics", "controversy", "gambling", "politics"],
    ),
    "Automobile": (
        ["Voltéa", "Rivage", "Meridian", "Aurore", "Stella"],
        ["Motors", "Automobiles", "EV"],
        (80, 900),
        ["25-34", "35-44", "45-54"],
        ["electro", "pop", "rock-inde", "jazz"],
        ["explicit_lyrics", "controversy", "alcohol", "politics"],
    ),
    "Audio et électronique": (
        ["Sonik", "Basso", "Hifi", "Echo", "Tympan", "Wave"],
        ["Audio", "Sound", "Labs"],
        (15, 220),
        ["18-24", "25-34", "35-44"],
        ["electro", "techno", "house", "hip-hop", "lo-fi"],
        ["controversy"],
    ),
    "Jeux vidéo": (
        ["Nexa", "Pixelmoon", "Arcadia", "Loot", "Quest", "Respawn"],
        ["Games", "Studio", "Interactive"],
        (20, 350),
        ["13-17", "18-24", "25-34"],
        ["electro", "rap-francais", "metal", "lo-fi"],
        ["politics"],
    ),
    "Beauté et cosmétiques": (
        ["Atelier Rosé", "Lumea", "Éclat", "Nacre", "Pétale", "Sève"],
        ["Beauty", "Cosmetics", "Paris", "Skin"],
        (15, 260),
        ["18-24", "25-34", "35-44"],
        ["pop", "rnb", "afrobeats", "soul"],
        ["explicit_lyrics", "controversy", "politics"],
    ),
    "Restauration rapide": (
        ["Bao", "Crousty", "Smash", "Tacos Club", "Poké", "Brioche"],
        ["Burger", "Kitchen", "Express", "& Co"],
        (10, 150),
        ["13-17", "18-24", "25-34"],
        ["rap-francais", "afrobeats", "reggaeton", "pop"],
        ["politics"],
    ),
    "Voyage et tourisme": (
        ["Escale", "Horizon", "Aérien", "Nomade", "Boréal"],
        ["Airlines", "Voyages", "Travel", "Hotels"],
        (30, 400),
        ["25-34", "35-44", "45-54", "55+"],
        ["pop", "jazz", "chanson", "folk", "reggaeton"],
        ["explicit_lyrics", "controversy", "politics"],
    ),
    "Spiritueux": (
        ["Maison Brune", "Distillerie Verne", "Cuvée", "Agave", "Barrique"],
        ["Spirits", "Rhum", "Gin", "Tequila"],
        (25, 300),
        ["25-34", "35-44", "45-54"],
        ["electro", "house", "jazz", "rnb", "reggaeton"],
        ["controversy", "politics"],
    ),
    "Paris sportifs": (
        ["Mise", "Pari", "Jackpot", "Cote", "Banco"],
        ["Bet", "Sport", "Club"],
        (40, 500),
        ["18-24", "25-34", "35-44"],
        ["rap-francais", "hip-hop", "electro"],
        ["politics"],
    ),
    "Streaming et médias": (
        ["Flux", "Écran", "Canal", "Ondes", "Replay"],
        ["TV", "Play", "Media", "+"],
        (30, 400),
        ["18-24", "25-34", "35-44", "45-54"],
        ["pop", "rap-francais", "electro", "rock-inde", "chanson"],
        ["controversy"],
    ),
}
INDUSTRY_FLAGS = {"Spiritueux": "alcohol", "Paris sportifs": "gambling"}  # what the brand itself is

SPONSOR_CONTACT_ROLES = [
    "Brand manager",
    "Head of partnerships",
    "Directrice marketing|Directeur marketing",
    "Influence manager",
    "Chargée de communication|Chargé de communication",
    "Event manager",
    "Chef de produit|Cheffe de produit",
]
ARTIST_TEAM_ROLES = [
    "Manager",
    "Booker",
    "Tour manager",
    "Label rep",
    "Avocat|Avocate",
    "Attachée de presse|Attaché de presse",
]

# --- deals, campaigns ---------------------------------------------------------------------------------------

SPONSOR_DEAL_KINDS = [
    "festival activation",
    "capsule collection",
    "TikTok campaign",
    "music video placement",
    "live stream partnership",
    "tour sponsoring",
    "brand ambassador",
    "sync licence",
    "Instagram series",
    "launch event",
]
SIGNING_DEAL_KINDS = [
    "Management contract",
    "Record deal",
    "Publishing deal",
    "Licence deal",
    "Booking agreement",
]
DELIVERABLES = [
    "2 Instagram posts + 3 stories",
    "1 TikTok video with the brand sound",
    "logo on the tour visuals",
    "1 private showcase (45 min)",
    "product placement in the next music video",
    "1 live stream on Twitch (2 h)",
    "backstage content for the brand's channels",
    "30-second sync for the TV spot",
    "meet & greet at the flagship store",
]
LOST_REASONS = [
    "Budget cut on the brand's side",
    "They chose another artist",
    "Brand-safety concerns (lyrics)",
    "Timing: the campaign moved to next year",
    "No answer after three follow-ups",
    "Fee too high for their budget",
    "The artist declined the brand",
    "Exclusivity clause with a competitor",
    "Signed with another agency",
    "The label kept the rights",
]
CAMPAIGN_KINDS = [
    ("Sortie de l'album", "Release the album with a 6-week push on streaming and socials"),
    ("Single d'été", "Make the summer single a TikTok trend"),
    ("Tournée des festivals", "Fill the festival dates and grow the live audience"),
    ("Lancement du clip", "Launch the music video: YouTube premiere and press"),
    ("Showcase parisien", "Sell out the Paris showcase and invite the industry"),
    ("Collab de marque", "Deliver the brand collaboration and report the reach"),
    ("Campagne Spotify", "Playlist pitching and Spotify Marquee"),
]
CAMPAIGN_KPIS = [
    ("Streams", 200_000, 5_000_000),
    ("New followers", 5_000, 150_000),
    ("Video views", 100_000, 3_000_000),
    ("Tickets sold", 300, 8_000),
    ("Press articles", 5, 40),
    ("Playlist adds", 20, 300),
]

# --- interactions: what people write, per language -----------------------------------------------------------

INTERACTION_TEXTS = {
    "fr": {
        "call": [
            "Appel avec {contact} : intéressé·e par {artist}, attend une proposition chiffrée.",
            "Point téléphonique sur le planning de {artist} pour la rentrée.",
            "Appel de relance {sponsor} : budget validé en interne, retour sous 15 jours.",
            "{contact} a rappelé : ils veulent décaler la date du tournage.",
        ],
        "email": [
            "Envoyé le media kit de {artist} à {contact}.",
            "Proposition envoyée à {sponsor} pour « {deal} ».",
            "Relance par e-mail : toujours pas de retour sur le devis.",
            "Reçu le brief créatif de {sponsor}, à partager avec le manager de {artist}.",
        ],
        "meeting": [
            "Rendez-vous chez {sponsor} : présentation de trois profils, {artist} retient l'attention.",
            "Rencontre avec {artist} au studio : très motivé·e, veut développer l'international.",
            "Déjeuner avec {contact} : ils préparent une campagne pour le printemps.",
            "Réunion de lancement « {deal} » avec toute l'équipe.",
        ],
        "note": [
            "{artist} prépare un EP pour l'automne, à suivre de près.",
            "Attention : {sponsor} ne veut pas de paroles explicites.",
            "Bonne dynamique sur TikTok pour {artist} ce mois-ci.",
            "Contrat reçu, en relecture chez l'avocat.",
        ],
        "message": [
            "Message WhatsApp de {contact} : ok pour jeudi 15 h.",
            "DM Instagram de {artist} : nouvelles dates de concert.",
            "SMS de {contact} : validation du visuel.",
        ],
    },
    "en": {
        "call": [
            "Call with {contact}: interested in {artist}, waiting for a priced proposal.",
            "Phone check-in about {artist}'s schedule for the autumn.",
            "Follow-up call with {sponsor}: budget approved internally, answer within two weeks.",
            "{contact} called back: they want to move the shoot date.",
        ],
        "email": [
            "Sent {artist}'s media kit to {contact}.",
            "Proposal sent to {sponsor} for “{deal}”.",
            "Follow-up e-mail: still no answer on the quote.",
            "Received {sponsor}'s creative brief, to share with {artist}'s manager.",
        ],
        "meeting": [
            "Meeting at {sponsor}: pitched three profiles, {artist} stood out.",
            "Met {artist} at the studio: very driven, wants to grow abroad.",
            "Lunch with {contact}: they are preparing a spring campaign.",
            "Kick-off meeting for “{deal}” with the whole team.",
        ],
        "note": [
            "{artist} is working on an EP for the autumn: keep an eye on it.",
            "Careful: {sponsor} wants no explicit lyrics.",
            "Strong TikTok momentum for {artist} this month.",
            "Contract received, with the lawyer for review.",
        ],
        "message": [
            "WhatsApp from {contact}: Thursday 3pm works.",
            "Instagram DM from {artist}: new tour dates.",
            "Text from {contact}: artwork approved.",
        ],
    },
}

BIOS = {
    "fr": [
        "{genre} venu·e de {city}, {name} mélange textes personnels et productions soignées.",
        "Révélé·e sur les réseaux, {name} fait partie de la nouvelle scène {genre} de {city}.",
        "{name} écume les scènes de {city} depuis cinq ans et prépare son premier album.",
        "Entre {genre} et influences du monde entier, {name} construit un univers très visuel.",
    ],
    "en": [
        "{genre} artist from {city}, {name} blends personal lyrics with polished production.",
        "Discovered online, {name} is part of {city}'s new {genre} scene.",
        "{name} has played every stage in {city} for five years and is now finishing a debut album.",
    ],
}

"""Words of the Planning demo data: what the agency's staff write on their boards and calendar, in the French
and English they mix at work. Placeholders: ``{artist}``, ``{city}``, ``{venue}``, ``{platform}``, ``{month}``,
``{sponsor}``, ``{n}``."""

from __future__ import annotations

# name → colour of the shared tags
LABELS = [
    ("mix", "#0d6efd"),
    ("mastering", "#6610f2"),
    ("artwork", "#d63384"),
    ("promo", "#fd7e14"),
    ("presse", "#20c997"),
    ("TikTok", "#212529"),
    ("Instagram", "#e83e8c"),
    ("YouTube", "#dc3545"),
    ("contrat", "#6f42c1"),
    ("budget", "#198754"),
    ("booking", "#0dcaf0"),
    ("logistique", "#6c757d"),
    ("captation", "#ffc107"),
    ("SACEM", "#495057"),
    ("distribution", "#0b5ed7"),
    ("sync", "#a855f7"),
]

# (name, colour, is_done, WIP limit at --scale 1 or None)
COLUMNS = [
    ("Backlog", "#adb5bd", False, None),
    ("To do", "#0dcaf0", False, None),
    ("In progress", "#0d6efd", False, 5),
    ("Review", "#ffc107", False, 4),
    ("Done", "#198754", True, None),
]
# share of a board's tasks per column (same order)
COLUMN_WEIGHTS = [22, 24, 10, 8, 36]

# board kind → (name pattern, colour, description, tags it uses most)
BOARD_KINDS = {
    "release": (
        "Release — {artist} EP",
        "#6f42c1",
        "Tout ce qu'il faut pour sortir l'EP de {artist} : mix, master, artwork, distribution, promo.",
        ["mix", "mastering", "artwork", "distribution", "promo", "presse"],
    ),
    "shoots": (
        "Shoots & clips",
        "#d63384",
        "Tournages des clips et shootings photo : repérages, équipe, matériel, montage.",
        ["captation", "logistique", "budget", "YouTube"],
    ),
    "live": (
        "Live shows",
        "#dc3545",
        "Concerts et showcases : booking, fiches techniques, transport, merch.",
        ["booking", "logistique", "budget", "contrat"],
    ),
    "label": (
        "Label ops",
        "#198754",
        "Label operations: contracts, royalties, SACEM declarations, sync requests.",
        ["contrat", "SACEM", "budget", "sync", "distribution"],
    ),
    "social": (
        "Social content",
        "#fd7e14",
        "Calendrier éditorial des réseaux : TikTok, Instagram, YouTube Shorts.",
        ["TikTok", "Instagram", "YouTube", "promo"],
    ),
}
DEMO_BOARD_KINDS = ["release", "shoots", "live", "label", "social"]
# names of the further boards at larger scales (the kind's tasks, another name)
MORE_BOARD_NAMES = {
    "release": [
        "Release — {artist} EP",
        "Release — {artist} album",
        "Single — {artist}",
        "Réédition — {artist}",
    ],
    "shoots": ["Clip — {artist}", "Shooting presse — {artist}", "Shoots & clips — {season}"],
    "live": ["Tournée {season} — {artist}", "Live shows — {city}", "Festivals {season}"],
    "label": ["Label ops — {season}", "Sync & licensing", "Royalties {season}"],
    "social": ["Social content — {artist}", "TikTok — {artist}", "Newsletter & fan club"],
}
SEASONS = ["printemps", "été", "automne", "hiver", "Q1", "Q2", "Q3", "Q4"]

TASK_TITLES = {
    "release": [
        "Valider le mix final de « {song} »",
        "Envoyer les stems au mastering",
        "Mastering : retours de {artist}",
        "Brief artwork pour la cover",
        "Valider la cover (3000×3000, sans texte flou)",
        "Upload sur la distrib (DistroKid) + métadonnées",
        "ISRC pour les {n} titres",
        "Pitch Spotify editorial — deadline J-21",
        "Plan promo radio (FIP, Nova, Mouv')",
        "Dossier de presse FR/EN",
        "Teaser 15 s pour les réseaux",
        "Pre-save link + landing page",
        "Listening session avec le label",
        "Crédits et split sheets signés",
        "Vinyl test pressing check",
        "Release party : trouver la salle",
        "Lyrics sur Genius et Musixmatch",
        "Canvas Spotify pour « {song} »",
        "Send promo copies to blogs",
        "Review streaming figures week 1",
    ],
    "shoots": [
        "Repérages pour le clip de « {song} »",
        "Casting figurants",
        "Devis loueur caméra (FX6 + optiques)",
        "Call sheet du tournage à {city}",
        "Autorisation de tournage mairie",
        "Réserver le studio photo",
        "Moodboard et références",
        "Première passe de montage",
        "Étalonnage final",
        "Sous-titres FR/EN",
        "BTS photos for Instagram",
        "Export vertical 9:16 pour TikTok",
        "Assurance tournage",
        "Catering pour l'équipe (12 pers.)",
        "Feedback du réal sur le V2",
        "Upload YouTube + premiere",
    ],
    "live": [
        "Confirmer la date à {venue}",
        "Fiche technique à jour",
        "Backline : louer les claviers",
        "Réserver le train {city} A/R",
        "Hôtel pour 6 personnes à {city}",
        "Balances : horaires avec le régisseur",
        "Setlist définitive",
        "Merch : commander les t-shirts",
        "Guest list",
        "Contrat de cession signé",
        "Advance the show with the promoter",
        "Visuels de l'affiche",
        "Billetterie : point ventes",
        "Feuille de route (road book)",
        "Settle the fee after the show",
    ],
    "label": [
        "Relevé de royalties {month}",
        "Déclaration SACEM des titres de {artist}",
        "Renouvellement du contrat de {artist}",
        "Demande de sync : pub {sponsor}",
        "Facturer {sponsor}",
        "Point avocat sur l'avenant",
        "Budget marketing T{n}",
        "Audit des métadonnées du catalogue",
        "Réponse à la SPPF",
        "Quarterly report for the board",
        "Clearance sample pour « {song} »",
        "Relancer les paiements en retard",
        "Update the artist roster deck",
    ],
    "social": [
        "Planning éditorial de la semaine",
        "Tournage de 3 TikToks avec {artist}",
        "Réponses aux commentaires du live",
        "Carrousel Instagram : annonce de la tournée",
        "Story countdown J-7",
        "YouTube Shorts : extrait du concert",
        "Collab TikTok avec {artist}",
        "Jeu concours : 2 places pour {venue}",
        "Stats du mois dernier",
        "Nouvelle bio pour tous les réseaux",
        "Reel « une journée en studio »",
        "Trend audit: what works on TikTok this month",
        "Caption FR/EN pour le post de sortie",
    ],
}

SONGS = [
    "Minuit passé",
    "Lumière bleue",
    "Ciel de craie",
    "Paris la nuit",
    "Sans détour",
    "Velours",
    "Summer Tapes",
    "Golden Hour",
    "Désordre",
    "Ligne 7",
    "Kaléidoscope",
    "Nos étés",
    "Afterglow",
    "Marée haute",
    "Boulevard",
]

DESCRIPTIONS = [
    "**Objectif :** {goal}\n\n- Voir avec {artist} avant vendredi\n- Mettre à jour le doc partagé\n\n"
    "_Deadline ferme, la distrib ne décale pas._",
    "Context: {goal}.\n\n1. Check the brief\n2. Ask for quotes\n3. Share the shortlist in the channel\n\n"
    "See the notes from last week's meeting.",
    "{goal}.\n\n> Attention : budget max 1 500 € HT.\n\nContact : régie de {venue}.",
    "## À faire\n\n- [ ] {goal}\n- [ ] envoyer le récap à l'équipe\n\nLien : https://drive.example/mona-spark",
    "{goal} — **priorité** avant la sortie.\n\nRéférences : `moodboard_v3.pdf`, les retours de {artist}.",
    "Quick one: {goal}. Ping me if anything blocks.",
]
GOALS = [
    "boucler la version finale",
    "avoir toutes les validations",
    "tenir le rétroplanning",
    "get sign-off from the label",
    "préparer le point de lundi",
    "caler les dates avec le management",
    "make sure the assets are delivered in time",
    "rester dans le budget",
]

CHECKLISTS = [
    ["Brief envoyé", "Devis reçus", "Devis validé", "Bon de commande"],
    ["V1", "Retours artiste", "V2", "Validation finale"],
    ["Métadonnées", "Artwork", "Audio WAV 24 bits", "Date de sortie", "Territoires"],
    ["Réserver", "Confirmer par mail", "Envoyer la facture"],
    ["Draft", "Review", "Publish", "Share stats"],
    ["Billets de train", "Hôtel", "Per diem", "Road book"],
    ["Fiche technique", "Plan de scène", "Patch list"],
]

COMMENTS = [
    "@{mention} tu peux valider avant ce soir ?",
    "C'est envoyé, j'attends le retour de {artist}.",
    "@{mention} can you double-check the figures?",
    "Le devis est arrivé : 1 200 € HT, ça passe.",
    "Décalé à la semaine prochaine, le studio n'est pas dispo.",
    "Done on my side 👍",
    "@{mention} j'ai mis les fichiers dans le drive.",
    "On attend toujours le contrat signé.",
    "Looks good to me, merging into the release plan.",
    "@{mention} @{mention2} point rapide demain 10 h ?",
]

# Event kind → (title patterns, typical hours (start, end) local, weight)
EVENT_KINDS = {
    "concert": (["Concert — {artist} @ {venue}", "{artist} en concert", "Showcase {artist}"], (20, 23), 24),
    "shoot": (
        ["Tournage clip « {song} » — {artist}", "Shooting photo {artist}", "Captation live {artist}"],
        (9, 18),
        18,
    ),
    "meeting": (
        [
            "Point {artist} / management",
            "Réunion budget {month}",
            "Rendez-vous {sponsor}",
            "Call with the label",
            "Brief créa — {artist}",
        ],
        (10, 12),
        26,
    ),
    "release": (["Sortie — {artist} « {song} »", "Release day: {artist}"], None, 10),
    "live": (
        ["Live Twitch — {artist}", "Session live Instagram {artist}", "Live YouTube : écoute de l'EP"],
        (19, 21),
        14,
    ),
    "other": (["Studio — {artist}", "Interview radio {artist}", "Salon MaMA Festival"], (14, 17), 8),
}

# city → venues (name, address)
VENUES = {
    "Paris": [
        ("La Cigale", "120 boulevard de Rochechouart, 75018 Paris"),
        ("Le Trabendo", "211 avenue Jean-Jaurès, 75019 Paris"),
        ("La Maroquinerie", "23 rue Boyer, 75020 Paris"),
        ("Le Bataclan", "50 boulevard Voltaire, 75011 Paris"),
        ("Studio Ferber", "56 rue Capitaine Ferber, 75020 Paris"),
        ("Bureaux MONA × SPARK", "14 rue de Paradis, 75010 Paris"),
    ],
    "Lyon": [
        ("Le Transbordeur", "3 boulevard de Stalingrad, 69100 Villeurbanne"),
        ("Le Sucre", "50 quai Rambaud, 69002 Lyon"),
        ("Ninkasi Gerland", "267 rue Marcel Mérieux, 69007 Lyon"),
    ],
    "Marseille": [
        ("Le Dôme", "48 avenue de Saint-Just, 13004 Marseille"),
        ("L'Affranchi", "212 boulevard de Saint-Marcel, 13011 Marseille"),
        ("Le Makeda", "103 rue Ferrari, 13005 Marseille"),
    ],
}
OFFICE = ("Bureaux MONA × SPARK", "14 rue de Paradis, 75010 Paris")

EVENT_NOTES = [
    "Arrivée de l'équipe 2 h avant. **Balances à 17 h.**",
    "Bring the signed release forms.",
    "Parking réservé pour le camion (badge à l'accueil).",
    "Ordre du jour :\n\n1. Planning des sorties\n2. Budget\n3. Divers",
    "",
    "",
]

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

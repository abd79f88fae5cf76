/// Given and family names per culture.
///
/// Campaign personalisation, sorting and e-mail normalisation all break first on non-ASCII names, so
/// the lists deliberately mix plain names with accents, umlauts, macrons, apostrophes, particles and
/// spaces ("João", "Zoë", "Müller", "O'Brien", "de Jong", "Al Mansoori").
struct SampleNames: Sendable {
    let first: [String]
    let last: [String]

    static let english = SampleNames(
        first: ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "William", "Sophia", "Benjamin", "Isabella",
                "Lucas", "Mia", "Henry", "Amelia", "Zoë", "Owen", "Grace", "Jack", "Harper", "Ethan",
                "Charlotte", "Renée", "Daniel", "Chloe", "Samuel", "Evelyn", "Aaliyah", "Mateo"],
        last: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson", "Taylor",
               "Anderson", "Thomas", "O'Brien", "Evans", "Clarke", "Hughes", "Wright", "Lee", "Martin", "Patel",
               "Nguyen", "Thompson", "Robinson", "Walker", "Young", "Campbell", "Cooper", "Morgan"])

    static let irish = SampleNames(
        first: ["Seán", "Aoife", "Siobhán", "Niamh", "Ciarán", "Oisín", "Saoirse", "Conor", "Róisín", "Darragh",
                "Cian", "Éabha", "Fionn", "Clodagh", "Pádraig", "Orla", "Jack", "Emily"],
        last: ["Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "O'Brien", "McCarthy", "Doyle", "Ryan",
               "O'Connor", "Kennedy", "Lynch", "Ní Bhriain", "Ó Súilleabháin", "Fitzgerald", "Quinn"])

    static let french = SampleNames(
        first: ["Camille", "Léa", "Chloé", "Manon", "Inès", "Louise", "Jules", "Hugo", "Théo", "Raphaël",
                "Gabriel", "Noé", "Éloïse", "Zoé", "Arthur", "Mathéo", "Hélène", "François", "Amélie", "Jérôme",
                "Anaïs", "Maëlle", "Océane", "Benoît", "Jean-Baptiste", "Marie-Claire"],
        last: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
               "Lefèvre", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Chevalier", "Faure",
               "Gauthier", "Mercier", "Bouchard", "Lemaître", "Tremblay", "Gagnon", "Côté", "Bélanger"])

    static let german = SampleNames(
        first: ["Lukas", "Leon", "Finn", "Jonas", "Lena", "Mia", "Hannah", "Emma", "Sophie", "Jürgen",
                "Jörg", "Björn", "Günter", "Käthe", "Zoë", "Lea", "Maximilian", "Felix", "Anna", "Jannik",
                "Lotte", "Mats", "Ömer", "Elif"],
        last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
               "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
               "Schwarz", "Zimmermann", "Krüger", "Köhler", "Weiß", "Groß", "Yılmaz", "von Aachen"])

    static let portuguese = SampleNames(
        first: ["João", "Maria", "Ana", "Beatriz", "Inês", "Tomás", "Rodrigo", "Francisco", "Afonso", "Leonor",
                "Matilde", "Gonçalo", "Duarte", "Mariana", "Carolina", "Diogo", "Sebastião", "Constança",
                "Simão", "Lourenço", "Mafalda", "Salomé"],
        last: ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus",
               "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro",
               "Pinto", "Conceição", "Simões", "Magalhães", "Brandão", "Gusmão"])

    static let brazilian = SampleNames(
        first: ["Miguel", "Arthur", "Heitor", "Helena", "Alice", "Laura", "Valentina", "Enzo", "Davi", "Théo",
                "Lívia", "Lúcia", "Júlia", "Cecília", "Pedro", "Gabriel", "Bernardo", "Sophia", "Manuela",
                "João Pedro", "Maria Eduarda", "Luíza", "Vitória", "Caio"],
        last: ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima",
               "Gomes", "Ribeiro", "Carvalho", "Araújo", "Melo", "Barbosa", "Cardoso", "Rocha", "Nascimento",
               "Conceição", "Assunção", "Guimarães", "Sá", "Damasceno"])

    static let spanish = SampleNames(
        first: ["Lucía", "Sofía", "Martina", "María", "Paula", "Hugo", "Martín", "Pablo", "Alejandro", "Álvaro",
                "Daniel", "Mateo", "Valeria", "Jimena", "Andrés", "José", "Inés", "Íñigo", "Begoña", "Nuria",
                "Jordi", "Núria", "Ainhoa", "Óscar"],
        last: ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
               "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero",
               "Navarro", "Ortega", "Castillo", "Ibáñez", "Puig", "Etxeberria", "García-López"])

    static let mexican = SampleNames(
        first: ["Santiago", "Sebastián", "Ximena", "Regina", "Diego", "Guadalupe", "Fernanda", "Emiliano", "Renata",
                "José Luis", "María José", "Itzel", "Cuauhtémoc", "Valentina", "Leonardo", "Camila", "Andrés"],
        last: ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
               "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Ortiz",
               "De la Cruz"])

    static let italian = SampleNames(
        first: ["Francesco", "Alessandro", "Leonardo", "Lorenzo", "Mattia", "Sofia", "Giulia", "Aurora", "Alice",
                "Ginevra", "Niccolò", "Gianluca", "Chiara", "Martina", "Andrea", "Federica", "Nicolò", "Beatrice"],
        last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
               "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi",
               "Moretti", "D'Angelo", "Cantù", "Santoro"])

    static let dutch = SampleNames(
        first: ["Daan", "Sem", "Lucas", "Levi", "Finn", "Emma", "Julia", "Tess", "Sophie", "Mila", "Anouk", "Sanne",
                "Bram", "Thijs", "Fenna", "Joëlle", "Noël", "Chloë"],
        last: ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
               "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van 't Hof"])

    static let japanese = SampleNames(
        first: ["Haruto", "Sōta", "Yūto", "Minato", "Riku", "Ren", "Yui", "Himari", "Mei", "Sakura", "Aoi", "Hina",
                "Yūki", "Ryōta", "Kenji", "Akiko", "Naomi", "Takumi", "Shōhei", "Kōji"],
        last: ["Satō", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Itō", "Yamamoto", "Nakamura", "Kobayashi",
               "Katō", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi",
               "Shimizu", "Ōno"])

    static let emirati = SampleNames(
        first: ["Mohammed", "Ahmed", "Fatima", "Aisha", "Omar", "Khalid", "Mariam", "Hessa", "Saeed", "Layla",
                "Rashid", "Noura", "Hamdan", "Shamma", "Sultan", "Maitha"],
        last: ["Al Mansoori", "Al Hashimi", "Al Nuaimi", "Al Mazrouei", "Al Suwaidi", "Al Dhaheri", "Al Ketbi",
               "Al Shamsi", "Al Falasi", "Bin Zayed", "Haddad", "Al Marzooqi"])
}

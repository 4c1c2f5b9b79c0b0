//! Outlet furniture: invented outlet and wire names, reporters, dateline cities, and the
//! boilerplate blocks (newsletter pitches, disclaimers, "most popular" lists, comment
//! policies). None of this is news prose; it is written here as generic site furniture so that
//! every outlet's blocks are realistic and its own (outlet name, town, domain and phone number
//! are filled in, and each outlet draws its own mix of variants).

use crate::hash::SplitMix64;

/// Town names for invented outlets (fictional or generic; no real newspaper is meant).
const PLACES: &[&str] = &[
    "Lakeside",
    "Harbor City",
    "Millbrook",
    "Cedar Falls",
    "Riverton",
    "Pine Valley",
    "Westfield",
    "Granite Bay",
    "Oakridge",
    "Fairhaven",
    "Brookside",
    "Elmwood",
    "Maple Grove",
    "Stonebridge",
    "Clearwater",
    "Redfield",
    "Ashford",
    "Bayview",
    "Northgate",
    "Silver Lake",
    "Kingsport",
    "Willow Creek",
    "Eastborough",
    "Highland Park",
    "Copper Springs",
    "Marlow",
    "Dunmore",
    "Greenhill",
    "Port Ellis",
    "Sandford",
    "Thornbury",
    "Hollis Bay",
    "Larkspur",
    "Foxborough Mills",
    "Cold Harbor",
    "Wrenfield",
    "Alder Point",
    "Bramwell",
    "Carver Heights",
    "Juniper Ridge",
];

/// Masthead words, combined with a town: "The Lakeside Courier".
const MASTHEADS: &[&str] = &[
    "Courier",
    "Gazette",
    "Herald",
    "Tribune",
    "Chronicle",
    "Post",
    "Ledger",
    "Sentinel",
    "Observer",
    "Journal",
    "Times",
    "Daily News",
    "Examiner",
    "Register",
    "Star",
    "Bulletin",
    "Record",
    "Advocate",
    "Telegraph",
    "Leader",
];

/// Invented wire services (source names of wire originals).
pub(super) const WIRES: &[&str] = &[
    "Meridian Press",
    "Continental Wire",
    "Atlas News Agency",
    "Pacific Newswire",
    "Northern Press Association",
];

/// Dateline cities, in the capitals wires use. Not tied to the story's content.
pub(super) const CITIES: &[&str] = &[
    "WASHINGTON",
    "NEW YORK",
    "LONDON",
    "BERLIN",
    "PARIS",
    "BRUSSELS",
    "MOSCOW",
    "BEIJING",
    "TOKYO",
    "DUBLIN",
    "GENEVA",
    "ROME",
    "MADRID",
    "ISTANBUL",
    "CAIRO",
    "NEW DELHI",
    "SYDNEY",
    "TORONTO",
    "MEXICO CITY",
    "JOHANNESBURG",
    "LOS ANGELES",
    "CHICAGO",
    "NAIROBI",
    "DOHA",
];

pub(super) const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const FIRST_NAMES: &[&str] = &[
    "Jane", "Michael", "Amira", "David", "Sofia", "Daniel", "Priya", "Thomas", "Elena", "James",
    "Grace", "Omar", "Hannah", "Lucas", "Mei", "Patrick", "Nadia", "Robert", "Claire", "Samuel",
    "Fatima", "Peter", "Laura", "Kenji", "Rachel", "Diego", "Anna", "Marcus", "Ingrid", "Tomas",
    "Leila", "Brian", "Yuki", "Helen", "Victor", "Sarah", "Ahmed", "Julia", "Kwame", "Maria",
];

const LAST_NAMES: &[&str] = &[
    "Doe",
    "Okafor",
    "Lindqvist",
    "Moreno",
    "Chen",
    "Brennan",
    "Haddad",
    "Kowalski",
    "Nakamura",
    "Petrov",
    "Alvarez",
    "Whitaker",
    "Singh",
    "Fischer",
    "O'Neill",
    "Rossi",
    "Dubois",
    "Mensah",
    "Larsen",
    "Novak",
    "Kimura",
    "Abbott",
    "Castillo",
    "Weber",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Murphy",
    "Sato",
    "Walsh",
    "Bauer",
    "Costa",
    "Farouk",
    "Gallagher",
    "Holm",
    "Lopez",
    "Mbeki",
    "Park",
    "Quinn",
    "Reyes",
];

/// Speaker roles for inserted quotes ("…," said Maria Lopez, a spokeswoman for the ministry.).
pub(super) const ROLES: &[&str] = &[
    "a spokeswoman for the ministry",
    "a spokesman for the agency",
    "an analyst who follows the issue",
    "a senior official who asked not to be named",
    "a professor of political science",
    "a local resident",
    "a lawyer involved in the case",
    "a member of the committee",
];

/// A random "First Last" name.
pub(super) fn person(rng: &mut SplitMix64) -> String {
    let f = FIRST_NAMES[rng.below(FIRST_NAMES.len() as u64) as usize];
    let l = LAST_NAMES[rng.below(LAST_NAMES.len() as u64) as usize];
    format!("{f} {l}")
}

/// An invented outlet: name, URL slug (id prefix), town and domain.
pub(super) struct Masthead {
    pub name: String,
    pub slug: String,
    pub place: &'static str,
    pub domain: String,
}

/// `n` distinct outlet names in a seeded order. Beyond the 800 town × masthead combinations,
/// names get an edition number.
pub(super) fn mastheads(n: usize, rng: &mut SplitMix64) -> Vec<Masthead> {
    let combos = PLACES.len() * MASTHEADS.len();
    let mut order: Vec<usize> = (0..combos).collect();
    shuffle(&mut order, rng);
    (0..n)
        .map(|i| {
            let c = order[i % combos];
            let place = PLACES[c / MASTHEADS.len()];
            let mast = MASTHEADS[c % MASTHEADS.len()];
            let edition = i / combos;
            let mut name = format!("The {place} {mast}");
            let mut slug = slugify(&format!("{place} {mast}"));
            if edition > 0 {
                name.push_str(&format!(" (Edition {})", edition + 1));
                slug.push_str(&format!("-e{}", edition + 1));
            }
            let domain = format!("{}.com", slug.replace('-', ""));
            Masthead {
                name,
                slug,
                place,
                domain,
            }
        })
        .collect()
}

/// Lower-case ASCII letters and digits, other runs replaced by one `-`.
pub(super) fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Fisher-Yates with the given generator.
pub(super) fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

const TOP_BLOCKS: &[&[&str]] = &[
    &["Subscribe to the morning newsletter from {outlet} and get the day's top stories from {place} delivered to your inbox before breakfast."],
    &["This article is free to read. Independent local journalism depends on readers like you: become a member of {outlet} today at {domain}/join."],
    &["Sign up for breaking news alerts from {outlet} and never miss a story that matters to {place}."],
    &[
        "You are reading the digital edition of {outlet}. Subscribers get unlimited access to every story, the e-paper and our archive.",
        "Already a subscriber? Log in at {domain} to keep reading without interruptions.",
    ],
    &["Get our free weekly briefing on {place} politics, schools and business: sign up at {domain}/newsletters."],
];

const DISCLAIMERS: &[&str] = &[
    "© {year} {outlet}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without written permission.",
    "Copyright {year} {outlet}, a member of the {place} Media Group. All rights reserved. Reproduction in whole or in part without permission is prohibited.",
    "The views expressed in reader comments and opinion columns are those of their authors and do not necessarily reflect the views of {outlet} or its owners.",
    "This story was edited by the newsroom of {outlet}. Wire copy may have been shortened for length and adapted to our house style.",
];

const COMMENT_POLICIES: &[&str] = &[
    "Comments are moderated and may take up to 24 hours to appear. Please keep the conversation civil and on topic; personal attacks, profanity and spam will be removed.",
    "We welcome your comments. Read our community guidelines at {domain}/community before posting, and report abuse to moderators@{domain}.",
    "Comments on this story close after 72 hours. Subscribers can continue the discussion in the reader forum of {outlet}.",
];

const CONTACTS: &[&str] = &[
    "Have a news tip? Email newsroom@{domain} or call {phone}. You can also reach our editors confidentially through the secure form at {domain}/tips.",
    "Spotted an error in this story? Contact the corrections desk at corrections@{domain}. {outlet} is committed to accurate reporting and corrects mistakes promptly.",
    "Follow {outlet} on social media for breaking news from {place} and beyond, and download our free app to get alerts on your phone.",
];

const POPULAR_HEADINGS: &[&str] = &[
    "Most popular on {outlet}",
    "Trending now in {place}",
    "Readers' picks this week from {outlet}",
];

const LOCAL_HEADLINES: &[&str] = &[
    "{place} council approves budget for road repairs",
    "High school robotics team heads to state finals",
    "New bakery opens on Main Street after two-year renovation",
    "Police ask for help finding missing hiker near the {place} reservoir",
    "Library extends weekend hours for exam season",
    "Farmers market returns to the town square in May",
    "Water main break closes part of Elm Street overnight",
    "Local hospital names new chief of surgery",
    "Youth soccer league looks for volunteer coaches",
    "Historic theater to reopen after kitchen fire",
    "School board delays vote on later start times",
    "{place} marathon draws record number of runners",
    "County fair announces headline acts for summer",
    "Bridge inspection finds no structural damage",
    "Animal shelter waives adoption fees this weekend",
    "Developer unveils plans for riverside apartments",
    "Snowplow drivers praised after overnight storm",
    "Retired teacher celebrates 100th birthday with former pupils",
];

fn fill(t: &str, m: &Masthead, phone: &str, year: u32) -> String {
    t.replace("{outlet}", &m.name)
        .replace("{place}", m.place)
        .replace("{domain}", &m.domain)
        .replace("{phone}", phone)
        .replace("{year}", &year.to_string())
}

/// A top block (1-2 paragraphs) for an outlet.
pub(super) fn top_block(m: &Masthead, rng: &mut SplitMix64) -> Vec<String> {
    let t = TOP_BLOCKS[rng.below(TOP_BLOCKS.len() as u64) as usize];
    let phone = phone(rng);
    t.iter().map(|p| fill(p, m, &phone, 2024)).collect()
}

/// A bottom block of 1-4 paragraphs: a seeded mix of a disclaimer, a "most popular" list, a
/// comment policy and a contact line.
pub(super) fn bottom_block(m: &Masthead, rng: &mut SplitMix64) -> Vec<String> {
    let phone = phone(rng);
    let pick =
        |list: &[&'static str], rng: &mut SplitMix64| list[rng.below(list.len() as u64) as usize];
    let target = 1 + rng.below(4) as usize;
    let mut kinds = [0usize, 1, 2, 3];
    shuffle(&mut kinds, rng);
    let mut out: Vec<String> = Vec::new();
    for k in kinds {
        if out.len() >= target {
            break;
        }
        match k {
            0 => out.push(fill(pick(DISCLAIMERS, rng), m, &phone, 2024)),
            1 => out.push(fill(pick(COMMENT_POLICIES, rng), m, &phone, 2024)),
            2 => out.push(fill(pick(CONTACTS, rng), m, &phone, 2024)),
            _ => {
                // A list: a heading and up to three numbered items, as separate paragraphs,
                // or one paragraph when the block has no room.
                let room = target - out.len();
                let heading = fill(pick(POPULAR_HEADINGS, rng), m, &phone, 2024);
                let mut items: Vec<usize> = (0..LOCAL_HEADLINES.len()).collect();
                shuffle(&mut items, rng);
                if room >= 3 {
                    out.push(format!("{heading}:"));
                    for (n, &i) in items.iter().take(room.min(4) - 1).enumerate() {
                        out.push(format!(
                            "{}. {}",
                            n + 1,
                            fill(LOCAL_HEADLINES[i], m, &phone, 2024)
                        ));
                    }
                } else {
                    let list: Vec<String> = items[..3]
                        .iter()
                        .map(|&i| fill(LOCAL_HEADLINES[i], m, &phone, 2024))
                        .collect();
                    out.push(format!("{heading}: {}.", list.join(" | ")));
                }
            }
        }
    }
    out
}

/// The bottom block of a wire service.
pub(super) fn wire_block(wire: &str) -> Vec<String> {
    vec![format!(
        "Copyright 2024 {wire}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."
    )]
}

fn phone(rng: &mut SplitMix64) -> String {
    format!("555-01{:02}", rng.below(100))
}

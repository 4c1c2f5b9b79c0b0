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

/// Framings of a shared statement ([`statement`]).
pub(super) const STATEMENT_FORMS: u64 = 5;

/// A quote-sharing story's paragraph quoting the shared statement in framing `form` (every
/// framing has " said ", the statement is kept word for word).
pub(super) fn statement(quote: &str, speaker: &str, form: u64) -> String {
    match form % STATEMENT_FORMS {
        0 => format!("In a statement, {speaker}, said: \"{quote}\""),
        1 => format!("{speaker}, said on social media: \"{quote}\""),
        2 => format!("\"{quote}\" {speaker}, said in a statement."),
        3 => format!("{speaker}, said in a post on X: \"{quote}\""),
        _ => format!("Asked about it, {speaker}, said: \"{quote}\""),
    }
}

/// Which page furniture an outlet shows and in which formats; each kind is shown on a share of
/// its pages.
pub(super) struct PageStyle {
    /// Per kind (caption, related, timestamp, counter, byline): share of pages showing it.
    rates: [f64; 5],
    /// Per kind: the outlet's format.
    formats: [u8; 5],
    /// Related links after a body paragraph (else at the bottom).
    related_inline: bool,
    /// Counters at the top (else at the bottom).
    counter_top: bool,
    /// A second timestamp line for updates.
    updated: bool,
}

impl PageStyle {
    /// A seeded style: each kind used with probability 0.6 (at least one), on 50-100% of
    /// pages.
    pub(super) fn new(rng: &mut SplitMix64) -> PageStyle {
        let mut rates = [0.0; 5];
        for r in &mut rates {
            if rng.unit() < 0.6 {
                *r = 0.5 + 0.5 * rng.unit();
            }
        }
        if rates.iter().all(|&r| r == 0.0) {
            rates[rng.below(5) as usize] = 0.8;
        }
        let formats = [0; 5].map(|_: u8| rng.below(4) as u8);
        PageStyle {
            rates,
            formats,
            related_inline: rng.unit() < 0.6,
            counter_top: rng.unit() < 0.5,
            updated: rng.unit() < 0.5,
        }
    }
}

/// What a page's furniture is made from.
pub(super) struct PageContext<'a> {
    /// The article's time, minutes after the feed's start.
    pub minute: u64,
    pub outlet: &'a str,
    /// The story's first paragraphs (captions name who is in them).
    pub story: Vec<&'a str>,
    /// A place for captions (the dateline city, title-cased), if any.
    pub place: Option<String>,
    pub staff: &'a [String],
    /// Headlines of other stories, for related links.
    pub related: Vec<&'a str>,
    /// Body paragraphs (in-body lines go after one of them).
    pub paragraphs: usize,
}

/// A page's furniture lines, by kind: before the body, after body paragraph `i`, after the
/// body.
#[derive(Default)]
pub(super) struct PageLines {
    pub top: Vec<(&'static str, String)>,
    pub inner: Vec<(usize, &'static str, String)>,
    pub bottom: Vec<(&'static str, String)>,
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

const CAPTION_VERBS: &[&str] = &[
    "speaks to reporters",
    "speaks during a news conference",
    "arrives for a meeting",
    "looks on",
    "attends a ceremony",
    "is pictured",
    "addresses supporters",
    "walks to a meeting",
    "waves to the crowd",
    "listens to a question",
];

const PHOTO_AGENCIES: &[&str] = &[
    "Meridian Press",
    "Continental Wire",
    "Atlas News Agency",
    "Pacific Newswire",
];

/// (year, month 1-12, day, weekday 0 = Sunday, hour, minute) of a feed minute.
fn clock(minute: u64) -> (i64, u32, u32, usize, u64, u64) {
    let day = super::text::START_DAY + (minute / 1440) as i64;
    let (y, m, d) = super::text::civil(day);
    let wd = (day + 4).rem_euclid(7) as usize;
    let mm = minute % 1440;
    (y, m, d, wd, mm / 60, mm % 60)
}

fn twelve(h: u64) -> (u64, &'static str) {
    let h12 = if h.is_multiple_of(12) { 12 } else { h % 12 };
    (h12, if h < 12 { "AM" } else { "PM" })
}

/// `1204` as `1,204`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn timestamp(minute: u64, format: u8, prefix: &str) -> String {
    let (y, m, d, wd, h, mi) = clock(minute);
    let month = MONTHS[m as usize - 1];
    let (h12, ampm) = twelve(h);
    match format {
        0 => format!("{prefix}{} {d}, {y} {h12}:{mi:02} {ampm}", &month[..3]),
        1 => format!(
            "{prefix}{month} {d}, {y} at {h12}:{mi:02} {}",
            if h < 12 { "a.m." } else { "p.m." }
        ),
        2 => format!("{prefix}{m:02}/{d:02}/{y} {h:02}:{mi:02} GMT"),
        _ => format!(
            "{prefix}{} {d} {month} {y} {h:02}.{mi:02} GMT",
            WEEKDAYS[wd]
        ),
    }
}

fn pick<'a>(list: &[&'a str], rng: &mut SplitMix64) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

/// The furniture of one page (all of it differs from page to page: times, counts, other
/// stories' headlines, the story's own names).
pub(super) fn page_lines(style: &PageStyle, cx: &PageContext, rng: &mut SplitMix64) -> PageLines {
    let mut out = PageLines::default();
    let show: Vec<bool> = style.rates.iter().map(|&r| rng.unit() < r).collect();
    let [f_caption, f_related, f_time, f_counter, f_byline] = style.formats;
    if show[2] {
        let prefix = ["Published ", "", "Posted: ", ""][usize::from(f_time)];
        out.top
            .push(("timestamp", timestamp(cx.minute, f_time, prefix)));
        if style.updated && rng.unit() < 0.6 {
            let later = cx.minute + 5 + rng.below(715);
            let (_, _, _, _, h, mi) = clock(later);
            let (h12, ampm) = twelve(h);
            let line = if f_time % 2 == 0 {
                format!("Updated {h12}:{mi:02} {ampm} GMT")
            } else {
                timestamp(later, f_time, "Last updated: ")
            };
            out.top.push(("timestamp", line));
        }
    }
    if show[4] && !cx.staff.is_empty() {
        let who = &cx.staff[rng.below(cx.staff.len() as u64) as usize];
        let (y, m, d, _, h, mi) = clock(cx.minute);
        let (h12, ampm) = twelve(h);
        let month = MONTHS[m as usize - 1];
        let line = match f_byline {
            0 => format!("Posted by {who} at {h12}:{mi:02} {ampm}"),
            1 => format!(
                "By {} | {} {d}, {y} {h12}:{mi:02} {ampm}",
                who.to_uppercase(),
                &month[..3]
            ),
            2 => format!("{who}, {} | {month} {d}, {y}", cx.outlet),
            _ => format!("By {who} | {h:02}:{mi:02}, {d} {month} {y}"),
        };
        out.top.push(("byline", line));
    }
    if show[3] {
        let comments = (rng.unit() * rng.unit() * 400.0) as u64;
        let shares = (rng.unit().powi(3) * 25_000.0) as u64;
        let line = match f_counter {
            0 => format!("{} shares", thousands(shares)),
            1 => format!("View Comments ({comments})"),
            2 => format!("{comments} Comments | {} Shares", thousands(shares)),
            _ => format!("Share this article: {} shares", thousands(shares)),
        };
        if style.counter_top {
            out.top.push(("counter", line));
        } else {
            out.bottom.push(("counter", line));
        }
    }
    if show[0] && cx.paragraphs >= 2 {
        let (_, m, d, wd, _, _) = clock(cx.minute.saturating_sub(rng.below(3) * 1440));
        let month = MONTHS[m as usize - 1];
        let verb = pick(CAPTION_VERBS, rng);
        let photog = person(rng);
        let place = cx
            .place
            .clone()
            .unwrap_or_else(|| title_case(pick(CITIES, rng)));
        let wire = pick(PHOTO_AGENCIES, rng);
        let names = names(cx.story.iter().copied());
        let line = match names.get(rng.below(names.len().max(1) as u64) as usize) {
            Some(name) => {
                let day = WEEKDAYS[wd];
                let outlet = cx.outlet;
                match f_caption {
                    0 => format!("{name} {verb} in {place} on {day}. ({wire} Photo/{photog})"),
                    1 => format!("{name} {verb} on {day}, {month} {d}. Photo: {photog} / {outlet}"),
                    2 => format!(
                        "FILE - {name} {verb} in {place}, {month} {d}, 2023. \
                         ({wire} Photo/{photog}, File)"
                    ),
                    _ => format!("{name} {verb}. (Photo by {photog})"),
                }
            }
            None => format!(
                "A view of {place} on {}. ({wire} Photo/{photog})",
                WEEKDAYS[wd]
            ),
        };
        // After the lead or the paragraph after it, as pages put the top image.
        let at = rng.below(2.min(cx.paragraphs as u64 - 1)) as usize;
        out.inner.push((at, "caption", line));
    }
    if show[1] && !cx.related.is_empty() {
        let k = (1 + rng.below(2) as usize).min(cx.related.len());
        for &t in &cx.related[..k] {
            let line = match (f_related + rng.below(2) as u8) % 5 {
                0 => format!("Related: {t}"),
                1 => format!("Read more: {t}"),
                2 => format!("RELATED: {t}"),
                3 => format!("More from {}: {t}", cx.outlet),
                _ => format!("Also read: {t}"),
            };
            if style.related_inline && cx.paragraphs >= 4 {
                let at = 1 + rng.below(cx.paragraphs as u64 - 2) as usize;
                out.inner.push((at, "related", line));
            } else {
                out.bottom.push(("related", line));
            }
        }
    }
    out.inner.sort_by_key(|x| x.0);
    out
}

/// `NEW YORK` as `New York`.
pub(super) fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_string() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that start sentences or name no one, so runs starting with them are not names.
const NOT_NAMES: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "This",
    "That", "If", "As", "For", "His", "Her", "Its", "Their", "When", "While", "After", "Before",
];

/// Names for captions: runs of 2-3 capitalised words (`Donald Trump`, `European Union`) not
/// at a sentence start, in order of appearance, at most 5.
pub(super) fn names<'a>(paragraphs: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    for p in paragraphs {
        let words: Vec<(usize, &str)> = p
            .split(' ')
            .scan(0usize, |pos, w| {
                let at = *pos;
                *pos += w.len() + 1;
                Some((at, w))
            })
            .collect();
        let cap = |w: &str| {
            let mut c = w.chars();
            c.next().is_some_and(|f| f.is_ascii_uppercase())
                && c.as_str().len() >= 2
                && c.as_str().chars().all(|x| x.is_ascii_lowercase())
        };
        let mut i = 1;
        while i < words.len() {
            let prev = words[i - 1].1;
            let starts = prev.ends_with(['.', '!', '?', ':', '"']);
            if !starts && cap(words[i].1) && !NOT_NAMES.contains(&words[i].1) {
                let mut j = i + 1;
                while j < words.len() && j < i + 3 {
                    let w = words[j].1.trim_end_matches([',', '.', ';', ':']);
                    if !cap(w) {
                        break;
                    }
                    j += 1;
                    if w.len() != words[j - 1].1.len() {
                        break;
                    }
                }
                if j - i >= 2 {
                    let start = words[i].0;
                    let last = words[j - 1];
                    let end = last.0 + last.1.trim_end_matches([',', '.', ';', ':']).len();
                    let name = &p[start..end];
                    if !out.contains(&name) {
                        out.push(name);
                        if out.len() == 5 {
                            return out;
                        }
                    }
                }
                i = j;
            } else {
                i += 1;
            }
        }
    }
    out
}

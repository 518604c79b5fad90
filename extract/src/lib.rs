//! Finding the figures and names in cleaned articles.
//!
//! `extract` reads the paragraphs of a [`clean::Page`] and returns an [`Extraction`]: one
//! [`Quantity`] per figure (counts with their measure words, money, percentages, measures,
//! ordinals, durations and dates, each with a normalised value and the interval its wording
//! allows) and one [`Entity`] per name. Offsets are character offsets into the paragraph's
//! text (Python `str` indices), end exclusive. The entry point is [`Extractor::extract`];
//! an [`Extractor`] is built once and shared by every thread. Names come from rules at the
//! lexicon's hits, and, with [`Extractor::with_tagger`], from a character tagger trained on
//! MSRA ([`tagger`]).
//!
//! ```
//! let page = clean::Page {
//!     articles: vec![clean::Article {
//!         paragraphs: vec![clean::Paragraph {
//!             kind: clean::ParagraphKind::Body,
//!             text: "全省高校技术合同成交额为19.32亿元。".to_string(),
//!             truncated: false,
//!         }],
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let found = extract::Extractor::new().extract(&page);
//! let money = &found.quantities[0];
//! assert_eq!(money.text, "19.32亿元");
//! assert_eq!(money.value, Some(1_932_000_000.0));
//! assert_eq!(money.unit.as_deref(), Some("元"));
//! ```

mod entity;
mod lexicon;
mod numeral;
mod quantity;
pub mod tagger;
mod trie;
mod units;

use chrono::NaiveDate;

/// Everything found in one page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extraction {
    /// Names, in paragraph order then offset order.
    pub entities: Vec<Entity>,
    /// Figures, in paragraph order then offset order.
    pub quantities: Vec<Quantity>,
}

/// The `entities.kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, body or institution.
    Organization,
    /// An administrative division or a geographic feature.
    Place,
}

impl EntityKind {
    /// The name written to the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }
}

/// Which text of an article a name was found in (the `entities.field` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// `articles.title`.
    Title,
    /// `articles.subtitle`.
    Subtitle,
    /// `articles.kicker`.
    Kicker,
    /// `articles.byline`.
    Byline,
    /// `articles.dateline`.
    Dateline,
    /// `paragraphs.text` of the row `paragraph_idx` names.
    Paragraph,
}

impl Field {
    /// The name written to the `field` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Subtitle => "subtitle",
            Field::Kicker => "kicker",
            Field::Byline => "byline",
            Field::Dateline => "dateline",
            Field::Paragraph => "paragraph",
        }
    }
}

/// A name found in one of an article's texts.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// `article_idx`.
    pub article: u32,
    /// The text the offsets point into.
    pub field: Field,
    /// `paragraph_idx`, when `field` is [`Field::Paragraph`].
    pub paragraph: Option<u32>,
    /// Character offset of the first character.
    pub start: u32,
    /// Character offset after the last character.
    pub end: u32,
    /// Person, organisation or place.
    pub kind: EntityKind,
    /// As written.
    pub text: String,
    /// Normalised: a place's full name (湘潭 → 湘潭市), an organisation's long form (昭山投控 →
    /// 湖南昭山投资控股集团有限公司), a person's name as written.
    pub name: String,
    /// A person's title where the text gives it (副局长, 党组书记、厅长, 全媒体记者).
    pub role: Option<String>,
    /// The organisation named right before a person's title (省民政厅 for 厅长李永军).
    pub org: Option<String>,
    /// A place's GB/T 2260 division code (湘潭市 → 430300).
    pub code: Option<String>,
}

/// The `quantities.kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuantityKind {
    /// A number with a measure word: 227项, 43个.
    Count,
    /// An amount of money, in the currency's base unit.
    Money,
    /// A percentage or percentage points.
    Percent,
    /// A physical measure: 220千伏, 3公里.
    Measure,
    /// A calendar date or period.
    Date,
    /// A length of time: 3天, 两个多月.
    Duration,
    /// A rank: 第二届.
    Ordinal,
}

impl QuantityKind {
    /// The name written to the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            QuantityKind::Count => "count",
            QuantityKind::Money => "money",
            QuantityKind::Percent => "percent",
            QuantityKind::Measure => "measure",
            QuantityKind::Date => "date",
            QuantityKind::Duration => "duration",
            QuantityKind::Ordinal => "ordinal",
        }
    }
}

/// How a figure's wording qualifies it (the `approx` column; exact figures have none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approx {
    /// 约, 左右, 上下.
    About,
    /// 余, 多, 来, 超, 逾.
    Over,
    /// 以上, 不少于.
    AtLeast,
    /// 以下, 不超过.
    AtMost,
    /// 近, 将近.
    Nearly,
    /// 几十, 数百, 十几, 三五: an interval with no single value.
    Several,
}

impl Approx {
    /// The name written to the `approx` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Approx::About => "about",
            Approx::Over => "over",
            Approx::AtLeast => "at_least",
            Approx::AtMost => "at_most",
            Approx::Nearly => "nearly",
            Approx::Several => "several",
        }
    }
}

/// What a verb says happened to a figure (the `change` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// 增长, 提高, 上升.
    Increase,
    /// 下降, 减少.
    Decrease,
    /// 占…比重, 占比.
    Share,
    /// 达, 为, 突破: the level reached.
    Level,
}

impl Change {
    /// The name written to the `change` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Increase => "increase",
            Change::Decrease => "decrease",
            Change::Share => "share",
            Change::Level => "level",
        }
    }
}

/// A figure found in a paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// `article_idx`.
    pub article: u32,
    /// `paragraph_idx`.
    pub paragraph: u32,
    /// Character offset of the first character.
    pub start: u32,
    /// Character offset after the last character.
    pub end: u32,
    /// What kind of figure.
    pub kind: QuantityKind,
    /// As written.
    pub text: String,
    /// Normalised value (money in the base unit; for ranges, the low end).
    pub value: Option<f64>,
    /// Lowest value the wording allows.
    pub value_low: Option<f64>,
    /// Highest value the wording allows.
    pub value_high: Option<f64>,
    /// Measure word, currency base unit, `%`, `个百分点`, physical unit: always one of the
    /// unit table's names, so no figure allocates one.
    pub unit: Option<&'static str>,
    /// How the wording qualifies the figure.
    pub approx: Option<Approx>,
    /// Dates: ISO 8601 (`2023-06-04`, `2025-07`, `--01-20`, ranges `2025-01/2025-11`).
    pub iso: Option<String>,
    /// Dates: first day covered.
    pub date_start: Option<NaiveDate>,
    /// Dates: last day covered.
    pub date_end: Option<NaiveDate>,
    /// What the figure measures, when a verb says so (全口径税收).
    pub subject: Option<String>,
    /// What happened to it.
    pub change: Option<Change>,
}

/// Extracts entities and quantities; built once, used from any thread. The word lists and
/// their trie are built by the first [`Extractor::new`] of a process (about 50 ms) and
/// shared by every extractor after it.
#[derive(Clone, Debug)]
pub struct Extractor {
    lexicon: &'static lexicon::Lexicon,
    tagger: Option<&'static tagger::Model>,
}

impl Default for Extractor {
    fn default() -> Self {
        Self::new()
    }
}

impl Extractor {
    /// Builds the extractor.
    pub fn new() -> Self {
        Extractor {
            lexicon: lexicon::Lexicon::get(),
            tagger: None,
        }
    }

    /// The extractor with the character tagger ([`tagger`]) beside the rules: it finds the
    /// names no title or verb of saying confirms, and vetoes the rules' bare-context people
    /// it does not read as names. Several times slower than the rules alone.
    pub fn with_tagger() -> Self {
        Extractor {
            lexicon: lexicon::Lexicon::get(),
            tagger: Some(tagger::Model::embedded()),
        }
    }

    /// Extracts from every paragraph of `page`. Relative dates are resolved against each
    /// article's publication date.
    pub fn extract(&self, page: &clean::Page) -> Extraction {
        Extraction {
            entities: self.entities(page),
            quantities: self.quantities(page),
        }
    }

    /// The names of `page` alone (what [`Extractor::extract`] puts in `entities`).
    pub fn entities(&self, page: &clean::Page) -> Vec<Entity> {
        let mut entities = Vec::new();
        entity::find(self.lexicon, self.tagger, page, &mut entities);
        entities
    }

    /// The figures of one paragraph's `text`, dates resolved against `published` (the
    /// same scan [`Extractor::quantities`] runs on each paragraph of a page; `article` and
    /// `paragraph` are 0).
    pub fn figures(&self, text: &str, published: Option<NaiveDate>) -> Vec<Quantity> {
        let mut quantities = Vec::new();
        quantity::scan_into(&mut Vec::new(), text, published, &mut quantities);
        quantities
    }

    /// The figures of `page` alone (what [`Extractor::extract`] puts in `quantities`).
    pub fn quantities(&self, page: &clean::Page) -> Vec<Quantity> {
        // Sized once for the page: news carries about a figure in every 130 bytes, and a
        // vector grown push by push costs a tenth of the scan.
        let paragraphs = || page.articles.iter().flat_map(|a| &a.paragraphs);
        let bytes: usize = paragraphs().map(|p| p.text.len()).sum();
        let mut quantities = Vec::with_capacity(bytes / 128);
        let mut chars = Vec::with_capacity(paragraphs().map(|p| p.text.len()).max().unwrap_or(0));
        for (a, article) in page.articles.iter().enumerate() {
            for (p, paragraph) in article.paragraphs.iter().enumerate() {
                let first = quantity::scan_into(
                    &mut chars,
                    &paragraph.text,
                    article.published_date,
                    &mut quantities,
                );
                for found in &mut quantities[first..] {
                    found.article = a as u32;
                    found.paragraph = p as u32;
                }
            }
        }
        quantities
    }
}

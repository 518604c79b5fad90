//! The units a number can carry, and what each makes of it: a measure word (a count), a
//! currency (money), `%` (a percentage), a physical unit (a measure), a time unit (a
//! duration). The measure words past the hand-written table come from
//! `data/units/measure_words.tsv` (see `make_measure_words.py` beside it).

use crate::QuantityKind::{self, Count, Duration, Measure, Money, Ordinal, Percent};

pub(crate) struct Unit {
    pub word: &'static str,
    pub kind: QuantityKind,
    /// What the `unit` column says (`个月` → `月`).
    pub name: &'static str,
    /// `word`'s length in characters.
    pub len: usize,
}

/// Characters in `s`, at compile time: bytes that do not continue a character.
const fn char_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let (mut k, mut n) = (0, 0);
    while k < bytes.len() {
        if bytes[k] & 0xC0 != 0x80 {
            n += 1;
        }
        k += 1;
    }
    n
}

const fn unit(word: &'static str, kind: QuantityKind, name: &'static str) -> Unit {
    Unit {
        word,
        kind,
        name,
        len: char_len(word),
    }
}

/// Units after a number, tried longest first.
const UNITS: &[Unit] = &[
    unit("个百分点", Percent, "个百分点"),
    unit("百分点", Percent, "个百分点"),
    unit("%", Percent, "%"),
    unit("‰", Percent, "‰"),
    unit("成", Percent, "成"),
    unit("元人民币", Money, "元"),
    unit("人民币", Money, "元"),
    unit("元港币", Money, "港元"),
    unit("元新台币", Money, "新台币"),
    unit("元台币", Money, "新台币"),
    unit("美金", Money, "美元"),
    unit("美分", Money, "美分"),
    unit("新加坡元", Money, "新元"),
    unit("新元", Money, "新元"),
    unit("新台币", Money, "新台币"),
    unit("台币", Money, "新台币"),
    unit("澳门元", Money, "澳门元"),
    unit("纽元", Money, "纽元"),
    unit("里亚尔", Money, "里亚尔"),
    unit("卢比", Money, "卢比"),
    unit("比索", Money, "比索"),
    unit("瑞士法郎", Money, "瑞士法郎"),
    unit("法郎", Money, "法郎"),
    unit("马克", Money, "马克"),
    unit("林吉特", Money, "林吉特"),
    unit("令吉", Money, "林吉特"),
    unit("泰铢", Money, "泰铢"),
    unit("第纳尔", Money, "第纳尔"),
    unit("兰特", Money, "兰特"),
    unit("雷亚尔", Money, "雷亚尔"),
    unit("谢克尔", Money, "谢克尔"),
    unit("里拉", Money, "里拉"),
    unit("克朗", Money, "克朗"),
    unit("先令", Money, "先令"),
    unit("印尼盾", Money, "印尼盾"),
    unit("越南盾", Money, "越南盾"),
    unit("元", Money, "元"),
    unit("块钱", Money, "元"),
    unit("美元", Money, "美元"),
    unit("欧元", Money, "欧元"),
    unit("港元", Money, "港元"),
    unit("港币", Money, "港元"),
    unit("日元", Money, "日元"),
    unit("日圆", Money, "日元"),
    unit("美圆", Money, "美元"),
    unit("港圆", Money, "港元"),
    unit("迪拉姆", Money, "迪拉姆"),
    unit("迪尔汗", Money, "迪拉姆"),
    unit("英镑", Money, "英镑"),
    unit("韩元", Money, "韩元"),
    unit("澳元", Money, "澳元"),
    unit("加元", Money, "加元"),
    unit("卢布", Money, "卢布"),
    unit("千瓦时", Measure, "千瓦时"),
    unit("千伏安", Measure, "千伏安"),
    unit("千伏", Measure, "千伏"),
    unit("千瓦", Measure, "千瓦"),
    unit("兆瓦", Measure, "兆瓦"),
    unit("吉瓦", Measure, "吉瓦"),
    unit("伏", Measure, "伏"),
    unit("平方公里", Measure, "平方公里"),
    unit("平方千米", Measure, "平方千米"),
    unit("平方米", Measure, "平方米"),
    unit("立方米", Measure, "立方米"),
    unit("公里", Measure, "公里"),
    unit("千米", Measure, "千米"),
    unit("厘米", Measure, "厘米"),
    unit("毫米", Measure, "毫米"),
    unit("米", Measure, "米"),
    unit("公顷", Measure, "公顷"),
    unit("亩", Measure, "亩"),
    unit("吨", Measure, "吨"),
    unit("千克", Measure, "千克"),
    unit("公斤", Measure, "公斤"),
    unit("斤", Measure, "斤"),
    unit("克", Measure, "克"),
    unit("毫升", Measure, "毫升"),
    unit("升", Measure, "升"),
    unit("摄氏度", Measure, "摄氏度"),
    unit("华氏度", Measure, "华氏度"),
    unit("英尺", Measure, "英尺"),
    unit("英寸", Measure, "英寸"),
    unit("英里", Measure, "英里"),
    unit("英亩", Measure, "英亩"),
    unit("海里", Measure, "海里"),
    unit("公尺", Measure, "米"),
    unit("盎司", Measure, "盎司"),
    unit("加仑", Measure, "加仑"),
    unit("桶", Measure, "桶"),
    unit("磅", Measure, "磅"),
    unit("分贝", Measure, "分贝"),
    unit("兆赫", Measure, "兆赫"),
    unit("千卡", Measure, "千卡"),
    unit("毫克", Measure, "毫克"),
    unit("微克", Measure, "微克"),
    unit("光年", Measure, "光年"),
    unit("马力", Measure, "马力"),
    unit("里", Measure, "里"),
    unit("级地震", Measure, "级"),
    unit("℃", Measure, "摄氏度"),
    unit("个多小时", Duration, "小时"),
    unit("个小时", Duration, "小时"),
    unit("小时", Duration, "小时"),
    unit("分钟", Duration, "分钟"),
    unit("秒钟", Duration, "秒"),
    unit("秒", Duration, "秒"),
    unit("个多月", Duration, "月"),
    unit("个月", Duration, "月"),
    unit("个多星期", Duration, "周"),
    unit("个星期", Duration, "周"),
    unit("个工作日", Duration, "工作日"),
    unit("工作日", Duration, "工作日"),
    unit("星期", Duration, "周"),
    unit("周年", Count, "周年"),
    unit("个世纪", Duration, "世纪"),
    unit("周", Duration, "周"),
    unit("天", Duration, "天"),
    unit("年", Duration, "年"),
    unit("人次", Count, "人次"),
    unit("部门", Count, "部门"),
    unit("台套", Count, "台套"),
    unit("台次", Count, "台次"),
    unit("架次", Count, "架次"),
    unit("辆次", Count, "辆次"),
    unit("户次", Count, "户次"),
    unit("个", Count, "个"),
    unit("项", Count, "项"),
    unit("名", Count, "名"),
    unit("人", Count, "人"),
    unit("位", Count, "位"),
    unit("家", Count, "家"),
    unit("所", Count, "所"),
    unit("辆", Count, "辆"),
    unit("件", Count, "件"),
    unit("台", Count, "台"),
    unit("座", Count, "座"),
    unit("条", Count, "条"),
    unit("只", Count, "只"),
    unit("头", Count, "头"),
    unit("套", Count, "套"),
    unit("批", Count, "批"),
    unit("场", Count, "场"),
    unit("次", Count, "次"),
    unit("届", Count, "届"),
    unit("户", Count, "户"),
    unit("间", Count, "间"),
    unit("张", Count, "张"),
    unit("本", Count, "本"),
    unit("篇", Count, "篇"),
    unit("部", Count, "部"),
    unit("份", Count, "份"),
    unit("支", Count, "支"),
    unit("片", Count, "片"),
    unit("块", Count, "块"),
    unit("处", Count, "处"),
    unit("类", Count, "类"),
    unit("种", Count, "种"),
    unit("期", Count, "期"),
    unit("轮", Count, "轮"),
    unit("架", Count, "架"),
    unit("艘", Count, "艘"),
    unit("栋", Count, "栋"),
    unit("层", Count, "层"),
    unit("起", Count, "起"),
    unit("宗", Count, "宗"),
    unit("笔", Count, "笔"),
    unit("岁", Count, "岁"),
    unit("倍", Count, "倍"),
    unit("款", Count, "款"),
    unit("株", Count, "株"),
    unit("棵", Count, "棵"),
    unit("例", Count, "例"),
    unit("枚", Count, "枚"),
    unit("颗", Count, "颗"),
    unit("道", Count, "道"),
    unit("首", Count, "首"),
    unit("幅", Count, "幅"),
    unit("集", Count, "集"),
    unit("组", Count, "组"),
    unit("对", Count, "对"),
    unit("双", Count, "双"),
    unit("根", Count, "根"),
    unit("节", Count, "节"),
    unit("章", Count, "章"),
    unit("级", Count, "级"),
    unit("号", Ordinal, "号"),
];

/// 度 after `摄氏` or `零下`: a temperature.
pub(crate) const DEGREES: Unit = unit("度", Measure, "摄氏度");

/// Measure words past [`UNITS`], one a line, each a count (see `data/units/`).
const MEASURE_WORDS: &str = include_str!("../../data/units/measure_words.tsv");

/// [`MEASURE_WORDS`] as units, built once.
fn measure_words() -> &'static [Unit] {
    static WORDS: std::sync::OnceLock<Vec<Unit>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        MEASURE_WORDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split('\t').next())
            .filter(|word| !word.is_empty())
            .map(|word| unit(word, Count, word))
            .collect()
    })
}

/// The units that start with each character, in [`UNITS`] order (longest first). Built once:
/// a number then tries the two or three units its next character can start, not all of them.
/// Units by their first character: (character, [(the unit's characters, unit)]).
type UnitIndex = Vec<(char, Vec<(Vec<char>, &'static Unit)>)>;

/// Whether a unit may start with `c`: for Han, whether one does; other characters (`%`,
/// `℃`, `‰`) are let through to [`match_unit`].
pub(crate) fn may_start_unit(c: char) -> bool {
    let u = c as u32;
    !(0x4E00..0xA000).contains(&u)
        || unit_first_chars()[((u - 0x4E00) / 64) as usize] >> (u % 64) & 1 == 1
}

/// The Han characters that start a unit, as bits over U+4E00..U+A000.
fn unit_first_chars() -> &'static [u64; 0x5200 / 64] {
    static BITS: std::sync::OnceLock<[u64; 0x5200 / 64]> = std::sync::OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = [0u64; 0x5200 / 64];
        for (c, _) in units_by_first_char() {
            let u = *c as u32;
            if (0x4E00..0xA000).contains(&u) {
                bits[((u - 0x4E00) / 64) as usize] |= 1 << (u % 64);
            }
        }
        bits
    })
}

/// Sorted by first character (a binary search of a few hundred characters beats hashing
/// one), each with its units' characters.
fn units_by_first_char() -> &'static UnitIndex {
    static INDEX: std::sync::OnceLock<UnitIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: UnitIndex = Vec::new();
        // The table's units first, so its kinds and names win over the measure words'.
        for unit in UNITS.iter().chain(measure_words()) {
            let chars: Vec<char> = unit.word.chars().collect();
            let Some(&first) = chars.first() else {
                continue;
            };
            match index.iter_mut().find(|(c, _)| *c == first) {
                Some((_, list)) => list.push((chars, unit)),
                None => index.push((first, vec![(chars, unit)])),
            }
        }
        index.sort_by_key(|(c, _)| *c);
        index
    })
}

pub(crate) fn match_unit(chars: &[char], at: usize) -> Option<&'static Unit> {
    let first = *chars.get(at)?;
    // Most characters after a number start no unit: one bit says so.
    if !may_start_unit(first) {
        return None;
    }
    let index = units_by_first_char();
    let at_first = index.binary_search_by_key(&first, |(c, _)| *c).ok()?;
    index[at_first]
        .1
        .iter()
        .find(|(word, _)| chars[at..].starts_with(word))
        .map(|&(_, unit)| unit)
}

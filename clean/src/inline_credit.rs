//! Photo credits inside a line of running text, as scraped web pages and JSON Lines
//! records carry them: `记者 王明 摄`, `王明/摄`, `图片来源：新华社`, `（图片来自网络）`,
//! `资料图`. A credit standing on a line of its own is the layout's (`layout::is_credit`);
//! here a credit is cut out of the line it sits in, with the caption sentence right before it
//! when there is one (`图为会议现场。`), and the sentence it interrupted closes up again.

use std::sync::LazyLock;

use regex::Regex;

use crate::layout::{Cut, CutKind};

/// The `removed.method` of what is cut here.
const METHOD: &str = "inline-credit-rule";

/// Credits, each starting where a sentence may start (the line's start, after a sentence
/// end, a closing bracket, a colon or a space), so that `摄` inside a word (`拍摄`) or a name in a
/// sentence is never taken.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    let name = r"[\p{Han}·]{2,4}";
    let source = r"(?:新华社|中新社|视觉中国|东方IC|人民视觉|CFP|IC photo|网络|受访者|资料)";
    let patterns = [
        // Bracketed: （图片来自网络） （资料图） （新华社记者 李华 摄） （图片来源：视觉中国）
        // （美国《世界日报》 金春香 摄） （见图 王呈 摄）
        r"[（(](?:图片来自网络|网络图片|资料图片?|图片来源[:：][^（）()]{1,20}|[^（）()。！？]{0,20}摄)[）)]"
            .to_string(),
        // 新华社记者 李华 摄 / 记者 王明 摄 / 通讯员王明摄 / 亚心网记者马元摄 / 中新网记者 金硕 摄
        format!(r"(?:\p{{Han}}{{1,5}}(?:网|社|报|台|站))?(?:摄影记者|记者|通讯员|实习生)\s?{name}(?:\s{name})*\s?[/／]?摄"),
        // 王明/摄
        format!(r"{name}\s?[/／]\s?摄"),
        // 资料图：海淀法院。 (a file picture's caption)
        r"资料图片?[:：][^。！？\s]{1,24}[。.]?".to_string(),
        // 图片来源：新华社 (a known source, or a name up to a space or punctuation)
        format!(r"图片来源[:：]\s?(?:{source}|[^\s，。！？、；：,;]{{1,12}}(?:[\s，。]|$))"),
        // 资料图 / 资料图片, standing as a sentence of its own
        r"资料图片?(?:[。.]|\s|$)".to_string(),
    ];
    // A note that a picture goes with the text (`(附图片1张)`, `（图片）`) may follow anything.
    let picture_note = r"[（(](?:附图片?[0-9一二三四五六七八九十]*张?|图片)[）)]";
    // 张茵 摄: a name and a space before `摄`, right after a sentence (`拍摄` is a word, and
    // `记者 李华 摄下了` inside a sentence is no credit).
    let named = format!(r"{name}\s摄");
    Regex::new(&format!(
        r"(?:^|[。！？!?」”）)：:\s])(?P<credit>{})|(?:^|[。！？!?])(?P<named>{named})|(?P<note>{picture_note})",
        patterns.join("|")
    ))
    .expect("the credit patterns compile")
});

/// A caption sentence right before a credit: it names the picture (`图为…`, `图：…`) or is a
/// sentence of a few words without a comma (`会议现场。`, `市民在公园晨练。`,
/// `浙江温州民房倒塌搜救现场。`).
fn caption_before(text: &str) -> Option<usize> {
    let trimmed = text.trim_end();
    if !trimmed.ends_with(['。', '.']) {
        return None;
    }
    let body = &trimmed[..trimmed.len() - trimmed.chars().last()?.len_utf8()];
    // The sentence starts after the last sentence end, and after the quotes it closes.
    let start = body.rfind(['。', '！', '？', '!', '?']).map_or(0, |k| {
        k + body[k..].chars().next().map_or(0, char::len_utf8)
    });
    let start =
        start + (body[start..].len() - body[start..].trim_start_matches(['」', '”', '’']).len());
    let sentence = &trimmed[start..];
    let n = sentence.chars().count();
    let names_picture = sentence.starts_with("图为") || sentence.starts_with("图：");
    // A few words that tell no event (`了`, `被`, `已`, `将`, `说`, `是`), as a sentence of
    // the story before it does (`已有三人被救出。`); up to sixteen when they end on a scene
    // (`…搜救现场。`).
    let scene = [
        "现场",
        "一角",
        "场景",
        "景象",
        "情景",
        "全景",
        "合影",
        "留影",
        "资料图",
    ]
    .iter()
    .any(|w| sentence.trim_end_matches(['。', '.']).ends_with(w));
    let short = (n <= 9 || n <= 16 && scene)
        && !sentence.contains(['了', '被', '已', '将', '说', '是'])
        && !sentence.contains(['，', ',']);
    (names_picture && n <= 60 || short).then_some(start)
}

/// Whether some line of `page` may hold an inline credit: every word
/// [`cut_inline_credits`] looks for first holds 摄 or 图.
pub(crate) fn may_occur_in(page: &str) -> bool {
    page.contains('摄') || page.contains('图')
}

/// Cuts the inline credits (and their captions) out of `line`; `None` when it has none.
pub(crate) fn cut_inline_credits(line: &str) -> Option<(String, Vec<Cut>)> {
    // Most lines hold none of the words a credit is made of: one scan turns them away.
    if !line.contains('摄')
        && !line.contains("图片")
        && !line.contains("资料图")
        && !line.contains("附图")
    {
        return None;
    }
    let mut kept = String::with_capacity(line.len());
    let mut cuts = Vec::new();
    let mut from = 0;
    for found in CREDIT.captures_iter(line) {
        let credit_or_named = found.name("credit").or_else(|| found.name("named"));
        let Some(credit) = credit_or_named.or_else(|| found.name("note")) else {
            continue;
        };
        if credit.start() < from {
            continue;
        }
        let before = &line[from..credit.start()];
        let caption = credit_or_named.and_then(|_| caption_before(before));
        match caption {
            Some(start) => {
                kept.push_str(&before[..start]);
                cuts.push(Cut {
                    kind: CutKind::Caption,
                    text: before[start..].trim().to_string(),
                    reason: "photo caption: the sentence before an inline credit",
                    method: METHOD,
                });
            }
            None => kept.push_str(before),
        }
        cuts.push(Cut {
            kind: CutKind::Credit,
            text: credit.as_str().trim().to_string(),
            reason: "photo credit inside the text",
            method: METHOD,
        });
        from = credit.end();
    }
    if cuts.is_empty() {
        return None;
    }
    kept.push_str(&line[from..]);
    Some((kept, cuts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_inside_running_text_are_cut_with_their_captions() {
        let cases: [(&str, &str, &[&str]); 13] = [
            (
                "已有三人被救出。浙江温州民房倒塌搜救现场。张茵 摄当地政府表示，将全力救治。",
                "已有三人被救出。当地政府表示，将全力救治。",
                &["浙江温州民房倒塌搜救现场。", "张茵 摄"],
            ),
            (
                "已有三人被救出。亚心网记者马元摄当地政府表示，将全力救治。",
                "已有三人被救出。当地政府表示，将全力救治。",
                &["亚心网记者马元摄"],
            ),
            (
                "已有三人被救出。中新网记者 金硕 摄当地政府表示，将全力救治。",
                "已有三人被救出。当地政府表示，将全力救治。",
                &["中新网记者 金硕 摄"],
            ),
            (
                "已有三人被救出。（美国《世界日报》 金春香 摄）当地政府表示，将全力救治。",
                "已有三人被救出。当地政府表示，将全力救治。",
                &["（美国《世界日报》 金春香 摄）"],
            ),
            (
                "已有三人被救出。资料图：海淀法院。当地政府表示，将全力救治。",
                "已有三人被救出。当地政府表示，将全力救治。",
                &["资料图：海淀法院。"],
            ),
            (
                "会议在北京举行。图为会议现场。记者 王明 摄与会代表讨论了报告。",
                "会议在北京举行。与会代表讨论了报告。",
                &["图为会议现场。", "记者 王明 摄"],
            ),
            (
                "法国外长今天宣布增援。（图片来自网络）他没有透露增援部队的数量。",
                "法国外长今天宣布增援。他没有透露增援部队的数量。",
                &["（图片来自网络）"],
            ),
            (
                "图片来源：新华社新华社巴黎1月29日电，法国外长宣布增援。",
                "新华社巴黎1月29日电，法国外长宣布增援。",
                &["图片来源：新华社"],
            ),
            (
                "资料图。新华社北京电，国务院召开常务会议。",
                "新华社北京电，国务院召开常务会议。",
                &["资料图。"],
            ),
            (
                "市民在公园晨练。张华/摄记者从市园林局获悉，公园将免费开放。",
                "记者从市园林局获悉，公园将免费开放。",
                &["市民在公园晨练。", "张华/摄"],
            ),
            (
                "安装“中水”处理系统。（图片来自网络）如果把管道利用起来。",
                "安装“中水”处理系统。如果把管道利用起来。",
                &["（图片来自网络）"],
            ),
            (
                "江泽民会见美国客人(附图片1张)",
                "江泽民会见美国客人",
                &["(附图片1张)"],
            ),
            (
                "会场外，新华社记者 李华 摄下了这一幕。",
                "会场外，新华社记者 李华 摄下了这一幕。",
                &[],
            ),
        ];
        for (line, kept, cut) in cases {
            let (got, cuts) = cut_inline_credits(line).unwrap_or((line.to_string(), Vec::new()));
            let texts: Vec<&str> = cuts.iter().map(|c| c.text.as_str()).collect();
            assert_eq!((got.as_str(), texts.as_slice()), (kept, cut), "{line}");
        }
    }

    #[test]
    fn words_that_hold_a_credit_word_are_left_alone() {
        for line in [
            "他正在拍摄一部关于湘江的纪录片，预计明年上映。",
            "记者从会上了解到，这幅图为全省首张数字地图。",
            "资料图片显示，该地区去年降雨偏多。",
            "游客可用手机进行拍摄，影视拍摄基地今天开放。",
            "他们说，记者 李华 摄下了这一幕。",
        ] {
            assert_eq!(cut_inline_credits(line), None, "{line}");
        }
    }
}

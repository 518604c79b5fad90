//! The word lists behind entity extraction, compiled into one character trie.
//!
//! Places come from `data/gazetteer/places.tsv` (China's divisions to county level with their
//! short forms and division codes, countries, rivers, lakes, mountains and regions; see
//! `data/gazetteer/SOURCE.md`), surnames from `data/gazetteer/surnames.tsv`. The cue words
//! (organisation heads, titles, speech verbs, words that end a name on its left) are listed
//! here. Every list goes into one [`CharTrie`] that finds leftmost-longest matches, so a
//! paragraph is read once whatever the number of words.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::trie::CharTrie;

const PLACES: &str = include_str!("../../data/gazetteer/places.tsv");
/// World cities, regions and seas, and other presses' names of countries, by hand.
const WORLD: &str = include_str!("../../data/gazetteer/world.tsv");
/// The CJK Unified Ideographs block, where [`Lexicon::is_surname`] reads a bitset.
const HAN_START: usize = 0x4E00;
const HAN_BITS: usize = 0xA000 - 0x4E00;
const SURNAMES: &str = include_str!("../../data/gazetteer/surnames.tsv");
/// Words that are never a person in the MSRA training text (`data/models/build_not_people.py`).
const NOT_PEOPLE: &str = include_str!("../../data/models/not_people.txt");

/// Characters of names that do not begin with a surname (transliterated and Japanese
/// names; `data/models/build_not_people.py`): a person the tagger reads that does not begin
/// with a surname must be made of these.
const NAME_CHARS: &str = include_str!("../../data/models/name_chars.txt");

/// One-character short forms of places, with the full name each stands for (中美 → 中国,
/// 京津 → 北京市, 访华 → 中国). A one-character place with none, or with several (澳: 澳门
/// or 澳大利亚; 巴: 巴西, 巴基斯坦 or 巴勒斯坦; 苏, 蒙, 新, 阿), is not kept.
const SHORT_PLACES: &[(char, &str)] = &[
    ('中', "中国"),
    ('华', "中国"),
    ('美', "美国"),
    ('日', "日本"),
    ('俄', "俄罗斯"),
    ('英', "英国"),
    ('法', "法国"),
    ('德', "德国"),
    ('韩', "韩国"),
    ('朝', "朝鲜"),
    ('印', "印度"),
    ('意', "意大利"),
    ('越', "越南"),
    ('欧', "欧洲"),
    ('非', "非洲"),
    ('京', "北京市"),
    ('沪', "上海市"),
    ('津', "天津市"),
    ('渝', "重庆市"),
    ('港', "香港特别行政区"),
    ('台', "台湾省"),
    ('藏', "西藏自治区"),
    ('湘', "湖南省"),
    ('粤', "广东省"),
    ('鄂', "湖北省"),
    ('川', "四川省"),
    ('浙', "浙江省"),
    ('闽', "福建省"),
    ('赣', "江西省"),
    ('皖', "安徽省"),
    ('鲁', "山东省"),
    ('豫', "河南省"),
    ('冀', "河北省"),
    ('晋', "山西省"),
    ('陕', "陕西省"),
    ('黔', "贵州省"),
    ('滇', "云南省"),
    ('桂', "广西壮族自治区"),
    ('琼', "海南省"),
    ('辽', "辽宁省"),
    ('黑', "黑龙江省"),
    ('疆', "新疆维吾尔自治区"),
    ('云', "云南省"),
    ('贵', "贵州省"),
    ('青', "青海省"),
    ('亚', "亚洲"),
    ('以', "以色列"),
    ('葡', "葡萄牙"),
    ('墨', "墨西哥"),
    ('柬', "柬埔寨"),
    ('菲', "菲律宾"),
    ('埃', "埃及"),
    ('哈', "哈萨克斯坦"),
    ('厄', "厄瓜多尔"),
    ('比', "比利时"),
    ('黎', "黎巴嫩"),
    ('几', "几内亚"),
    ('罗', "罗马尼亚"),
    ('荷', "荷兰"),
    ('泰', "泰国"),
    ('缅', "缅甸"),
    ('加', "加拿大"),
];

/// How an organisation head takes the words on its left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Head {
    /// A company (有限公司, 集团): takes a parent organisation only before any place.
    Company,
    /// A body or institution (局, 中心, 学院, 日报): takes its parent organisation.
    Body,
    /// A named department (教育厅, 发展局, 总工会): a name by itself, even with no words left of it.
    Named,
    /// A head that names nothing without a place (园区, 高新区, 政府, 管委会).
    NeedsPlace,
}

/// What a word of the lexicon is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Word {
    /// A place: canonical name, division code (empty when none), and whether it is a
    /// county's short form (雨湖), which counts only when the page names its province.
    Place {
        canonical: &'static str,
        code: &'static str,
        county_short: bool,
    },
    /// The last word of an organisation's name.
    Head(Head),
    /// A complete organisation name (教育部, 湖南省委).
    Organization,
    /// A title or role that a name may follow (副局长, 记者).
    Title,
    /// A verb of saying that a name may precede (表示, 介绍).
    Speech,
    /// One half of a Tibetan name (洛桑, 拉姆).
    NamePart,
    /// A word that ends a name on its left (企业, 来自, 入职).
    Stop,
}

/// Organisation heads and their class.
const HEADS: &[(&str, Head)] = &[
    ("集团股份有限公司", Head::Company),
    ("股份有限公司", Head::Company),
    ("有限责任公司", Head::Company),
    ("集团有限公司", Head::Company),
    ("有限公司", Head::Company),
    ("分公司", Head::Company),
    ("公司", Head::Company),
    ("集团", Head::Company),
    ("银行", Head::Body),
    ("分行", Head::Body),
    ("支行", Head::Body),
    ("大学", Head::Body),
    ("学院", Head::Body),
    ("学校", Head::Body),
    ("中学", Head::Body),
    ("小学", Head::Body),
    ("幼儿园", Head::Body),
    ("医院", Head::Body),
    ("卫生院", Head::Body),
    ("研究院", Head::Body),
    ("研究所", Head::Body),
    ("研究中心", Head::Body),
    ("设计院", Head::Body),
    ("科学院", Head::Body),
    ("协会", Head::Body),
    ("学会", Head::Body),
    ("商会", Head::Body),
    ("联合会", Head::Body),
    ("基金会", Head::Body),
    ("促进会", Head::Body),
    ("委员会", Head::Body),
    ("工会", Head::Body),
    ("合作社", Head::Body),
    ("日报", Head::Body),
    ("晚报", Head::Body),
    ("报社", Head::Body),
    ("电视台", Head::Body),
    ("广播电视台", Head::Body),
    ("出版社", Head::Body),
    ("通讯社", Head::Body),
    ("法院", Head::Body),
    ("检察院", Head::Body),
    ("派出所", Head::Body),
    ("中心", Head::Body),
    ("驿站", Head::Body),
    ("办公室", Head::Body),
    ("工作室", Head::Body),
    ("实验室", Head::Body),
    ("博物馆", Head::Body),
    ("图书馆", Head::Body),
    ("纪念馆", Head::Body),
    ("俱乐部", Head::Body),
    ("事务所", Head::Body),
    ("工作站", Head::Body),
    ("公园", Head::Body),
    ("总工会", Head::Named),
    ("发改委", Head::Named),
    ("工信委", Head::Named),
    ("卫健委", Head::Named),
    ("纪委", Head::Named),
    ("监委", Head::Named),
    ("政法委", Head::Named),
    ("宣传部", Head::Named),
    ("组织部", Head::Named),
    ("统战部", Head::Named),
    ("公安局", Head::Named),
    ("园区", Head::NeedsPlace),
    ("产业园", Head::NeedsPlace),
    ("工业园", Head::NeedsPlace),
    ("高新区", Head::NeedsPlace),
    ("经开区", Head::NeedsPlace),
    ("开发区", Head::NeedsPlace),
    ("自贸区", Head::NeedsPlace),
    ("政府", Head::NeedsPlace),
    ("人民政府", Head::NeedsPlace),
    ("管委会", Head::NeedsPlace),
    ("党委", Head::NeedsPlace),
    ("人大常委会", Head::NeedsPlace),
    ("政协", Head::NeedsPlace),
];

/// Fields of government and business that, before a one-character head, name a department
/// (教育 + 厅, 发展 + 局, 开发建设 + 部).
const STEMS: &[&str] = &[
    "管理",
    "发展",
    "事务",
    "服务",
    "监督",
    "保障",
    "资源",
    "建设",
    "教育",
    "民政",
    "财政",
    "公安",
    "交通",
    "交通运输",
    "卫生",
    "健康",
    "卫生健康",
    "商务",
    "统计",
    "税务",
    "审计",
    "应急",
    "应急管理",
    "生态环境",
    "自然资源",
    "农业农村",
    "文化旅游",
    "文旅",
    "市场监管",
    "市场监督管理",
    "住房和城乡建设",
    "住建",
    "水利",
    "司法",
    "科技",
    "工信",
    "工业和信息化",
    "人社",
    "人力资源和社会保障",
    "外事",
    "开发建设",
    "人事",
    "规划",
    "招商",
    "综合",
    "政务",
    "林业",
    "气象",
    "国土",
    "档案",
    "信访",
    "体育",
    "医保",
    "医疗保障",
    "退役军人事务",
    "数据",
    "经信",
    "文化",
    "旅游",
    "粮食",
    "能源",
    "海关",
    "邮政",
    "烟草",
    "电力",
    "投资",
    "产业",
    "经济",
    "运营",
    "财务",
    "技术",
    "销售",
    "市场",
    "宣传",
    "组织",
    "党群",
    "社会",
];

/// One-character (and short) heads that need a stem before them.
const STEM_HEADS: &[&str] = &[
    "局",
    "厅",
    "部",
    "委",
    "处",
    "科",
    "署",
    "站",
    "所",
    "院",
    "中心",
    "办公室",
    "工委",
];

/// Bodies that are names by themselves.
const ORGANIZATIONS: &[&str] = &[
    "国务院",
    "教育部",
    "外交部",
    "国防部",
    "公安部",
    "民政部",
    "司法部",
    "财政部",
    "商务部",
    "科技部",
    "工业和信息化部",
    "工信部",
    "人力资源和社会保障部",
    "人社部",
    "自然资源部",
    "生态环境部",
    "住房和城乡建设部",
    "交通运输部",
    "水利部",
    "农业农村部",
    "文化和旅游部",
    "国家卫生健康委",
    "国家卫健委",
    "应急管理部",
    "审计署",
    "国家统计局",
    "国家发展改革委",
    "国家发改委",
    "中国人民银行",
    "中共中央",
    "全国人大",
    "全国政协",
    "新华社",
    "人民日报",
    "中央电视台",
    "央视",
    "省委",
    "省政府",
    "市委",
    "市政府",
    "县委",
    "县政府",
    "区委",
    "区政府",
    "省人大",
    "省政协",
    "市人大",
    "市政协",
    "联合国",
    "世界卫生组织",
    "世界贸易组织",
    "中国科学院",
    "中国工程院",
    "中国社会科学院",
    // Bodies abroad that the news names every day, by the names Chinese wire copy gives
    // them; each unambiguous as written (苹果公司, not 苹果; 三星集团, not 三星).
    "国际货币基金组织",
    "世界银行",
    "欧盟",
    "欧洲联盟",
    "北约",
    "北大西洋公约组织",
    "东盟",
    "东南亚国家联盟",
    "石油输出国组织",
    "欧佩克",
    "亚太经合组织",
    "国际奥委会",
    "国际原子能机构",
    "红十字国际委员会",
    "非洲联盟",
    "阿拉伯国家联盟",
    "上海合作组织",
    "世界经济论坛",
    "国际足联",
    "联合国安理会",
    "美联储",
    "欧洲中央银行",
    "欧洲央行",
    "路透社",
    "美联社",
    "法新社",
    "合众国际社",
    "共同社",
    "塔斯社",
    "俄新社",
    "德新社",
    "韩联社",
    "中新社",
    "美国有线电视新闻网",
    "英国广播公司",
    "纽约时报",
    "华盛顿邮报",
    "华尔街日报",
    "金融时报",
    "泰晤士报",
    "每日电讯报",
    "日本经济新闻",
    "读卖新闻",
    "朝日新闻",
    "时代周刊",
    "新闻周刊",
    "经济学人",
    "壳牌",
    "通用电气",
    "通用汽车",
    "福特汽车",
    "微软",
    "英特尔",
    "惠普",
    "思科",
    "甲骨文公司",
    "波音公司",
    "空中客车",
    "空客",
    "丰田汽车",
    "东芝",
    "索尼",
    "三星集团",
    "三星电子",
    "西门子",
    "大众汽车",
    "雀巢",
    "麦当劳",
    "沃尔玛",
    "埃克森美孚",
    "英国石油公司",
    "花旗银行",
    "花旗集团",
    "摩根大通",
    "摩根士丹利",
    "高盛",
    "汇丰",
    "标准普尔",
    "惠誉",
    "诺基亚",
    "爱立信",
    "摩托罗拉",
    "苹果公司",
    "谷歌",
    "阿里巴巴",
    "腾讯",
    "百度",
    "华为",
    "中兴通讯",
    "联想集团",
];

/// Titles and roles a name may follow.
const TITLES: &[&str] = &[
    "书记",
    "副书记",
    "党组书记",
    "党委书记",
    "党工委书记",
    "党支部书记",
    "村支书",
    "省长",
    "副省长",
    "市长",
    "副市长",
    "县长",
    "副县长",
    "区长",
    "副区长",
    "镇长",
    "乡长",
    "村主任",
    "局长",
    "副局长",
    "厅长",
    "副厅长",
    "部长",
    "副部长",
    "处长",
    "副处长",
    "科长",
    "副科长",
    "主任",
    "副主任",
    "常务副主任",
    "主席",
    "副主席",
    "委员",
    "常委",
    "董事长",
    "副董事长",
    "总经理",
    "副总经理",
    "经理",
    "项目经理",
    "总裁",
    "首席执行官",
    "首席运营官",
    "首席财务官",
    "首席经济学家",
    "发言人",
    "新闻发言人",
    "院长",
    "副院长",
    "校长",
    "副校长",
    "所长",
    "站长",
    "馆长",
    "会长",
    "秘书长",
    "理事长",
    "社长",
    "总编辑",
    "主编",
    "记者",
    "全媒体记者",
    "见习记者",
    "本报记者",
    "特约记者",
    "首席记者",
    "通讯员",
    "实习生",
    "教授",
    "副教授",
    "研究员",
    "副研究员",
    "博士",
    "专家",
    "医生",
    "医师",
    "主任医师",
    "护士长",
    "工程师",
    "总工程师",
    "高级工程师",
    "律师",
    "法官",
    "检察官",
    "民警",
    "警官",
    "负责人",
    "工作人员",
    "创始人",
    "总监",
    "队长",
    "班长",
    "老师",
    "教练",
    "运动员",
    "选手",
    "大使",
    "总统",
    "总理",
    "首相",
    "国务委员",
    "主持人",
    "网格员",
    "志愿者",
    "种粮大户",
    "技术员",
    "指导员",
    "党员",
    "代表",
    "村民",
    "居民",
    "市民",
    "师傅",
    "董事",
    "监事",
    "合伙人",
];

/// Verbs of saying that follow a name.
const SPEECH: &[&str] = &[
    "说", "表示", "介绍", "指出", "回忆", "坦言", "认为", "强调", "笑称", "说道", "透露", "告诉",
    "解释", "谈到", "提到", "感慨", "建议", "呼吁", "补充", "直言", "称", "坦承", "感叹", "举例",
    "分析", "总结", "希望", "宣布",
];

/// Halves of Tibetan names: two in a row make a name (巴桑拉姆, 洛桑群培).
const TIBETAN: &[&str] = &[
    "洛桑", "群培", "巴桑", "拉姆", "扎西", "次仁", "达瓦", "尼玛", "多吉", "旦增", "丹增", "格桑",
    "央金", "卓玛", "德吉", "普布", "边巴", "平措", "索朗", "次旦", "顿珠", "罗布", "白玛", "曲珍",
    "仁增", "阿旺", "强巴", "益西", "琼达", "米玛", "嘎玛", "拉巴", "旺堆", "欧珠", "加措", "嘉措",
    "朗杰", "次珠", "桑珠", "土登", "贡布", "措姆", "拉珍", "德庆", "巴珠", "旺姆", "卓嘎", "玉珍",
    "尼珍", "格列", "群宗", "美朵", "仓决", "扎巴",
];

/// Words that end a name on its left: verbs that take an organisation as object, generic
/// nouns, and quantifier phrases.
const STOPS: &[&str] = &[
    "走进",
    "进入",
    "入职",
    "来自",
    "通过",
    "整合",
    "举行",
    "召开",
    "印发",
    "获批",
    "担任",
    "位于",
    "成为",
    "加入",
    "作为",
    "建立",
    "成立",
    "组建",
    "设立",
    "取消",
    "依托",
    "携手",
    "会同",
    "牵头",
    "发布",
    "出台",
    "开展",
    "实施",
    "落户",
    "签约",
    "还是",
    "就是",
    "以及",
    "包括",
    "其中",
    "企业",
    "项目",
    "单位",
    "部门",
    "各地",
    "全省",
    "全市",
    "全县",
    "全国",
    "我省",
    "我市",
    "本市",
    "本省",
    "多家",
    "两家",
    "一家",
    "这家",
    "毕业于",
    "联合",
    "分别",
    "主办",
    "承办",
    "指导",
    "支持",
    "推动",
    "引导",
    "参与",
    "组织",
    "协调",
    "对接",
    "同时",
    "等地",
    "新建",
    "扩建",
    "改扩建",
    "建成",
    "培育",
    "打造",
    "围绕",
    "面向",
    "服务于",
];

/// Characters that never stand inside a name: particles, prepositions, pronouns, adverbs.
pub(crate) fn is_stop_char(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '在'
            | '是'
            | '与'
            | '和'
            | '及'
            | '或'
            | '从'
            | '向'
            | '对'
            | '由'
            | '为'
            | '把'
            | '被'
            | '将'
            | '让'
            | '给'
            | '等'
            | '到'
            | '于'
            | '也'
            | '都'
            | '还'
            | '就'
            | '又'
            | '再'
            | '已'
            | '曾'
            | '并'
            | '而'
            | '但'
            | '即'
            | '这'
            | '那'
            | '其'
            | '该'
            | '各'
            | '每'
            | '我'
            | '你'
            | '他'
            | '她'
            | '它'
            | '们'
            | '之'
            | '个'
            | '名'
            | '位'
            | '次'
            | '所'
            | '着'
            | '过'
            | '很'
            | '更'
            | '最'
            | '以'
            | '如'
            | '若'
            | '则'
            | '却'
            | '才'
            | '只'
            | '要'
            | '能'
            | '可'
            | '不'
            | '没'
            | '吗'
            | '呢'
            | '吧'
            | '啊'
            | '得'
            | '此'
    )
}

/// Characters that usually begin the word after a name (李永军表示, 王利热忱, 唐伏莲带着):
/// when the third character of a candidate is one of these, the name has two.
pub(crate) fn often_follows_name(c: char) -> bool {
    is_stop_char(c)
        || matches!(
            c,
            '说' | '表'
                | '介'
                | '指'
                | '回'
                | '坦'
                | '认'
                | '强'
                | '笑'
                | '称'
                | '带'
                | '率'
                | '来'
                | '去'
                | '告'
                | '希'
                | '提'
                | '讲'
                | '谈'
                | '透'
                | '感'
                | '正'
                | '现'
                | '今'
                | '昨'
                | '当'
                | '随'
                | '出'
                | '参'
                | '作'
                | '担'
                | '主'
                | '任'
                | '热'
                | '一'
                | '亲'
                | '先'
                | '同'
                | '接'
                | '深'
                | '积'
                | '始'
                | '早'
                | '已'
                | '刚'
                | '常'
        )
}

/// Everything entity extraction looks words up in.
#[derive(Debug)]
pub(crate) struct Lexicon {
    pub trie: CharTrie,
    pub words: Vec<Word>,
    surnames: HashSet<char>,
    surname_bits: Vec<u64>,
    double_surnames: HashSet<(char, char)>,
    generic: HashSet<&'static str>,
    not_people: HashSet<&'static str>,
    transliteration: HashSet<char>,
}

impl Lexicon {
    /// The lexicon, built on first use and shared by every thread.
    pub fn get() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(Lexicon::build)
    }

    fn build() -> Lexicon {
        // Later entries for the same word do not replace earlier ones: organisation and cue
        // words come first so that 新华社 is not read as a place.
        let mut index: HashMap<String, Word> = HashMap::new();
        let mut add = |word: String, what: Word| {
            index.entry(word).or_insert(what);
        };
        for w in ORGANIZATIONS {
            add((*w).to_string(), Word::Organization);
        }
        for &(w, head) in HEADS {
            add(w.to_string(), Word::Head(head));
        }
        for stem in STEMS {
            for head in STEM_HEADS {
                add(format!("{stem}{head}"), Word::Head(Head::Named));
            }
        }
        for w in TITLES {
            add((*w).to_string(), Word::Title);
        }
        for w in SPEECH {
            add((*w).to_string(), Word::Speech);
        }
        for w in TIBETAN {
            add((*w).to_string(), Word::NamePart);
        }
        for w in STOPS {
            add((*w).to_string(), Word::Stop);
        }
        let mut provinces = Vec::new();
        let mut prefectures = Vec::new();
        for line in PLACES
            .lines()
            .chain(WORLD.lines())
            .filter(|l| !l.starts_with('#'))
        {
            let mut fields = line.split('\t');
            let (Some(name), Some(canonical), Some(code), Some(level)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            match level {
                "province" => provinces.push(name),
                "prefecture" => prefectures.push(name),
                _ => {}
            }
            let county_short = level == "county" && name != canonical;
            add(
                name.to_string(),
                Word::Place {
                    canonical,
                    code,
                    county_short,
                },
            );
        }
        // 湖南省委 is the party committee of 湖南省, not 湖南省 followed by 委…
        for name in provinces {
            for body in ["省委", "省政府", "省人大常委会", "省政协", "省纪委"] {
                let base = name.trim_end_matches('省');
                add(format!("{base}{body}"), Word::Organization);
            }
        }
        for name in prefectures {
            for body in ["市委", "市政府", "市人大常委会", "市政协", "市纪委"] {
                let base = name.trim_end_matches('市');
                add(format!("{base}{body}"), Word::Organization);
            }
        }
        let mut entries: Vec<(String, Word)> = index.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let trie = CharTrie::new(entries.iter().map(|(w, _)| w.as_str()));
        let words = entries.into_iter().map(|(_, w)| w).collect();

        let mut surnames = HashSet::new();
        let mut double_surnames = HashSet::new();
        for line in SURNAMES.lines().filter(|l| !l.starts_with('#')) {
            let Some((s, class)) = line.split_once('\t') else {
                continue;
            };
            let mut chars = s.chars();
            // Both single classes are read alike: a name needs context either way.
            match (chars.next(), chars.next(), class) {
                (Some(a), Some(b), "double") => {
                    double_surnames.insert((a, b));
                }
                (Some(a), None, _) => {
                    surnames.insert(a);
                }
                _ => {}
            }
        }
        let generic = GENERIC.iter().chain(STEMS).copied().collect();
        Lexicon {
            trie,
            words,
            surname_bits: {
                let mut bits = vec![0u64; HAN_BITS.div_ceil(64)];
                for &c in &surnames {
                    if let Some(k) = (c as usize)
                        .checked_sub(HAN_START)
                        .filter(|&k| k < HAN_BITS)
                    {
                        bits[k / 64] |= 1 << (k % 64);
                    }
                }
                bits
            },
            surnames,
            double_surnames,
            generic,
            not_people: NOT_PEOPLE
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect(),
            transliteration: NAME_CHARS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(str::chars)
                .filter(|c| !c.is_whitespace())
                .collect(),
        }
    }

    /// Whether `c` is a single-character surname.
    pub fn is_surname(&self, c: char) -> bool {
        // A bit per character of the CJK block: the tagger asks this at every character.
        match (c as usize).checked_sub(HAN_START) {
            Some(k) if k < HAN_BITS => self.surname_bits[k / 64] >> (k % 64) & 1 == 1,
            // Below the Han blocks (Latin, digits, punctuation): no surname, no lookup.
            _ if (c as u32) < 0x3400 => false,
            _ => self.surnames.contains(&c),
        }
    }

    /// Whether `word` is never a person in the MSRA training text (祝福, 谢谢, 干部).
    pub fn is_not_person(&self, word: &str) -> bool {
        self.not_people.contains(word)
    }

    /// Whether every character of `name` is one of transliterated names (克林顿).
    pub fn is_transliterated(&self, name: &[char]) -> bool {
        name.iter().all(|c| self.transliteration.contains(c))
    }

    /// The full name a one-character place stands for (中 → 中国), if it stands for one.
    pub fn short_place(&self, c: char) -> Option<&'static str> {
        SHORT_PLACES
            .iter()
            .find(|(s, _)| *s == c)
            .map(|(_, full)| *full)
    }

    /// Whether two characters are a double surname (欧阳).
    pub fn is_double_surname(&self, a: char, b: char) -> bool {
        self.double_surnames.contains(&(a, b))
    }

    /// Whether `body` is made only of generic words (高水平本科, 政务服务): such a body before a
    /// head names a kind of organisation, not one organisation.
    pub fn is_generic(&self, body: &[char]) -> bool {
        // Cover the body with generic words of two to five characters, left to right.
        let mut reach = vec![false; body.len() + 1];
        reach[0] = true;
        let mut word = String::new();
        for i in 0..body.len() {
            if !reach[i] {
                continue;
            }
            for len in 1..=7.min(body.len() - i) {
                word.clear();
                word.extend(&body[i..i + len]);
                if self.generic.contains(word.as_str()) {
                    reach[i + len] = true;
                }
            }
        }
        reach[body.len()]
    }
}

/// Modifiers that describe a kind of organisation rather than name one.
const GENERIC: &[&str] = &[
    "优质",
    "薄弱",
    "高职",
    "本科",
    "普通",
    "重点",
    "相关",
    "有关",
    "各级",
    "各类",
    "国家级",
    "省级",
    "市级",
    "县级",
    "高水平",
    "职业",
    "公办",
    "民办",
    "农村",
    "城市",
    "基层",
    "新",
    "大型",
    "中小",
    "小微",
    "龙头",
    "骨干",
    "配套",
    "规上",
    "上市",
    "国有",
    "民营",
    "外资",
    "开发",
    "基础",
    "专业",
    "示范",
    "试点",
    "便民",
    "一级",
    "二级",
    "三级",
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "村",
    "社区",
    "街道",
    "地方",
    "当地",
    "本地",
    "附近",
    "周边",
    "重大",
    "高校",
    "院校",
    "医院",
    "学校",
    "幼儿园",
    "银行",
    "公司",
    "多所",
    "所属",
    "下属",
    "直属",
    "定点",
    "指定",
    "合作",
    "共建",
    "双",
];

//! A trie over characters that finds a word list's leftmost-longest matches in a text
//! already held as characters.
//!
//! Why not a byte automaton: the lexicon's ten thousand Han words make a byte DFA of about
//! 25 MB, three transitions a character, and a text's scan is then bound by cache misses.
//! Here the first character of a match is looked up in a table of the Basic Multilingual
//! Plane (256 KB, one load a character), and only where a word can start does the walk go
//! on through the few children of each node; most positions end at the first load. Matches
//! are those of a leftmost-longest automaton: at the first position where any word starts,
//! the longest word starting there, then the search goes on after it.

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Node {
    /// This node's children: `edges[first..first + len]`, sorted by character.
    first: u32,
    len: u32,
    /// The word that ends here, if any.
    word: u32,
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct CharTrie {
    /// The child of the root for each character of the Basic Multilingual Plane (`NONE`
    /// when no word starts with it).
    root_bmp: Vec<u32>,
    /// The root's children outside it, sorted.
    root_other: Vec<(char, u32)>,
    nodes: Vec<Node>,
    edges: Vec<(char, u32)>,
    /// A bit for each hash of a character pair some word of two or more characters opens
    /// with (128 KB): most positions where a word's first character stands are no word's
    /// first two, and end on this bit without a search through the node's children.
    pairs: Vec<u64>,
    /// For each character of the Basic Multilingual Plane: 1 if a word opens with it, 2 if
    /// it is a word by itself (64 KB, read by the branch-free pass of [`CharTrie::find_iter`]).
    flags: Vec<u8>,
}

/// Bits of [`CharTrie::pairs`].
const PAIR_BITS: u32 = 20;

fn pair_bit(a: char, b: char) -> usize {
    let h = (u64::from(a as u32) << 21 | u64::from(b as u32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - PAIR_BITS)) as usize
}

impl CharTrie {
    /// The trie of `words`; a match reports the word's index. Empty words are left out, and
    /// of two equal words the first is reported.
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        // Built as sorted child lists, then laid out flat.
        let mut children: Vec<Vec<(char, u32)>> = vec![Vec::new()];
        let mut ends: Vec<u32> = vec![NONE];
        let mut pairs = vec![0u64; 1 << (PAIR_BITS - 6)];
        for (w, word) in words.into_iter().enumerate() {
            let mut opening = word.chars();
            if let (Some(a), Some(b)) = (opening.next(), opening.next()) {
                let bit = pair_bit(a, b);
                pairs[bit / 64] |= 1 << (bit % 64);
            }
            let mut node = 0usize;
            for c in word.chars() {
                let next = match children[node].binary_search_by_key(&c, |e| e.0) {
                    Ok(at) => children[node][at].1 as usize,
                    Err(at) => {
                        let id = children.len();
                        children[node].insert(at, (c, id as u32));
                        children.push(Vec::new());
                        ends.push(NONE);
                        id
                    }
                };
                node = next;
            }
            if node != 0 && ends[node] == NONE {
                ends[node] = w as u32;
            }
        }
        let mut root_bmp = vec![NONE; 1 << 16];
        let mut root_other = Vec::new();
        for &(c, id) in &children[0] {
            match u16::try_from(c as u32) {
                Ok(bmp) => root_bmp[usize::from(bmp)] = id,
                Err(_) => root_other.push((c, id)),
            }
        }
        let mut nodes = Vec::with_capacity(children.len());
        let mut edges = Vec::new();
        for (list, &word) in children.iter().zip(&ends) {
            nodes.push(Node {
                first: edges.len() as u32,
                len: list.len() as u32,
                word,
            });
            edges.extend_from_slice(list);
        }
        let flags = root_bmp
            .iter()
            .map(|&node| match node {
                NONE => 0,
                node if ends[node as usize] != NONE => 3,
                _ => 1,
            })
            .collect();
        CharTrie {
            root_bmp,
            root_other,
            nodes,
            edges,
            pairs,
            flags,
        }
    }

    fn root_child(&self, c: char) -> u32 {
        match u16::try_from(c as u32) {
            Ok(bmp) => self.root_bmp[usize::from(bmp)],
            Err(_) => self
                .root_other
                .binary_search_by_key(&c, |e| e.0)
                .map_or(NONE, |at| self.root_other[at].1),
        }
    }

    fn child(&self, node: u32, c: char) -> u32 {
        let n = self.nodes[node as usize];
        let edges = &self.edges[n.first as usize..(n.first + n.len) as usize];
        if edges.len() <= 8 {
            edges.iter().find(|e| e.0 == c).map_or(NONE, |e| e.1)
        } else {
            edges
                .binary_search_by_key(&c, |e| e.0)
                .map_or(NONE, |at| edges[at].1)
        }
    }

    /// The longest word starting at `chars[at]`: (its length in characters, its index).
    fn longest_at(&self, chars: &[char], at: usize) -> Option<(usize, u32)> {
        let mut node = self.root_child(chars[at]);
        let mut best = None;
        let mut len = 1;
        while node != NONE {
            let word = self.nodes[node as usize].word;
            if word != NONE {
                best = Some((len, word));
            }
            match chars.get(at + len) {
                Some(&c) => node = self.child(node, c),
                None => break,
            }
            len += 1;
        }
        best
    }

    /// Whether a word may start at each of `chars[base..base + 64]` (bit k for `base + k`),
    /// computed without a branch a position: where a word opens with the character and,
    /// unless the character is a word itself, with the pair it begins.
    fn starts(&self, chars: &[char], base: usize) -> u64 {
        let end = chars.len().min(base + 64);
        let mut mask = 0u64;
        for (k, at) in (base..end).enumerate() {
            let c = chars[at];
            let flags = match u16::try_from(c as u32) {
                Ok(bmp) => self.flags[usize::from(bmp)],
                // Outside the plane: looked at by the walk itself.
                Err(_) => 3,
            };
            let pair = match chars.get(at + 1) {
                Some(&next) => {
                    let bit = pair_bit(c, next);
                    (self.pairs[bit / 64] >> (bit % 64)) as u8 & 1
                }
                None => 1,
            };
            let may = flags & 1 & ((flags >> 1) | pair);
            mask |= u64::from(may) << k;
        }
        mask
    }

    /// The leftmost-longest matches in `chars`, in order: (start, end, word index), offsets
    /// in characters.
    ///
    /// A first pass marks 64 positions at a time where a word may start (most positions of
    /// a text are none, and a branch a position mispredicts on them); the walk runs at the
    /// marked ones only.
    pub(crate) fn find_iter<'t>(
        &'t self,
        chars: &'t [char],
    ) -> impl Iterator<Item = (usize, usize, u32)> + 't {
        let mut at = 0;
        let mut base = 0;
        let mut mask = if chars.is_empty() {
            0
        } else {
            self.starts(chars, 0)
        };
        std::iter::from_fn(move || {
            while at < chars.len() {
                if at >= base + 64 {
                    base = at - at % 64;
                    mask = self.starts(chars, base);
                }
                let ahead = mask >> (at - base);
                if ahead == 0 {
                    at = base + 64;
                    continue;
                }
                at += ahead.trailing_zeros() as usize;
                if let Some((len, word)) = self.longest_at(chars, at) {
                    let start = at;
                    at += len;
                    return Some((start, at, word));
                }
                at += 1;
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Leftmost-longest by brute force: every word tried at every position.
    fn naive(words: &[&str], text: &[char]) -> Vec<(usize, usize, u32)> {
        let words: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
        let mut found = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let best = words
                .iter()
                .enumerate()
                .filter(|(_, w)| !w.is_empty() && text[at..].starts_with(w))
                // Longest first; of equal words, the first.
                .min_by_key(|(i, w)| (std::cmp::Reverse(w.len()), *i));
            match best {
                Some((i, w)) => {
                    found.push((at, at + w.len(), i as u32));
                    at += w.len();
                }
                None => at += 1,
            }
        }
        found
    }

    #[test]
    fn matches_are_the_leftmost_longest_of_a_brute_force_search() {
        let words = [
            "湘潭",
            "湘潭市",
            "湘潭高新区",
            "高新区",
            "新区",
            "区",
            "有限公司",
            "公司",
            "湖南",
            "湖南省",
            "",
            "湘潭",
            "𠀀字",
            "A股",
        ];
        let texts = [
            "湘潭高新区管委会与湘潭市湖南昭山有限公司签约，湖南省高新区",
            "湘潭高新",
            "𠀀字与A股在区内",
            "",
            "高新区新区区",
        ];
        let trie = CharTrie::new(words);
        for text in texts {
            let chars: Vec<char> = text.chars().collect();
            let found: Vec<_> = trie.find_iter(&chars).collect();
            assert_eq!(found, naive(&words, &chars), "{text}");
        }
        let chars: Vec<char> = "湘潭高新区".chars().collect();
        assert_eq!(trie.find_iter(&chars).next(), Some((0, 5, 2)));
        // Of two equal words, the first is reported.
        let chars: Vec<char> = "湘潭".chars().collect();
        assert_eq!(trie.find_iter(&chars).next(), Some((0, 2, 0)));
    }

    #[test]
    fn a_large_word_list_agrees_with_brute_force_on_generated_text() {
        // Words and text from a small alphabet, so that words overlap and nest often.
        let alphabet: Vec<char> = "湘潭市区县新高公司".chars().collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let words: Vec<String> = (0..300)
            .map(|_| {
                (0..1 + next(4))
                    .map(|_| alphabet[next(alphabet.len())])
                    .collect()
            })
            .collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let trie = CharTrie::new(refs.iter().copied());
        let text: Vec<char> = (0..2000).map(|_| alphabet[next(alphabet.len())]).collect();
        assert_eq!(
            trie.find_iter(&text).collect::<Vec<_>>(),
            naive(&refs, &text)
        );
    }
}

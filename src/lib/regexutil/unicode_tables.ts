// Named character classes: Perl (\d \s \w), POSIX ([:alpha:]) and Unicode (\pL, \p{Greek}).
//
// Perl and POSIX classes are ASCII-only, as in Go. Unicode general categories and
// scripts are computed on first use from JavaScript's own \p{...} tables (so they
// follow the Unicode version of the running Node, which may be newer than Go's) and
// cached per name. Names are looked up like Go 1.25 does: case-insensitively,
// ignoring spaces, underscores and hyphens, with the long category aliases
// ("Letter" for "L") and the special names Any, ASCII and Assigned.

import { MAX_RUNE } from "./char_class.ts";

const PERL_CLASSES: Record<string, readonly number[]> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

/** perlClass returns the ranges of \d, \s or \w for letter "d", "s" or "w" (any case: the caller negates upper case), else undefined. */
export function perlClass(letter: string): readonly number[] | undefined {
  return PERL_CLASSES[letter.toLowerCase()];
}

/** WORD_CLASS is the ASCII word class \w used by \b and \B. */
export const WORD_CLASS: readonly number[] = PERL_CLASSES["w"]!;

const POSIX_CLASSES: Record<string, readonly number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** posixClass returns the ranges of [:name:] (name without colons or ^), else undefined. */
export function posixClass(name: string): readonly number[] | undefined {
  return Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
}

// General categories: the short name, then its long aliases (PropertyValueAliases.txt).
const CATEGORIES = [
  "C Other", "Cc Control cntrl", "Cf Format", "Cn Unassigned", "Co Private_Use", "Cs Surrogate",
  "L Letter", "LC Cased_Letter", "Ll Lowercase_Letter", "Lm Modifier_Letter", "Lo Other_Letter",
  "Lt Titlecase_Letter", "Lu Uppercase_Letter",
  "M Mark Combining_Mark", "Mc Spacing_Mark", "Me Enclosing_Mark", "Mn Nonspacing_Mark",
  "N Number", "Nd Decimal_Number digit", "Nl Letter_Number", "No Other_Number",
  "P Punctuation punct", "Pc Connector_Punctuation", "Pd Dash_Punctuation", "Pe Close_Punctuation",
  "Pf Final_Punctuation", "Pi Initial_Punctuation", "Po Other_Punctuation", "Ps Open_Punctuation",
  "S Symbol", "Sc Currency_Symbol", "Sk Modifier_Symbol", "Sm Math_Symbol", "So Other_Symbol",
  "Z Separator", "Zl Line_Separator", "Zp Paragraph_Separator", "Zs Space_Separator",
];

// Script names (long form) of Unicode 16; a name the running Node does not know is rejected.
/** SCRIPTS lists the script names accepted by \p{...}. */
export const SCRIPTS = [
  "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah",
  "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal",
  "Carian", "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform",
  "Cypriot", "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan",
  "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Garay", "Georgian", "Glagolitic", "Gothic", "Grantha",
  "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Gurung_Khema", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo",
  "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian",
  "Javanese", "Kaithi", "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer",
  "Khojki", "Khudawadi", "Kirat_Rai", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian",
  "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin",
  "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro",
  "Multani", "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu",
  "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Ol_Onal", "Old_Hungarian", "Old_Italic", "Old_North_Arabian",
  "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Old_Uyghur", "Oriya", "Osage",
  "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang",
  "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
  "Sora_Sompeng", "Soyombo", "Sundanese", "Sunuwar", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le",
  "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh",
  "Tirhuta", "Todhri", "Toto", "Tulu_Tigalari", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi",
  "Yi", "Zanabazar_Square",
];

function looseName(name: string): string {
  return name.toLowerCase().replace(/[ _-]/g, "");
}

// looseName -> the property expression JavaScript understands.
let propertyByName: Map<string, string> | undefined;

function properties(): Map<string, string> {
  if (propertyByName !== undefined) return propertyByName;
  const m = new Map<string, string>();
  for (const n of ["Any", "ASCII", "Assigned"]) m.set(looseName(n), n);
  for (const group of CATEGORIES) {
    const names = group.split(" ");
    for (const n of names) m.set(looseName(n), `gc=${names[0]}`);
  }
  for (const n of SCRIPTS) {
    const key = looseName(n);
    if (m.has(key)) continue;
    try {
      new RegExp(`\\p{sc=${n}}`, "u");
      m.set(key, `sc=${n}`);
    } catch {
      // This Node's Unicode tables predate the script.
    }
  }
  propertyByName = m;
  return m;
}

const tableCache = new Map<string, readonly number[]>();

// allCodePoints returns a string holding every code point but the surrogates, in order:
// 0..D7FF, E000..FFFF as single units, then 10000..10FFFF as pairs.
function allCodePoints(): string {
  const u16 = new Uint16Array(0xf800 + 2 * 0x100000);
  for (let c = 0; c < 0xd800; c++) u16[c] = c;
  for (let c = 0xe000; c < 0x10000; c++) u16[c - 0x800] = c;
  let j = 0xf800;
  for (let v = 0; v < 0x100000; v++) {
    u16[j++] = 0xd800 + (v >> 10);
    u16[j++] = 0xdc00 + (v & 0x3ff);
  }
  return Buffer.from(u16.buffer).toString("utf16le");
}

function indexToCodePoint(i: number): number {
  if (i < 0xd800) return i;
  if (i < 0xf800) return i + 0x800;
  return 0x10000 + ((i - 0xf800) >> 1);
}

function computeTable(property: string): number[] {
  if (property === "Any") return [0, MAX_RUNE];
  if (property === "ASCII") return [0, 0x7f];
  const s = allCodePoints();
  const re = new RegExp(`\\p{${property}}+`, "gu");
  const out: number[] = [];
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const lo = indexToCodePoint(m.index);
    const hi = indexToCodePoint(m.index + m[0].length - 1);
    out.push(lo, hi);
  }
  return out;
}

/**
 * unicodeClass returns the clean class named by a \p{name} (without the ^ negation),
 * or undefined when the name is unknown. Whether surrogate code points are included
 * does not matter: they never occur in decoded input. The returned array is shared
 * and frozen.
 */
export function unicodeClass(name: string): readonly number[] | undefined {
  const property = properties().get(looseName(name));
  if (property === undefined) return undefined;
  let t = tableCache.get(property);
  if (t === undefined) {
    t = Object.freeze(computeTable(property));
    tableCache.set(property, t);
  }
  return t;
}

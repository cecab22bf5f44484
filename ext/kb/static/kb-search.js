/*
 * kb search: Japanese full-text search over kb's chunked index (kb-search/).
 *
 * Loaded on every page: it answers under the theme's search box as one types,
 * and on Sphinx's search page, whose Search.query hands each query here (see
 * kb/searching.py). Index files are scripts, so a site opened from disk
 * (file://) searches too. kb/search/store.py writes them and documents their
 * layout.
 *
 * The tokenizer below must give the same tokens as kb/search/tokenizer.py,
 * which builds the index; tests/test_search_tokenizer.py runs both on the
 * same samples.
 */
"use strict";

var KbSearchTokenizer = (() => {
  // Must match CJK_RANGES, SPACES, SEPARATORS and QUOTES in tokenizer.py.
  const CJK =
    "\\u3005-\\u3007\\u3041-\\u309f\\u30a1-\\u30fa\\u30fc-\\u30ff\\u31f0-\\u31ff" +
    "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  const SPACES = " \\t\\r\\x0b\\x0c\\x85\\u1680\\u2028\\u2029";
  const SEPARATORS = "\\n\\x1f";
  const QUOTES = "\"\u201c\u201d\u300c\u300d\u300e\u300f";
  const CJK_CLASS = `[${CJK}]`;
  const WORD = `(?:(?!${CJK_CLASS})[\\p{L}\\p{N}])`;
  const OTHER = `(?:${CJK_CLASS}|[^\\p{L}\\p{N}${SPACES}${SEPARATORS}])`;
  const UNITS_SOURCE = `(${WORD}+)|(${OTHER}+)`;
  const WORD_ONE = new RegExp(`^${WORD}$`, "u");
  const SOFT = `[${SPACES}]+`;
  const JAPANESE_SPACE = new RegExp(`(?<=${CJK_CLASS})${SOFT}|${SOFT}(?=${CJK_CLASS})`, "gu");
  const PIECES = new RegExp(`[^${SPACES}${SEPARATORS}]+`, "gu");
  const HIRAGANA = "\\u3041-\\u309f";
  const PARTICLES = ["から", "まで", "との", "の", "と", "を", "に", "は", "が", "で", "や", "へ"];
  const PARTICLE_RUN = `(?:${PARTICLES.join("|")})+`;
  const PARTICLE_SPLIT = new RegExp(`(?<=[^${HIRAGANA}])${PARTICLE_RUN}(?=[^${HIRAGANA}]|$)`, "u");
  const LEADING_PARTICLES = new RegExp(`^${PARTICLE_RUN}(?=[^${HIRAGANA}])`, "u");

  const unitsRe = () => new RegExp(UNITS_SOURCE, "gu");

  const foldWidthAndCase = (text) => text.normalize("NFKC").toLowerCase().normalize("NFKC");
  const compact = (folded) => folded.replace(JAPANESE_SPACE, "");
  const isWordChar = (char) => WORD_ONE.test(char);

  // Offsets and lengths in code points, not UTF-16 units, as in Python:
  // a kanji outside the BMP is one character.
  const points = (text) => Array.from(text);
  const trim = (text) => {
    const chars = points(text);
    let start = 0;
    let end = chars.length;
    while (start < end && QUOTES.includes(chars[start])) start++;
    while (end > start && QUOTES.includes(chars[end - 1])) end--;
    return chars.slice(start, end).join("");
  };

  /** Keys with positions (words and pairs) of a text, as tokenizer.scan finds them. */
  const tokens = (text) => {
    const compacted = compact(foldWidthAndCase(text));
    const first = new Map();
    const note = (key, at) => {
      if (!first.has(key)) first.set(key, at);
    };
    let end = -1;
    let previous = null; // the unit just before, when it is a word (code points)
    let last = "";
    for (const match of compacted.matchAll(unitsRe())) {
      let unit = points(match[0]);
      const at = points(compacted.slice(0, match.index)).length;
      if (match[1] !== undefined) {
        note(match[1], at);
        if (at === end) {
          note(last + unit[0], at - 1);
          if (unit.length > 1) note(last + unit[0] + unit[1], at - 1);
        }
        previous = unit;
      } else {
        let start = at;
        if (at === end && previous) {
          if (previous.length > 1) note(previous.slice(-2).join("") + unit[0], at - 2);
          unit = [last, ...unit];
          start -= 1;
        }
        for (let i = 0; i + 1 < unit.length; i++) note(unit[i] + unit[i + 1], start + i);
        previous = null;
      }
      end = at + points(match[0]).length;
      last = unit[unit.length - 1];
    }
    return [...first.entries()]
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key]) => key);
  };

  const splitParticles = (segment) =>
    segment
      .replace(LEADING_PARTICLES, "")
      .split(new RegExp(PARTICLE_SPLIT.source, "gu"))
      .filter((piece) => piece);

  /** The keys of a part, with their offsets in code points; see tokenizer.QueryToken. */
  const queryTokens = (part) => {
    const chars = points(part);
    if (chars.length === 1 && !isWordChar(part)) return [{ text: part, offset: 0, kind: "char", before: false, after: false }];
    const found = [];
    for (const match of part.matchAll(unitsRe())) {
      if (match[1] === undefined) continue;
      const offset = points(part.slice(0, match.index)).length;
      const length = points(match[1]).length;
      const before = offset === 0;
      const after = offset + length === chars.length;
      found.push({ text: match[1], offset, kind: "word", before, after });
      // A two-letter first or last word is proven with the character beside it.
      if (length === 2 && before && !after)
        found.push({ text: chars.slice(0, 3).join(""), offset: 0, kind: "pair", before: false, after: false });
      else if (length === 2 && after && !before)
        found.push({ text: chars.slice(offset - 1).join(""), offset: offset - 1, kind: "pair", before: false, after: false });
    }
    for (let i = 0; i + 1 < chars.length; i++) {
      if (isWordChar(chars[i]) && isWordChar(chars[i + 1])) continue;
      found.push({ text: chars[i] + chars[i + 1], offset: i, kind: "pair", before: false, after: false });
    }
    return found.sort((a, b) => a.offset - b.offset || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  };

  const queryParts = (query) => {
    const parts = [];
    const seen = new Set();
    for (const segment of foldWidthAndCase(query).match(PIECES) || []) {
      for (let piece of splitParticles(trim(segment))) {
        piece = trim(piece);
        if (!piece || seen.has(piece)) continue;
        seen.add(piece);
        parts.push({ text: piece, tokens: queryTokens(piece) });
      }
    }
    return parts;
  };

  return { foldWidthAndCase, compact, tokens, queryParts, isWordChar, points, CJK_CLASS, SPACES };
})();


/*
 * The query engine; no DOM, so node can test it with a loader that reads files.
 *
 * loader: { manifest(), chunk(bucket), positions(bucket) } returning promises
 * of the data the index scripts pass to KbSearch.*.
 *
 * A page matches when its folded text (title, names, excerpt, body) contains
 * every part of the query. Postings give the candidates; a part of one token
 * is proven by them; a longer part is proven by the positions of a few of its
 * tokens, so the count is exact without reading a page.
 */
var KbSearchEngine = (() => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const VALUE = {};
  Array.from(ALPHABET).forEach((char, value) => (VALUE[char] = value));
  // Prefixes folding never leaves in a text (see pagekeys.py).
  const UNIGRAM = "\u2126";
  const GRAM = "\u212b";
  const GRAM_MAX = 3;
  // A first or last word that ends or starts words spread over more chunks
  // than this is proven from the pages' text: their positions would cost more.
  const MAX_EDGE_BUCKETS = 16;

  // Page lists as kb/search/index.py packs them: a number, "~" and a bitmap,
  // or gaps of five bits per character with a continuation bit.
  const decode = (value) => {
    if (value === undefined || value === null || value === "") return [];
    if (typeof value === "number") return [value];
    if (Array.isArray(value)) return value;
    const pages = [];
    if (value[0] === "~") {
      for (let cell = 1; cell < value.length; cell++) {
        const bits = VALUE[value[cell]];
        for (let bit = 0; bit < 6; bit++) if ((bits >> bit) & 1) pages.push((cell - 1) * 6 + bit);
      }
      return pages;
    }
    return decodeGaps(value);
  };
  const decodeGaps = (value) => {
    const out = [];
    let previous = -1;
    let gap = 0;
    let shift = 0;
    for (let i = 0; i < value.length; i++) {
      const bits = VALUE[value[i]];
      gap += (bits & 31) * 2 ** shift;
      if (bits & 32) {
        shift += 5;
        continue;
      }
      previous += gap + 1;
      out.push(previous);
      gap = 0;
      shift = 0;
    }
    return out;
  };

  // FNV-1a over code points, as bucket_of in files.py.
  const bucketOf = (key, count) => {
    let hash = 2166136261;
    for (const char of key) {
      hash ^= char.codePointAt(0);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return hash & (count - 1);
  };

  const EMPTY = { pages: new Set(), title: new Set(), names: new Set(), excerpt: new Set(), code: new Set(), words: [] };
  const intersect = (a, b) => {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    const out = new Set();
    for (const doc of small) if (large.has(doc)) out.add(doc);
    return out;
  };
  const union = (sets) => {
    const out = new Set();
    for (const set of sets) for (const doc of set) out.add(doc);
    return out;
  };
  const { points } = KbSearchTokenizer;

  const create = (loader) => {
    const entries = new Map();
    const positionMaps = new Map();

    const entry = (key) => {
      if (!entries.has(key)) {
        entries.set(
          key,
          loader.manifest().then((manifest) =>
            loader.chunk(bucketOf(key, manifest.t)).then((chunk) => {
              const value = Object.prototype.hasOwnProperty.call(chunk, key) ? chunk[key] : undefined;
              if (value === undefined) return EMPTY;
              let items = Array.isArray(value) ? value : [value];
              let words = [];
              if (items.length && Array.isArray(items[items.length - 1])) {
                words = items[items.length - 1];
                items = items.slice(0, -1);
              }
              return {
                pages: new Set(decode(items[0])),
                title: new Set(decode(items[1])),
                names: new Set(decode(items[2])),
                excerpt: new Set(decode(items[3])),
                // Pages holding the key in code only: they rank below prose.
                code: new Set(decode(items[4])),
                words,
              };
            }),
          ),
        );
      }
      return entries.get(key);
    };

    // token -> Map(page -> packed offsets), decoded per page only when asked.
    const positionsOf = (key) => {
      if (!positionMaps.has(key)) {
        positionMaps.set(
          key,
          loader.manifest().then((manifest) =>
            loader.positions(bucketOf(key, manifest.x)).then((chunk) => {
              const value = Object.prototype.hasOwnProperty.call(chunk, key) ? chunk[key] : undefined;
              const map = new Map();
              if (value === undefined) return map;
              const pages = decode(value[0]);
              const packed = value[1].split(",");
              pages.forEach((page, index) => map.set(page, packed[index]));
              return map;
            }),
          ),
        );
      }
      return positionMaps.get(key);
    };

    /**
     * Words of the site a word of the query can be, with the pages holding
     * them: any word containing it (a part that is one word), a word ending
     * with it (the part's first word, ``before``) or starting with it (its
     * last, ``after``). ``tooMany`` when positions would cost more than the
     * pages' text: the part is then proven by the text.
     */
    const latin = async (token) => {
      const { text, before, after } = token;
      const chars = points(text);
      const gram = await entry(GRAM + chars.slice(0, GRAM_MAX).join(""));
      const fits =
        before && after
          ? (word) => word.includes(text)
          : before
            ? (word) => word.endsWith(text)
            : (word) => word.startsWith(text);
      const words = gram.words.filter(fits);
      if (before && after && chars.length <= GRAM_MAX) return { ...gram, words };
      const manifest = await loader.manifest();
      const buckets = new Set(words.map((word) => bucketOf(word, manifest.t)));
      if (buckets.size > MAX_EDGE_BUCKETS) return { ...gram, words, tooMany: true };
      const found = await Promise.all(words.map((word) => entry(word)));
      // In code only where none of the words is held outside code.
      const prose = union(found.map((e) => [...e.pages].filter((doc) => !e.code.has(doc))));
      return {
        pages: union(found.map((e) => e.pages)),
        title: union(found.map((e) => e.title)),
        names: union(found.map((e) => e.names)),
        excerpt: union(found.map((e) => e.excerpt)),
        code: new Set([...union(found.map((e) => e.code))].filter((doc) => !prose.has(doc))),
        words,
      };
    };

    /** The postings of one key of a part; null for a key the part does not need. */
    const resolve = (token, part) => {
      if (token.kind === "pair") return entry(token.text);
      if (token.kind === "char") return entry(UNIGRAM + token.text);
      if (!token.before && !token.after) return entry(token.text);
      // One or two letters at an edge are covered by the pair beside them.
      if (!(token.before && token.after) && points(token.text).length <= 2) return null;
      return latin(token);
    };

    /** Pages holding every key of each part, and the fields they hold them in. */
    /**
     * The keys of a part worth loading: the fewest whose spans cover all its
     * characters (longest first), as their positions will prove the part.
     * Every key when one of them cannot be located by positions (tooMany):
     * the candidates whose text is read are then as few as all keys make them.
     */
    const worthLoading = (part) => {
      const length = points(part.text).length;
      const spans = part.tokens
        .map((token, index) => ({ token, index, start: token.offset, end: token.offset + points(token.text).length - 1 }))
        .filter(({ token }) => !(token.kind === "word" && token.before !== token.after && points(token.text).length <= 2));
      const chosen = new Set();
      let covered = -1;
      while (covered < length - 1) {
        let best = null;
        for (const span of spans)
          if (span.start <= covered + 1 && span.end > covered && (best === null || span.end > best.end)) best = span;
        if (best === null) return part.tokens.map((token, index) => index);
        chosen.add(best.index);
        covered = best.end;
      }
      return [...chosen];
    };

    const resolvePart = async (part) => {
      const found = part.tokens.map(() => null);
      const load = (indexes) => Promise.all(indexes.map(async (index) => (found[index] = await resolve(part.tokens[index], part))));
      await load(worthLoading(part));
      if (found.some((entry) => entry && entry.tooMany))
        await load(part.tokens.map((token, index) => index).filter((index) => found[index] === null));
      return found;
    };

    const candidates = async (parts) => {
      const resolved = await Promise.all(parts.map(resolvePart));
      const evaluated = parts.map((part, index) => {
        const used = [];
        part.tokens.forEach((token, at) => {
          if (resolved[index][at] !== null) used.push({ token, found: resolved[index][at] });
        });
        const pick = (field) => used.map((u) => u.found[field]).reduce(intersect);
        const length = points(part.text).length;
        const whole = used.length === 1 && points(used[0].token.text).length === length && !used[0].found.tooMany;
        return {
          part,
          used,
          pages: pick("pages"),
          title: pick("title"),
          names: pick("names"),
          excerpt: pick("excerpt"),
          // A part is in code only on a page where one of its keys is.
          code: union(used.map((u) => u.found.code)),
          proven: whole,
        };
      });
      let pages = null;
      for (const part of evaluated) pages = pages === null ? part.pages : intersect(pages, part.pages);
      return { evaluated, pages: pages || new Set() };
    };

    // Title first, then names (tags, categories, authors, glossary names), then
    // the excerpt, then the body; a part found in code only counts a fraction
    // of a point less than in prose (never a whole field); equal scores go
    // newest first (ids follow the date).
    const rank = (evaluated, pages) => {
      const count = evaluated.length;
      const score = (doc) => {
        let value = 0;
        const inTitle = evaluated.filter((e) => e.title.has(doc)).length;
        const inNames = evaluated.filter((e) => e.names.has(doc)).length;
        const inExcerpt = evaluated.filter((e) => e.excerpt.has(doc)).length;
        value += inTitle * 1000 + (inTitle === count ? 10000 : 0);
        value += inNames * 100 + (inNames === count ? 500 : 0);
        value += inExcerpt * 10 + (inExcerpt === count ? 50 : 0);
        value -= evaluated.filter((e) => e.code.has(doc)).length / (count + 1);
        return value;
      };
      return [...pages]
        .map((doc) => [score(doc), doc])
        .sort((a, b) => b[0] - a[0] || b[1] - a[1])
        .map(([, doc]) => doc);
    };

    /**
     * Keys whose positions prove a part: together they cover each of its
     * characters (fewest keys, then the rarest). A page holds the part where
     * all of them sit at their offsets from one start. null when a key
     * cannot be located (too many words end with a first word).
     */
    const cover = (evaluatedPart) => {
      const length = points(evaluatedPart.part.text).length;
      const spans = evaluatedPart.used
        .filter((u) => !u.found.tooMany)
        .map((u) => ({ ...u, start: u.token.offset, end: u.token.offset + points(u.token.text).length - 1 }));
      const chosen = [];
      let covered = -1;
      while (covered < length - 1) {
        let best = null;
        for (const span of spans) {
          if (span.start > covered + 1 || span.end <= covered) continue;
          if (
            best === null ||
            span.end > best.end ||
            (span.end === best.end && span.found.pages.size < best.found.pages.size)
          )
            best = span;
        }
        if (best === null) return null;
        chosen.push(best);
        covered = best.end;
      }
      return chosen;
    };

    /** Start offsets of the part in one page that one covering key allows. */
    const startsFor = (token, maps, page) => {
      const starts = new Set();
      const length = points(token.text).length;
      for (const [word, map] of maps) {
        const packed = map.get(page);
        if (packed === undefined) continue;
        for (const at of decodeGaps(packed)) {
          // A first word may end a longer word of the page.
          if (token.kind === "word" && token.before) starts.add(at + points(word).length - length);
          else starts.add(at - token.offset);
        }
      }
      return starts;
    };

    /** Pages of ``pages`` where the part occurs; null when positions cannot tell. */
    const prove = async (evaluatedPart, pages) => {
      const chosen = cover(evaluatedPart);
      if (chosen === null) return null;
      const loaded = await Promise.all(
        chosen.map(async ({ token, found }) => {
          const words = token.kind === "word" && (token.before || token.after) ? found.words : [token.text];
          const maps = await Promise.all(words.map(async (word) => [word, await positionsOf(word)]));
          return { token, maps };
        }),
      );
      const proven = new Set();
      for (const page of pages) {
        let starts = null;
        for (const { token, maps } of loaded) {
          const allowed = startsFor(token, maps, page);
          starts = starts === null ? allowed : intersect(starts, allowed);
          if (!starts.size) break;
        }
        if (starts && starts.size) proven.add(page);
      }
      return proven;
    };

    /**
     * Everything a results list needs: ranked candidates, whether they are all
     * proven, and exact() → the matching pages in rank order, or null when a
     * part can only be proven by reading the pages' text.
     */
    const search = async (parts) => {
      if (!parts.length) return { parts, ranked: [], proven: true, exact: async () => [] };
      const { evaluated, pages } = await candidates(parts);
      const ranked = rank(evaluated, pages);
      const proven = evaluated.every((e) => e.proven);
      let exactList = null;
      const exact = async () => {
        if (proven) return ranked;
        if (exactList === null) {
          exactList = (async () => {
            let keep = new Set(ranked);
            for (const e of evaluated) {
              if (e.proven) continue;
              const shown = await prove(e, keep);
              if (shown === null) return null;
              keep = shown;
            }
            return ranked.filter((doc) => keep.has(doc));
          })();
        }
        return exactList;
      };
      return { parts, ranked, proven, exact };
    };

    return { search, entry, positionsOf };
  };

  /** True when a page's compact text contains every part (the text decides). */
  const verify = (compactText, parts) => parts.every((part) => compactText.includes(part.text));

  return { create, decode, bucketOf, verify };
})();

if (typeof module !== "undefined" && module.exports) {
  module.exports = { KbSearchTokenizer, KbSearchEngine };
}

/*
 * In the browser: load index files as scripts, list results in pages of 20
 * on the search page, and show the top results under the search box.
 */
if (typeof document !== "undefined") {
  (() => {
    const { foldWidthAndCase, compact, points } = KbSearchTokenizer;
    const PAGE_SIZE = 20;
    const DROPDOWN_SIZE = 6;
    const SNIPPET_BEFORE = 50;
    const SNIPPET_LENGTH = 160;
    const SECTION_SNIPPET_LENGTH = 90;
    // Sections listed under one result at most.
    const MAX_SECTIONS = 3;
    const FORMAT = 4;

    const html = document.documentElement;
    const root = html.dataset.content_root || "";
    // The texts, in the page's language: kb-search-texts.js, loaded before this script,
    // made from kb's message catalog (searching.py), counted ones as a form per plural category.
    const texts = window.kbSearchTexts || {};
    const language = texts.language || undefined;
    const plurals = new Intl.PluralRules(language);
    const counted = (forms, count) =>
      ((forms || {})[plurals.select(count)] || (forms || {}).other || "").replace("%(num)d", String(count));
    const say = (key) => texts[key] || "";
    const text = {
      found: (count) => counted(texts.found, count),
      listed: (count) => counted(texts.listed, count),
      none: () => say("none"),
      counting: () => say("counting"),
      results: () => say("results"),
      more: () => say("more"),
      all: (count) => (count === null ? say("all") : counted(texts.allCount, count)),
      empty: () => say("empty"),
      failed: () => say("failed"),
    };
    // Dates in kb_timezone, as the site's lists show them (UTC where the browser knows no such zone).
    const dateFormat = (options) => {
      try {
        return new Intl.DateTimeFormat(language, { ...options, timeZone: texts.timeZone || "UTC" });
      } catch (error) {
        return new Intl.DateTimeFormat(language, { ...options, timeZone: "UTC" });
      }
    };
    const days = dateFormat({ year: "numeric", month: "long", day: "numeric" });
    // Month and year values are already local: shown as written, in the page's language.
    const months = new Intl.DateTimeFormat(language, { year: "numeric", month: "long", timeZone: "UTC" });
    const years = new Intl.DateTimeFormat(language, { year: "numeric", timeZone: "UTC" });

    // --- index files, loaded as scripts (works from file:// too) ----------------
    const waiting = new Map();
    const settle = (name, data) => {
      const entry = waiting.get(name);
      if (entry) entry.resolve(data);
    };
    const load = (name, path) => {
      if (!waiting.has(name)) {
        let resolve;
        let reject;
        const promise = new Promise((yes, no) => {
          resolve = yes;
          reject = no;
        });
        waiting.set(name, { promise, resolve });
        const script = document.createElement("script");
        script.src = `${root}kb-search/${path}`;
        script.async = true;
        script.onerror = () => reject(new Error(`cannot load ${script.src}`));
        script.onload = () => script.remove();
        document.head.appendChild(script);
      }
      return waiting.get(name).promise;
    };
    const loader = {
      manifest: () =>
        load("index", "index.js").then((manifest) => {
          if (manifest.format !== FORMAT) throw new Error("search index format");
          return manifest;
        }),
      chunk: (bucket) => load(`t${bucket}`, `t/${bucket}.js`),
      positions: (bucket) => load(`x${bucket}`, `x/${bucket}.js`),
    };
    const pageData = new Map();
    const page = (id) => {
      if (!pageData.has(id)) {
        pageData.set(
          id,
          load(`d${id}`, `d/${id}.js`).then(async (data) => {
            data.text = await inflate(data.z);
            data.compact = compact(foldWidthAndCase(data.text));
            return data;
          }),
        );
      }
      return pageData.get(id);
    };
    const inflate = async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      return new Response(stream).text();
    };

    const engine = KbSearchEngine.create(loader);
    const SOFT_SPACE = new RegExp(`[${KbSearchTokenizer.SPACES}]`, "u");
    const CJK_ONE = new RegExp(`^${KbSearchTokenizer.CJK_CLASS}$`, "u");

    /**
     * A query's results: ranked, then proven by positions or by the pages' text.
     * options.allowed: the pages the filters let through (null: every page);
     * options.sort "date": newest first (ids follow the date). With filters and
     * no query, every page they let through, newest first.
     */
    const session = async (query, options = {}) => {
      const allowed = options.allowed || null;
      const byDate = options.sort === "date";
      const parts = KbSearchTokenizer.queryParts(query);
      const found = await engine.search(parts);
      const narrow = (list) => {
        const kept = allowed ? list.filter((id) => allowed.has(id)) : list;
        return byDate ? [...kept].sort((a, b) => b - a) : kept;
      };
      const filtersOnly = !parts.length && allowed !== null;
      const candidates = filtersOnly ? [...allowed].sort((a, b) => b - a) : narrow(found.ranked);
      const proven = filtersOnly || found.proven;
      // Every page matching the query, filters aside (for the facets' counts); null: no query.
      let matchesPromise = parts.length ? null : Promise.resolve(null);
      const matches = () => {
        if (matchesPromise === null)
          matchesPromise = found.proven
            ? Promise.resolve(found.ranked)
            : found.exact().then((list) => list || byText(found.ranked, parts));
        return matchesPromise;
      };
      // The matching ids in the order shown, once known. Proving phrases loads
      // positions, so it starts only when asked (after the first results).
      let exact = proven ? candidates : null;
      const rankOf = new Map(candidates.map((id, index) => [id, index]));
      let exactPromise = proven ? Promise.resolve(candidates) : null;
      const exactList = () => {
        if (exactPromise === null) {
          exactPromise = matches().then(narrow);
          exactPromise.then((list) => (exact = list));
        }
        return exactPromise;
      };
      let cursor = 0; // next candidate to look at while exact is unknown
      const next = async (count, onResult) => {
        const shown = [];
        let read = 0;
        while (shown.length < count) {
          // One batch of candidates is read by their text; when it leaves the page short
          // (a phrase whose characters are on many pages, but rarely together), the
          // positions decide the rest, not thousands of pages read one by one.
          if (exact === null && read > 0 && cursor < candidates.length) await exactList();
          if (exact !== null) {
            // Everything before the cursor is either shown already or failed.
            const rest = exact.filter((id) => rankOf.get(id) >= cursor).slice(0, count - shown.length);
            const datas = rest.map((id) => page(id));
            for (let i = 0; i < rest.length; i++) {
              shown.push(rest[i]);
              onResult(rest[i], await datas[i]);
            }
            cursor = rest.length ? rankOf.get(rest[rest.length - 1]) + 1 : candidates.length;
            break;
          }
          if (cursor >= candidates.length) break;
          // Read the next few candidates at once; show them in rank order.
          const batch = candidates.slice(cursor, cursor + (count - shown.length));
          cursor += batch.length;
          read += batch.length;
          const datas = batch.map((id) => page(id));
          for (let i = 0; i < batch.length; i++) {
            const data = await datas[i];
            if (proven || KbSearchEngine.verify(data.compact, parts)) {
              shown.push(batch[i]);
              onResult(batch[i], data);
            }
          }
        }
        return shown;
      };
      return {
        parts,
        next,
        matches,
        count: () => exactList().then((list) => list.length),
        ids: () => exactList(),
        remaining: async () => {
          const list = await exactList();
          return list.filter((id) => rankOf.get(id) >= cursor).length;
        },
      };
    };

    // --- filters: facets of the index (kb/search/facets.py) -----------------------
    const FACET_FILES = ["category", "tag", "author", "entry", "month"];
    // In the URL and on screen; a year is the union of its months.
    const FILTERS = ["category", "tag", "author", "year", "month", "entry"];
    const union = (sets) => {
      const out = new Set();
      for (const set of sets) for (const id of set) out.add(id);
      return out;
    };
    const intersect = (a, b) => {
      const [small, large] = a.size <= b.size ? [a, b] : [b, a];
      const out = new Set();
      for (const id of small) if (large.has(id)) out.add(id);
      return out;
    };
    const facetData = new Map();
    /** value -> Set of page ids, for one filter. */
    const filterValues = (name) => {
      if (!facetData.has(name)) {
        let promise;
        if (name === "year") {
          promise = filterValues("month").then((byMonth) => {
            const byYear = new Map();
            for (const [month, ids] of byMonth) {
              const year = month.slice(0, 4);
              byYear.set(year, union([byYear.get(year) || new Set(), ids]));
            }
            return byYear;
          });
        } else {
          const number = FACET_FILES.indexOf(name);
          promise = load(`f${number}`, `f/${number}.js`).then((data) => {
            const values = new Map();
            for (const [value, packed] of Object.entries(data)) {
              if (name !== "month") {
                values.set(value, new Set(KbSearchEngine.decode(packed)));
                continue;
              }
              const ids = new Set();
              for (const [first, after] of packed) for (let id = first; id < after; id++) ids.add(id);
              values.set(value, ids);
            }
            return values;
          });
        }
        facetData.set(name, promise);
      }
      return facetData.get(name);
    };
    /** The filters and the order a results address asks for. */
    const readFilters = (params) => {
      const chosen = {};
      for (const name of FILTERS) chosen[name] = [...new Set(params.getAll(name).filter((value) => value))];
      return { chosen, sort: params.get("sort") === "date" ? "date" : "" };
    };
    const anyFilter = (chosen) => FILTERS.some((name) => chosen[name].length);
    /** Pages every filter lets through (values of one filter OR, filters AND), but ``except``'s; null when none applies. */
    const allowedPages = async (chosen, except = null) => {
      let allowed = null;
      for (const name of FILTERS) {
        if (name === except || !chosen[name].length) continue;
        const values = await filterValues(name);
        const pages = union(chosen[name].map((value) => values.get(value) || new Set()));
        allowed = allowed === null ? pages : intersect(allowed, pages);
      }
      return allowed;
    };
    /**
     * One filter's values with the number of results each would give: the
     * query's pages that the other filters let through and that hold the
     * value. Values without a result are left out, unless chosen.
     */
    const matchSets = new WeakMap();
    const facetCount = async (name, current, chosen) => {
      if (!matchSets.has(current))
        matchSets.set(current, current.matches().then((matched) => (matched === null ? null : new Set(matched))));
      const [base, values, others] = await Promise.all([
        matchSets.get(current),
        filterValues(name),
        allowedPages(chosen, name),
      ]);
      const within = base && others ? intersect(base, others) : base || others;
      const row = [];
      for (const [value, pages] of values) {
        let count = pages.size;
        if (within) {
          count = 0;
          for (const id of pages) if (within.has(id)) count++;
        }
        if (count || chosen[name].includes(value)) row.push([value, count]);
      }
      return row;
    };

    // The text decides, page by page, when positions cannot (a one-character edge).
    const byText = async (ranked, parts) => {
      const keep = [];
      for (let i = 0; i < ranked.length; i += 20) {
        const batch = ranked.slice(i, i + 20);
        const datas = await Promise.all(batch.map((id) => page(id)));
        datas.forEach((data, index) => {
          if (KbSearchEngine.verify(data.compact, parts)) keep.push(batch[index]);
        });
      }
      return keep;
    };

    // --- showing a result ----------------------------------------------------------
    const link = (data) => root + (data.u || "");
    const shownDate = (iso) => {
      if (!iso) return "";
      // Page files hold the moment in UTC (2025-11-07T02:11:09).
      const moment = Date.parse(iso.length > 10 ? `${iso}Z` : `${iso}T00:00:00Z`);
      return Number.isNaN(moment) ? iso : days.format(moment);
    };
    const shownValue = (name, value) => {
      const [year, month] = value.split("-").map(Number);
      if (name === "month" && month) return months.format(Date.UTC(year, month - 1, 1));
      if (name === "year" && year) return years.format(Date.UTC(year, 0, 1));
      return value;
    };

    /**
     * A page's text as the index reads it (folded, compact), and for each of
     * its UTF-16 units the start and end of the character it comes from in
     * the text shown; code spans in UTF-16 offsets of the text shown.
     */
    const locate = (data) => {
      if (data.located) return data.located;
      const source = data.text;
      const units = []; // [folded code point, source start, source end]
      const unitOf = []; // code point index of the source -> UTF-16 offset
      let offset = 0;
      for (const char of points(source)) {
        unitOf.push(offset);
        // Folded one character at a time (ｶﾞ → ガ, ㍿ → 株式会社): close enough to place a snippet.
        for (const piece of points(foldWidthAndCase(char))) units.push([piece, offset, offset + char.length]);
        offset += char.length;
      }
      unitOf.push(offset);
      // The spaces compact() drops: those next to a Japanese character.
      const kept = [];
      for (let i = 0; i < units.length; ) {
        if (!SOFT_SPACE.test(units[i][0])) {
          kept.push(units[i++]);
          continue;
        }
        let j = i;
        while (j < units.length && SOFT_SPACE.test(units[j][0])) j++;
        const japanese = (i > 0 && CJK_ONE.test(units[i - 1][0])) || (j < units.length && CJK_ONE.test(units[j][0]));
        if (!japanese) kept.push(...units.slice(i, j));
        i = j;
      }
      let text = "";
      const from = [];
      const to = [];
      for (const [piece, start, end] of kept) {
        text += piece;
        for (let k = 0; k < piece.length; k++) {
          from.push(start);
          to.push(end);
        }
      }
      const code = [];
      const spans = data.c || [];
      for (let i = 0; i + 1 < spans.length; i += 2) code.push([unitOf[spans[i]], unitOf[spans[i + 1]]]);
      // Sections: where each starts (UTF-16 offset of the text shown), its anchor and heading.
      const sections = (data.s || []).map(([at, anchor, heading]) => ({ start: unitOf[at], anchor, heading }));
      data.located = { text, from, to, code, sections, bodyAt: 0 };
      let bodyAt = 0;
      for (let i = 0; i < 3; i++) bodyAt = source.indexOf("\n", bodyAt) + 1;
      data.located.bodyAt = bodyAt;
      return data.located;
    };

    /**
     * Every place a part occurs on a page, in offsets of the text shown: prose
     * of the body first, then code, then the title, names and excerpt.
     */
    const occurrences = (data, part) => {
      const where = locate(data);
      const found = [];
      let at = where.text.indexOf(part.text);
      while (at >= 0) {
        const start = where.from[at];
        const end = where.to[at + part.text.length - 1];
        const code = where.code.some(([a, b]) => a <= start && end <= b);
        const place = start < where.bodyAt ? 2 : code ? 1 : 0;
        found.push({ start, end, code, place });
        at = where.text.indexOf(part.text, at + 1);
      }
      return found.sort((a, b) => a.place - b.place || a.start - b.start);
    };

    /** The best hit of the parts (prose of the body, else code, else anywhere) within [from, to). */
    const bestHit = (data, parts, from = 0, to = Infinity) => {
      let anchor = null;
      for (const part of parts) {
        const found = occurrences(data, part).filter((hit) => hit.start >= from && hit.start < to);
        if (!found.length) continue;
        if (anchor === null || found[0].place < anchor.place || (found[0].place === anchor.place && found[0].start < anchor.start))
          anchor = found[0];
      }
      return anchor;
    };

    /** The section holding an offset of the text shown (null before the first, or outside the body). */
    const sectionAt = (where, offset) => {
      if (offset < where.bodyAt) return null;
      let found = null;
      for (const section of where.sections) {
        if (section.start > offset) break;
        found = section;
      }
      return found;
    };

    /**
     * The sections where the query matches: the best hit's first, then the
     * others in the page's order; each with the offsets it spans.
     */
    const matchedSections = (data, parts) => {
      const where = locate(data);
      const best = bestHit(data, parts);
      if (!best || best.place === 2 || !where.sections.length) return [];
      const spans = where.sections.map((section, index) => ({
        ...section,
        end: index + 1 < where.sections.length ? where.sections[index + 1].start : Infinity,
      }));
      const held = new Set();
      for (const part of parts)
        for (const hit of occurrences(data, part)) {
          const section = sectionAt(where, hit.start);
          if (section) held.add(section.anchor);
        }
      const first = sectionAt(where, best.start);
      const ordered = spans.filter((span) => held.has(span.anchor));
      return first ? [ordered.find((span) => span.anchor === first.anchor), ...ordered.filter((span) => span.anchor !== first.anchor)] : ordered;
    };

    /** Snippet around the best hit within [from, to) (prose of the body, else code, else anywhere), code shown as code. */
    const snippet = (data, parts, length, from = 0, to = Infinity) => {
      const source = data.text;
      const where = locate(data);
      const hits = [];
      const anchor = bestHit(data, parts, from, to);
      for (const part of parts) for (const hit of occurrences(data, part)) hits.push([hit.start, hit.end]);
      const start = anchor ? Math.max(anchor.start - SNIPPET_BEFORE, from === 0 ? 0 : from) : where.bodyAt;
      const end = Math.min(start + length, source.length);
      const cuts = new Set([start, end]);
      const code = where.code.filter(([a, b]) => b > start && a < end);
      for (const [a, b] of code) {
        cuts.add(Math.max(a, start));
        cuts.add(Math.min(b, end));
      }
      const shown = hits.filter(([a, b]) => a >= start && b <= end);
      for (const [a, b] of shown) {
        cuts.add(a);
        cuts.add(b);
      }
      const bounds = [...cuts].sort((a, b) => a - b);
      const paragraph = document.createElement("p");
      paragraph.classList.add("context");
      const clean = (piece) => piece.replace(/[\s\u001f]+/g, " ");
      if (start > 0) paragraph.append("…");
      let codeElement = null;
      for (let i = 0; i + 1 < bounds.length; i++) {
        const [a, b] = [bounds[i], bounds[i + 1]];
        const inCode = code.some(([x, y]) => x <= a && b <= y);
        const inHit = shown.some(([x, y]) => x <= a && b <= y);
        let target = paragraph;
        if (inCode) {
          if (codeElement === null) codeElement = paragraph.appendChild(document.createElement("code"));
          target = codeElement;
        } else codeElement = null;
        const piece = clean(source.slice(a, b));
        if (!inHit) {
          target.append(piece);
          continue;
        }
        const last = target.lastChild;
        if (last && last.nodeType === 1 && last.classList.contains("highlighted")) last.textContent += piece;
        else {
          const mark = document.createElement("span");
          mark.classList.add("highlighted");
          mark.textContent = piece;
          target.append(mark);
        }
      }
      if (end < source.length) paragraph.append("…");
      return paragraph;
    };

    // --- a result's address: its section, and the terms to highlight there ---------
    const TERMS_PARAM = "kb-terms";
    const resultLink = (data, parts, section) => {
      let href = link(data);
      if (parts.length) href += `?${TERMS_PARAM}=${encodeURIComponent(parts.map((part) => part.text).join(" "))}`;
      if (section && section.anchor) href += `#${encodeURIComponent(section.anchor)}`;
      return href;
    };

    /** One result: its title linked to the section of the best match, and up to three matching sections. */
    const resultItem = (data, parts) => {
      const item = document.createElement("li");
      item.classList.add("kind-text");
      const sections = parts.length ? matchedSections(data, parts) : [];
      const anchor = item.appendChild(document.createElement("a"));
      anchor.href = resultLink(data, parts, sections[0]);
      anchor.textContent = data.t;
      if (data.d) {
        const date = item.appendChild(document.createElement("span"));
        date.classList.add("kb-search-date");
        date.textContent = shownDate(data.d);
      }
      if (sections[0] && sections[0].heading) {
        const where = item.appendChild(document.createElement("span"));
        where.className = "kb-search-section";
        where.textContent = sections[0].heading;
      }
      if (sections.length < 2) {
        item.appendChild(snippet(data, parts, SNIPPET_LENGTH));
        return item;
      }
      const list = item.appendChild(document.createElement("ul"));
      list.className = "kb-search-sections";
      for (const section of sections.slice(0, MAX_SECTIONS)) {
        const entry = list.appendChild(document.createElement("li"));
        const to = entry.appendChild(document.createElement("a"));
        to.href = resultLink(data, parts, section);
        to.textContent = section.heading || data.t;
        entry.appendChild(snippet(data, parts, SECTION_SNIPPET_LENGTH, section.start, section.end));
      }
      return item;
    };

    // --- the search page: results, filters and sort, kept in its address ------------
    const FILTERS_ID = "kb-filters";
    let view = null;
    let runs = 0;
    const choice = (name, value, count, checked) => {
      const item = document.createElement("li");
      const label = item.appendChild(document.createElement("label"));
      const box = label.appendChild(document.createElement("input"));
      box.type = "checkbox";
      box.name = name;
      box.value = value;
      box.checked = checked;
      label.append(shownValue(name, value), " ");
      const number = label.appendChild(document.createElement("span"));
      number.className = "kb-facet-count";
      number.textContent = `(${count})`;
      return item;
    };
    // The tag and glossary-entry filters have the most values and the largest files
    // (about 120 and 100 KB at 20,000 articles, against some 40 KB for the others
    // together): their groups are counted when the reader opens them, or when one of
    // their values is chosen. The others are counted once the filters' panel is open.
    const LAZY_FACETS = new Set(["tag", "entry"]);
    /** Count one group's values and list them; a group with none is hidden. */
    const fillGroup = async (group, current, chosen, mine) => {
      if (group.dataset.filled) return;
      group.dataset.filled = "loading";
      const name = group.dataset.facet;
      const row = await facetCount(name, current, chosen);
      if (mine !== runs) return;
      if (name === "month" || name === "year") row.sort((a, b) => (a[0] < b[0] ? 1 : -1));
      else row.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], language));
      // The choices, a group named by the summary (a list keeps its list role).
      const choices = group.appendChild(document.createElement("div"));
      choices.setAttribute("role", "group");
      choices.setAttribute("aria-labelledby", group.firstChild.id);
      const list = choices.appendChild(document.createElement("ul"));
      for (const [value, count] of row) list.appendChild(choice(name, value, count, chosen[name].includes(value)));
      group.hidden = !row.length;
      group.dataset.filled = "1";
    };
    /** The filters' groups, the open ones counted; the focused choice keeps the focus. */
    const renderFacets = async (current, chosen, mine) => {
      const focused = view.facets.contains(document.activeElement) ? document.activeElement : null;
      const keep = focused && focused.name ? [focused.name, focused.value] : null;
      view.facets.replaceChildren();
      view.clear.hidden = !anyFilter(chosen);
      const filling = [];
      for (const name of FILTERS) {
        const group = view.facets.appendChild(document.createElement("details"));
        group.className = `kb-facet kb-facet-${name}`;
        group.dataset.facet = name;
        const summary = group.appendChild(document.createElement("summary"));
        summary.id = `${FILTERS_ID}-${name}`;
        summary.textContent = (texts.facets || {})[name] || name;
        const wanted = view.groupOpen.get(name);
        group.open = chosen[name].length > 0 || (wanted === undefined ? !LAZY_FACETS.has(name) : wanted);
        if (group.open) filling.push(fillGroup(group, current, chosen, mine));
        group.addEventListener("toggle", () => {
          if (mine !== runs) return;
          view.groupOpen.set(name, group.open);
          if (group.open) fillGroup(group, current, chosen, mine).then(() => focusChoice(keep));
        });
      }
      await Promise.all(filling);
      if (mine === runs) focusChoice(keep);
    };
    const focusChoice = (keep) => {
      if (!keep || view.facets.contains(document.activeElement)) return;
      const again = Array.from(view.facets.querySelectorAll("input")).find(
        (box) => box.name === keep[0] && box.value === keep[1],
      );
      if (again) again.focus();
    };
    /** Count the open groups when the filters' panel is open, once per results. */
    const showFacets = async (mine) => {
      if (!view.panel.open || view.facetsOf === mine || !view.current) return;
      view.facetsOf = mine;
      await renderFacets(view.current, view.chosen, mine);
      if (mine === runs) document.body.dataset.kbFacets = "shown";
    };
    const addressFor = (query, chosen, sort) => {
      const params = new URLSearchParams();
      if (query) params.set("q", query);
      for (const name of FILTERS) for (const value of chosen[name]) params.append(name, value);
      if (sort === "date") params.set("sort", "date");
      return `${location.pathname}?${params}${location.hash}`;
    };
    const chosenOnScreen = () => {
      const chosen = {};
      // A group not listed yet keeps what the address chose.
      for (const name of FILTERS) {
        const group = view.facets.querySelector(`[data-facet=${name}]`);
        chosen[name] = group && group.dataset.filled === "1" ? [] : [...(view.chosen[name] || [])];
      }
      for (const box of view.facets.querySelectorAll("input:checked")) chosen[box.name].push(box.value);
      return chosen;
    };
    const resultsView = () => {
      if (view) return view;
      if (typeof Search !== "undefined" && typeof Search.stopPulse === "function") Search.stopPulse();
      const results = document.getElementById("search-results");
      results.replaceChildren();
      const title = results.appendChild(document.createElement("h2"));
      const status = results.appendChild(document.createElement("p"));
      status.className = "search-summary";
      status.setAttribute("role", "status");
      const panel = results.appendChild(document.createElement("details"));
      panel.id = FILTERS_ID;
      panel.className = "kb-search-filters";
      panel.appendChild(document.createElement("summary")).textContent = say("filters");
      const sortLabel = panel.appendChild(document.createElement("label"));
      sortLabel.className = "kb-search-sort";
      sortLabel.append(say("sort"), " ");
      const sort = sortLabel.appendChild(document.createElement("select"));
      sort.name = "sort";
      for (const [value, label] of [["", say("relevance")], ["date", say("newest")]]) {
        const option = sort.appendChild(document.createElement("option"));
        option.value = value;
        option.textContent = label;
      }
      const clear = panel.appendChild(document.createElement("button"));
      clear.type = "button";
      clear.className = "kb-search-clear";
      clear.textContent = say("clearFilters");
      const facets = panel.appendChild(document.createElement("div"));
      facets.className = "kb-facets";
      const output = results.appendChild(document.createElement("ul"));
      output.className = "search";
      const more = results.appendChild(document.createElement("button"));
      more.type = "button";
      more.className = "kb-search-more";
      more.textContent = text.more();
      more.hidden = true;
      view = { title, status, panel, sort, clear, facets, output, more, query: "", current: null };
      // Groups the reader opened or closed, kept from one results to the next.
      view.groupOpen = new Map();
      view.chosen = {};
      view.facetsOf = 0;
      panel.addEventListener("toggle", () => showFacets(runs));
      const go = (chosen) => {
        const sortBy = sort.value;
        history.pushState(null, "", addressFor(view.query, chosen, sortBy));
        showResults(view.query, { chosen, sort: sortBy });
      };
      facets.addEventListener("change", () => go(chosenOnScreen()));
      sort.addEventListener("change", () => go(chosenOnScreen()));
      clear.addEventListener("click", () => {
        const none = {};
        for (const name of FILTERS) none[name] = [];
        go(none);
        panel.querySelector("summary").focus();
      });
      more.addEventListener("click", async () => {
        const mine = runs;
        more.disabled = true;
        document.body.dataset.kbSearch = "running";
        await view.current.next(PAGE_SIZE, (id, data) => {
          if (mine === runs) output.appendChild(resultItem(data, view.current.parts));
        });
        if (mine !== runs) return;
        more.hidden = (await view.current.remaining()) === 0;
        more.disabled = false;
        document.body.dataset.kbSearch = "done";
      });
      // Back and Forward go through the filters chosen before.
      window.addEventListener("popstate", () => {
        const params = new URLSearchParams(location.search);
        const query = params.get("q") || "";
        document.querySelectorAll("input[name=q]").forEach((box) => (box.value = query));
        showResults(query, readFilters(params));
      });
      return view;
    };

    const showResults = async (query, state) => {
      const mine = ++runs;
      const body = document.body;
      body.dataset.kbSearch = "running";
      delete body.dataset.kbFirstPage;
      delete body.dataset.kbFacets;
      const shown = resultsView();
      shown.query = query;
      shown.chosen = state.chosen;
      shown.current = null;
      shown.facets.replaceChildren();
      shown.title.textContent = text.results();
      shown.output.replaceChildren();
      shown.more.hidden = true;
      shown.sort.value = state.sort;
      if (anyFilter(state.chosen) || location.hash === `#${FILTERS_ID}`) shown.panel.open = true;
      shown.status.textContent = text.counting();
      let current;
      try {
        current = await session(query, { allowed: await allowedPages(state.chosen), sort: state.sort });
      } catch (error) {
        console.error("kb search failed", error);
        shown.status.textContent = text.failed();
        body.dataset.kbSearch = "done";
        return;
      }
      if (mine !== runs) return;
      shown.current = current;
      // The first results first; the exact count and the facets' counts follow.
      await current.next(PAGE_SIZE, (id, data) => {
        if (mine === runs) shown.output.appendChild(resultItem(data, current.parts));
      });
      if (mine !== runs) return;
      body.dataset.kbFirstPage = "shown";
      const count = await current.count();
      if (mine !== runs) return;
      shown.status.textContent = !count ? text.none() : current.parts.length ? text.found(count) : text.listed(count);
      shown.more.hidden = (await current.remaining()) === 0;
      shown.clear.hidden = !anyFilter(state.chosen);
      // The filters' counts when their panel is open (else when it opens).
      await showFacets(mine);
      if (mine !== runs) return;
      body.dataset.kbSearch = "done";
    };

    const searchPage = (query) => showResults(query, readFilters(new URLSearchParams(location.search)));

    // --- the search box: results as one types --------------------------------------------
    let boxCount = 0;
    const attach = (input) => {
      const form = input.form;
      if (!form || input.dataset.kbSearchBox) return;
      input.dataset.kbSearchBox = "on";
      const id = `kb-search-dropdown-${boxCount++}`;
      const list = document.createElement("div");
      list.id = id;
      list.className = "kb-search-dropdown";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      form.classList.add("kb-search-form");
      form.appendChild(list);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-controls", id);
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("autocomplete", "off");
      let generation = 0;
      // As one types: a search starts at the keystroke when none is running; one that
      // comes while a search runs waits for it, and only the last text waiting then runs.
      let running = false;
      let waitingQuery = null;
      let active = -1;
      const options = () => Array.from(list.querySelectorAll("[role=option]"));
      const close = () => {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
        active = -1;
      };
      const select = (index) => {
        const items = options();
        items.forEach((item, at) => item.setAttribute("aria-selected", String(at === index)));
        active = index;
        if (index >= 0 && items[index]) {
          input.setAttribute("aria-activedescendant", items[index].id);
          items[index].scrollIntoView({ block: "nearest" });
        } else input.removeAttribute("aria-activedescendant");
      };
      const allLink = (query, count) => {
        const anchor = document.createElement("a");
        anchor.className = "kb-search-all";
        anchor.id = `${id}-all`;
        anchor.setAttribute("role", "option");
        const target = new URL(form.getAttribute("action") || `${root}search.html`, location.href);
        target.searchParams.set("q", query);
        anchor.href = target.href;
        anchor.textContent = text.all(count);
        return anchor;
      };
      // A newer text typed, or the box emptied: this run's results are not shown.
      const stale = (mine) => mine !== generation || waitingQuery !== null;
      const run = async (query) => {
        const mine = ++generation;
        list.dataset.state = "running";
        let current;
        try {
          current = await session(query);
        } catch (error) {
          console.error("kb search failed", error);
          return;
        }
        if (stale(mine)) return;
        const items = [];
        await current.next(DROPDOWN_SIZE, (docId, data) => items.push(data));
        if (stale(mine)) return;
        list.replaceChildren();
        items.forEach((data, index) => {
          const option = document.createElement("a");
          option.className = "kb-search-option";
          option.id = `${id}-${index}`;
          option.setAttribute("role", "option");
          option.href = resultLink(data, current.parts, matchedSections(data, current.parts)[0]);
          const title = option.appendChild(document.createElement("span"));
          title.className = "kb-search-title";
          title.textContent = data.t;
          option.appendChild(snippet(data, current.parts, 70));
          list.appendChild(option);
        });
        if (!items.length) {
          const empty = list.appendChild(document.createElement("div"));
          empty.className = "kb-search-empty";
          empty.textContent = text.empty();
        }
        const all = list.appendChild(allLink(query, null));
        // Filters and sort live on the results page; the box keeps to plain queries.
        if (items.length) {
          const narrowed = list.appendChild(allLink(query, null));
          narrowed.id = `${id}-filters`;
          narrowed.className = "kb-search-narrow";
          narrowed.hash = FILTERS_ID;
          narrowed.textContent = say("narrow");
        }
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        select(-1);
        list.dataset.state = "done";
        current.count().then((count) => {
          if (mine === generation) all.textContent = text.all(count);
        });
      };
      const schedule = (query) => {
        if (running) {
          waitingQuery = query;
          return;
        }
        running = true;
        run(query).finally(() => {
          running = false;
          const next = waitingQuery;
          waitingQuery = null;
          if (next !== null) schedule(next);
        });
      };
      const typed = (event) => {
        // An input method's text before it is committed (kana of a word not yet
        // converted) is no query: its compositionend brings the text.
        if (event.isComposing) return;
        const query = input.value;
        if (!KbSearchTokenizer.queryParts(query).length) {
          generation++;
          waitingQuery = null;
          close();
          return;
        }
        schedule(query);
      };
      input.addEventListener("input", typed);
      input.addEventListener("compositionend", typed);
      input.addEventListener("keydown", (event) => {
        const items = options();
        if (event.key === "ArrowDown" && !list.hidden) {
          event.preventDefault();
          select(Math.min(active + 1, items.length - 1));
        } else if (event.key === "ArrowUp" && !list.hidden) {
          event.preventDefault();
          select(Math.max(active - 1, -1));
        } else if (event.key === "Enter" && !list.hidden && active >= 0 && items[active]) {
          event.preventDefault();
          items[active].click();
          location.href = items[active].href;
        } else if (event.key === "Escape") {
          if (!list.hidden) {
            event.preventDefault();
            close();
          } else input.blur();
        }
      });
      input.addEventListener("focus", () => {
        // The manifest is tiny: fetched when the reader comes to the box, not on the first key.
        loader.manifest().catch(() => {});
        if (list.childElementCount && input.value) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
      });
      document.addEventListener("click", (event) => {
        if (!form.contains(event.target)) close();
      });
    };

    const boxes = () =>
      Array.from(document.querySelectorAll("form input[name=q]")).filter(
        (input) => input.type === "search" || input.type === "text" || !input.type,
      );

    /** Focus the theme's search box (opening the dialog some themes keep it in); false when there is none. */
    const openBox = () => {
      const shown = () => boxes().find((input) => input.offsetParent !== null);
      if (!shown()) {
        // pydata-sphinx-theme and sphinx-book-theme keep the box in a dialog that
        // their own search button opens (and focuses).
        const opener = document.querySelector(".search-button__button");
        if (opener) opener.click();
      }
      const box = shown() || boxes()[0];
      if (!box) return false;
      if (document.activeElement !== box) {
        box.focus();
        box.select();
      }
      return true;
    };

    const typing = (target) =>
      target && (target.isContentEditable || /^(input|textarea|select|readthedocs-search)$/i.test(target.tagName || ""));

    // --- the terms of a search, highlighted on the page a result opens ---------------
    const HIGHLIGHT_CLASS = "kb-highlight";
    const highlightTerms = () => {
      const params = new URLSearchParams(location.search);
      const wanted = params.get(TERMS_PARAM);
      if (!wanted || document.getElementById("search-results")) return;
      const parts = KbSearchTokenizer.queryParts(wanted);
      const main = document.querySelector("[role=main], main, article, .body") || document.body;
      const nodes = [];
      const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) =>
          node.parentElement.closest("script, style, textarea, .headerlink, .kb-search-dropdown")
            ? NodeFilter.FILTER_REJECT
            : NodeFilter.FILTER_ACCEPT,
      });
      let source = "";
      const startsAt = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        nodes.push(node);
        startsAt.push(source.length);
        source += node.data;
      }
      if (!nodes.length || !parts.length) return;
      // The text as the index reads it, mapped back to offsets in the page's text nodes.
      const data = { text: source };
      const ranges = [];
      for (const part of parts) for (const hit of occurrences(data, part)) ranges.push([hit.start, hit.end]);
      if (!ranges.length) return;
      ranges.sort((a, b) => b[0] - a[0]);
      const marks = [];
      // From the last range back, so earlier offsets stay valid.
      for (const [from, to] of ranges) {
        for (let index = nodes.length - 1; index >= 0; index--) {
          const nodeStart = startsAt[index];
          const node = nodes[index];
          const nodeEnd = nodeStart + node.data.length;
          if (nodeEnd <= from || nodeStart >= to) continue;
          const a = Math.max(from, nodeStart) - nodeStart;
          const b = Math.min(to, nodeEnd, nodeStart + node.data.length) - nodeStart;
          if (b <= a || node.parentElement.classList.contains(HIGHLIGHT_CLASS)) continue;
          const range = document.createRange();
          range.setStart(node, a);
          range.setEnd(node, b);
          const mark = document.createElement("mark");
          mark.className = HIGHLIGHT_CLASS;
          range.surroundContents(mark);
          marks.push(mark);
        }
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kb-highlight-clear";
      button.textContent = say("clearHighlight");
      main.prepend(button);
      const clear = () => {
        for (const mark of document.querySelectorAll(`mark.${HIGHLIGHT_CLASS}`)) {
          const parent = mark.parentNode;
          mark.replaceWith(...mark.childNodes);
          parent.normalize();
        }
        button.remove();
        document.removeEventListener("keydown", onEscape);
        const url = new URL(location.href);
        url.searchParams.delete(TERMS_PARAM);
        history.replaceState(history.state, "", url.href);
      };
      const onEscape = (event) => {
        if (event.key === "Escape" && !typing(event.target)) clear();
      };
      button.addEventListener("click", clear);
      document.addEventListener("keydown", onEscape);
      document.body.dataset.kbHighlight = String(marks.length);
      // The section the link named, once the page is laid out: the browser's own
      // scroll to the fragment may come before the page's last layout.
      const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) {
        const reveal = () => requestAnimationFrame(() => target.scrollIntoView());
        if (document.readyState === "complete") reveal();
        else window.addEventListener("load", reveal, { once: true });
      }
    };

    // --- 404.html: the words of the missing address, searched ----------------------
    const NOTFOUND_RESULTS = 10;
    // Parts of an address that name no content.
    const ADDRESS_NOISE = /^(?:html?|index|php|aspx?|md|txt)$/i;
    const wordsOfAddress = (path, prefix) => {
      let text = path;
      try {
        text = decodeURIComponent(path);
      } catch (error) {
        // A malformed escape: the address as it came.
      }
      if (text.startsWith(prefix)) text = text.slice(prefix.length);
      const words = text.split(/[\/\-_.+~\s,;:=&?#!()'"]+/u).filter((word) => word && !ADDRESS_NOISE.test(word));
      return [...new Set(words)];
    };
    const notFound = async () => {
      const holder = document.getElementById("kb-notfound");
      if (!holder) return;
      const body = document.body;
      const words = wordsOfAddress(location.pathname, holder.dataset.prefix || "/");
      const box = holder.querySelector("input[name=q]");
      if (box) box.value = words.join(" ");
      const list = holder.querySelector(".kb-notfound-results");
      const lead = holder.querySelector(".kb-notfound-lead");
      body.dataset.kbSearch = "running";
      // Each word alone: pages holding the most words first, then the best ranked.
      const scores = new Map();
      try {
        for (const word of words) {
          const current = await session(word);
          (await current.ids()).forEach((id, rank) => {
            const score = scores.get(id) || { words: 0, rank: 0 };
            score.words += 1;
            score.rank += rank;
            scores.set(id, score);
          });
        }
      } catch (error) {
        console.error("kb search failed", error);
        lead.textContent = text.failed();
        body.dataset.kbSearch = "done";
        return;
      }
      const best = [...scores]
        .sort(([a, x], [b, y]) => y.words - x.words || x.rank - y.rank || b - a)
        .slice(0, NOTFOUND_RESULTS)
        .map(([id]) => id);
      const parts = KbSearchTokenizer.queryParts(words.join(" "));
      const datas = await Promise.all(best.map((id) => page(id)));
      for (const data of datas) list.appendChild(resultItem(data, parts.filter((part) => data.compact.includes(part.text))));
      lead.textContent = best.length ? say("notfoundFound") : say("notfoundNone");
      body.dataset.kbSearch = "done";
    };

    const start = () => {
      boxes().forEach(attach);
      // "/" goes to kb's search box, unless one is typing somewhere already. On
      // window, in the capture phase: before any listener of the document, where
      // Read the Docs Addons' hotkey (src/hotkeys.js) would open its own search.
      window.addEventListener(
        "keydown",
        (event) => {
          if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
          if (typing(event.target) || typing(document.activeElement)) return;
          if (!openBox()) return;
          event.preventDefault();
          event.stopImmediatePropagation();
        },
        true,
      );
      // Read the Docs Addons open their search window on this event (src/search.js),
      // sent by their hotkey, their flyout's box and the theme's box when focused:
      // kb's box answers instead, and the host's window stays closed.
      window.addEventListener(
        "readthedocs-search-show",
        (event) => {
          if (!boxes().length) return;
          event.stopImmediatePropagation();
          event.preventDefault();
          openBox();
        },
        true,
      );
      const results = document.getElementById("search-results");
      if (results) {
        const params = new URLSearchParams(location.search);
        // Sphinx runs a query it is given (Search.query); filters alone are kb's to list.
        if (!params.get("q") && anyFilter(readFilters(params).chosen)) searchPage("");
      }
      highlightTerms();
      notFound();
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();

    window.KbSearch = {
      manifest: (format, data) => settle("index", data),
      chunk: (bucket, data) => settle(`t${bucket}`, data),
      positions: (bucket, data) => settle(`x${bucket}`, data),
      page: (id, data) => settle(`d${id}`, data),
      facet: (number, data) => settle(`f${number}`, data),
      searchPage,
      session,
      occurrences,
    };
  })();
}

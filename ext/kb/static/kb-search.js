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

  const fold = (text) => text.normalize("NFKC").toLowerCase().normalize("NFKC");
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
    const compacted = compact(fold(text));
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
    for (const segment of fold(query).match(PIECES) || []) {
      for (let piece of splitParticles(trim(segment))) {
        piece = trim(piece);
        if (!piece || seen.has(piece)) continue;
        seen.add(piece);
        parts.push({ text: piece, tokens: queryTokens(piece) });
      }
    }
    return parts;
  };

  return { fold, compact, tokens, queryParts, isWordChar, points, CJK_CLASS, SPACES };
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
  // Prefixes folding never leaves in a text (see store.py).
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

  // FNV-1a over code points, as bucket_of in store.py.
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
    const { fold, compact, points } = KbSearchTokenizer;
    const PAGE_SIZE = 20;
    const DROPDOWN_SIZE = 6;
    const DEBOUNCE_MS = 120;
    const SNIPPET_BEFORE = 50;
    const SNIPPET_LENGTH = 160;
    const FORMAT = 3;

    const html = document.documentElement;
    const root = html.dataset.content_root || "";
    // The texts, in the page's language: written into every page from kb's message
    // catalog (searching.py), counted ones as a form per plural category.
    const texts = JSON.parse(document.getElementById("kb-search-texts")?.textContent || "{}");
    const language = texts.language || undefined;
    const plurals = new Intl.PluralRules(language);
    const counted = (forms, count) =>
      ((forms || {})[plurals.select(count)] || (forms || {}).other || "").replace("%(num)d", String(count));
    const say = (key) => texts[key] || "";
    const text = {
      found: (count) => counted(texts.found, count),
      none: () => say("none"),
      counting: () => say("counting"),
      results: () => say("results"),
      more: () => say("more"),
      all: (count) => (count === null ? say("all") : counted(texts.allCount, count)),
      empty: () => say("empty"),
      failed: () => say("failed"),
    };
    const days = new Intl.DateTimeFormat(language, {
      year: "numeric",
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    });

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
            data.compact = compact(fold(data.text));
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

    /** A query's results: ranked, then proven by positions or by the pages' text. */
    const session = async (query) => {
      const parts = KbSearchTokenizer.queryParts(query);
      const found = await engine.search(parts);
      // The matching ids in rank order, once known. Proving phrases loads
      // positions, so it starts only when asked (after the first results).
      let exact = found.proven ? found.ranked : null;
      const rankOf = new Map(found.ranked.map((id, index) => [id, index]));
      let exactPromise = found.proven ? Promise.resolve(found.ranked) : null;
      const exactList = () => {
        if (exactPromise === null) {
          exactPromise = found.exact().then(async (list) => list || byText(found.ranked, parts));
          exactPromise.then((list) => (exact = list));
        }
        return exactPromise;
      };
      let cursor = 0; // next candidate to look at while exact is unknown
      const next = async (count, onResult) => {
        const shown = [];
        while (shown.length < count) {
          if (exact !== null) {
            // Everything before the cursor is either shown already or failed.
            const rest = exact.filter((id) => rankOf.get(id) >= cursor).slice(0, count - shown.length);
            for (const id of rest) {
              const data = await page(id);
              shown.push(id);
              onResult(id, data);
            }
            cursor = rest.length ? rankOf.get(rest[rest.length - 1]) + 1 : found.ranked.length;
            break;
          }
          if (cursor >= found.ranked.length) break;
          // Read the next few candidates at once; show them in rank order.
          const batch = found.ranked.slice(cursor, cursor + (count - shown.length));
          cursor += batch.length;
          const datas = batch.map((id) => page(id));
          for (let i = 0; i < batch.length; i++) {
            const data = await datas[i];
            if (found.proven || KbSearchEngine.verify(data.compact, parts)) {
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
        count: () => exactList().then((list) => list.length),
        ids: () => exactList(),
        remaining: async () => {
          const list = await exactList();
          return list.filter((id) => rankOf.get(id) >= cursor).length;
        },
      };
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
      const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
      return days.format(Date.UTC(year, month - 1, day));
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
        for (const piece of points(fold(char))) units.push([piece, offset, offset + char.length]);
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
      data.located = { text, from, to, code, bodyAt: 0 };
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

    /** Snippet around the best hit (prose of the body, else code, else anywhere), code shown as code. */
    const snippet = (data, parts, length) => {
      const source = data.text;
      const where = locate(data);
      const hits = [];
      let anchor = null;
      for (const part of parts) {
        const found = occurrences(data, part);
        if (!found.length) continue;
        if (anchor === null || found[0].place < anchor.place || (found[0].place === anchor.place && found[0].start < anchor.start))
          anchor = found[0];
        for (const hit of found) hits.push([hit.start, hit.end]);
      }
      const start = anchor ? Math.max(anchor.start - SNIPPET_BEFORE, 0) : where.bodyAt;
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

    const rememberTerms = (parts) => {
      if (typeof SPHINX_HIGHLIGHT_ENABLED === "undefined" || !SPHINX_HIGHLIGHT_ENABLED) return;
      try {
        localStorage.setItem("sphinx_highlight_terms", parts.map((part) => part.text).join(" "));
      } catch (error) {
        // Storage may be disabled; highlighting on the target page is a nicety.
      }
    };

    // --- the search page -------------------------------------------------------------
    const searchPage = async (query) => {
      const body = document.body;
      body.dataset.kbSearch = "running";
      const results = document.getElementById("search-results");
      const output = Search.output || results.appendChild(document.createElement("ul"));
      output.classList.add("search");
      const summary = Search.status;
      const progress = document.getElementById("search-progress");
      if (progress) progress.textContent = "";
      const finish = (message) => {
        if (typeof Search.stopPulse === "function") Search.stopPulse();
        if (Search.title) Search.title.innerText = text.results();
        summary.innerText = message;
      };
      let current;
      try {
        current = await session(query);
      } catch (error) {
        console.error("kb search failed", error);
        finish(text.failed());
        body.dataset.kbSearch = "done";
        return;
      }
      rememberTerms(current.parts);
      const show = (id, data) => {
        const item = document.createElement("li");
        item.classList.add("kind-text");
        const anchor = item.appendChild(document.createElement("a"));
        anchor.href = link(data);
        anchor.textContent = data.t;
        if (data.d) {
          const date = item.appendChild(document.createElement("span"));
          date.classList.add("kb-search-date");
          date.textContent = shownDate(data.d);
        }
        item.appendChild(snippet(data, current.parts, SNIPPET_LENGTH));
        output.appendChild(item);
      };
      const more = document.createElement("button");
      more.type = "button";
      more.className = "kb-search-more";
      more.textContent = text.more();
      more.hidden = true;
      results.appendChild(more);
      const showPage = async () => {
        more.disabled = true;
        body.dataset.kbSearch = "running";
        await current.next(PAGE_SIZE, show);
        body.dataset.kbFirstPage = "shown";
        const remaining = await current.remaining();
        more.hidden = remaining === 0;
        more.disabled = false;
        body.dataset.kbSearch = "done";
      };
      more.addEventListener("click", () => showPage());
      summary.innerText = text.counting();
      // The first results first; the exact count follows.
      await current.next(PAGE_SIZE, show);
      body.dataset.kbFirstPage = "shown";
      const count = await current.count();
      finish(count ? text.found(count) : text.none());
      more.hidden = (await current.remaining()) === 0;
      body.dataset.kbSearch = "done";
    };

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
      let timer = null;
      let generation = 0;
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
        if (mine !== generation) return;
        const items = [];
        await current.next(DROPDOWN_SIZE, (docId, data) => items.push(data));
        if (mine !== generation) return;
        list.replaceChildren();
        items.forEach((data, index) => {
          const option = document.createElement("a");
          option.className = "kb-search-option";
          option.id = `${id}-${index}`;
          option.setAttribute("role", "option");
          option.href = link(data);
          const title = option.appendChild(document.createElement("span"));
          title.className = "kb-search-title";
          title.textContent = data.t;
          option.appendChild(snippet(data, current.parts, 70));
          option.addEventListener("click", () => rememberTerms(current.parts));
          list.appendChild(option);
        });
        if (!items.length) {
          const empty = list.appendChild(document.createElement("div"));
          empty.className = "kb-search-empty";
          empty.textContent = text.empty();
        }
        const all = list.appendChild(allLink(query, null));
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        select(-1);
        list.dataset.state = "done";
        current.count().then((count) => {
          if (mine === generation) all.textContent = text.all(count);
        });
      };
      input.addEventListener("input", () => {
        clearTimeout(timer);
        const query = input.value;
        if (!KbSearchTokenizer.queryParts(query).length) {
          generation++;
          close();
          return;
        }
        timer = setTimeout(() => run(query), DEBOUNCE_MS);
      });
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

    const start = () => {
      boxes().forEach(attach);
      // "/" goes to the search box, unless one is typing somewhere already.
      document.addEventListener("keydown", (event) => {
        if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
        const target = event.target;
        if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
        const shown = () => boxes().find((input) => input.offsetParent !== null);
        if (!shown()) {
          // pydata-sphinx-theme and sphinx-book-theme keep the box in a dialog that
          // their own search button opens (and focuses).
          const opener = document.querySelector(".search-button__button");
          if (opener) opener.click();
        }
        const box = shown() || boxes()[0];
        if (!box) return;
        event.preventDefault();
        box.focus();
        box.select();
      });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();

    window.KbSearch = {
      manifest: (format, data) => settle("index", data),
      chunk: (bucket, data) => settle(`t${bucket}`, data),
      positions: (bucket, data) => settle(`x${bucket}`, data),
      page: (id, data) => settle(`d${id}`, data),
      searchPage,
      session,
      occurrences,
    };
  })();
}

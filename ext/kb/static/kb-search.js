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
  // Must match CJK_RANGES in tokenizer.py.
  const CJK =
    "\\u3005-\\u3007\\u3041-\\u309f\\u30a1-\\u30fa\\u30fc-\\u30ff\\u31f0-\\u31ff" +
    "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  const CJK_CLASS = `[${CJK}]`;
  const WORD = `(?:(?!${CJK_CLASS})[\\p{L}\\p{N}])`;
  const TOKEN_SOURCE = `(${CJK_CLASS}+)|(${WORD}+(?:(?<=[0-9])[.,](?=[0-9])${WORD}+)*)`;
  const HIRAGANA = "\\u3041-\\u309f";
  const PARTICLES = ["から", "まで", "との", "の", "と", "を", "に", "は", "が", "で", "や", "へ"];
  const PARTICLE_RUN = `(?:${PARTICLES.join("|")})+`;
  const PARTICLE_SPLIT = new RegExp(`(?<=[^${HIRAGANA}])${PARTICLE_RUN}(?=[^${HIRAGANA}]|$)`, "u");
  const LEADING_PARTICLES = new RegExp(`^${PARTICLE_RUN}(?=[^${HIRAGANA}])`, "u");
  const CJK_ONE = new RegExp(`^${CJK_CLASS}$`, "u");

  const tokenRe = () => new RegExp(TOKEN_SOURCE, "gu");

  const fold = (text) => text.normalize("NFKC").toLowerCase().normalize("NFKC");

  // Code points, not UTF-16 units: a kanji outside the BMP is one character.
  const runTokens = (run) => {
    const chars = Array.from(run);
    if (chars.length === 1) return [run];
    const out = [];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  };

  const tokens = (text) => {
    const out = [];
    for (const match of fold(text).matchAll(tokenRe())) {
      if (match[1] !== undefined) out.push(...runTokens(match[1]));
      else out.push(match[2]);
    }
    return out;
  };

  const segments = (folded) => {
    const out = [];
    let start = -1;
    let end = -1;
    for (const match of folded.matchAll(tokenRe())) {
      if (match.index === end) {
        end = match.index + match[0].length;
        continue;
      }
      if (start >= 0) out.push(folded.slice(start, end));
      start = match.index;
      end = match.index + match[0].length;
    }
    if (start >= 0) out.push(folded.slice(start, end));
    return out;
  };

  const splitParticles = (segment) =>
    segment
      .replace(LEADING_PARTICLES, "")
      .split(new RegExp(PARTICLE_SPLIT.source, "gu"))
      .filter((piece) => piece);

  // Each token with its offset in the part, in code points (the index's positions are too).
  const queryTokens = (part) => {
    const found = [];
    const matches = [...part.matchAll(tokenRe())];
    matches.forEach((match, index) => {
      const edge = index === 0 || index === matches.length - 1;
      const offset = Array.from(part.slice(0, match.index)).length;
      const run = match[1];
      if (run === undefined) found.push({ text: match[2], partial: edge, cjk: false, offset });
      else if (Array.from(run).length === 1)
        found.push({ text: run, partial: edge, cjk: true, offset });
      else
        runTokens(run).forEach((bigram, at) =>
          found.push({ text: bigram, partial: false, cjk: true, offset: offset + at }),
        );
    });
    return found;
  };

  const queryParts = (query) => {
    const parts = [];
    const seen = new Set();
    for (const segment of segments(fold(query))) {
      for (const piece of splitParticles(segment)) {
        if (seen.has(piece)) continue;
        seen.add(piece);
        parts.push({ text: piece, tokens: queryTokens(piece) });
      }
    }
    return parts;
  };

  const isCjk = (char) => CJK_ONE.test(char);

  return { fold, tokens, queryParts, isCjk };
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
  const UNIGRAM = "!";
  const GRAM = "#";
  const GRAM_MAX = 3;

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

  const EMPTY = { pages: new Set(), title: new Set(), names: new Set(), excerpt: new Set(), words: [] };
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
  const points = (text) => Array.from(text);

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

    /** Words of the site containing a Latin query token, with the pages holding them. */
    const latin = async (text) => {
      const chars = points(text);
      const gram = await entry(GRAM + chars.slice(0, GRAM_MAX).join(""));
      const words = gram.words.filter((word) => word.includes(text));
      if (chars.length <= GRAM_MAX) return { ...gram, words };
      const found = await Promise.all(words.map((word) => entry(word)));
      return {
        pages: union(found.map((e) => e.pages)),
        title: union(found.map((e) => e.title)),
        names: union(found.map((e) => e.names)),
        excerpt: union(found.map((e) => e.excerpt)),
        words,
      };
    };

    const resolve = (token) => {
      if (!token.partial) return entry(token.text);
      if (token.cjk) return entry(UNIGRAM + token.text);
      return latin(token.text);
    };

    /** Pages holding every token of each part, and the fields they hold them in. */
    const candidates = async (parts) => {
      const resolved = await Promise.all(
        parts.map((part) => Promise.all(part.tokens.map((token) => resolve(token)))),
      );
      const evaluated = parts.map((part, index) => {
        const found = resolved[index];
        const pick = (field) => found.map((e) => e[field]).reduce(intersect);
        return {
          part,
          found,
          pages: pick("pages"),
          title: pick("title"),
          names: pick("names"),
          excerpt: pick("excerpt"),
          proven: part.tokens.length === 1,
        };
      });
      let pages = null;
      for (const part of evaluated) pages = pages === null ? part.pages : intersect(pages, part.pages);
      return { evaluated, pages: pages || new Set() };
    };

    // Title first, then names (tags, categories, authors, glossary names), then
    // the excerpt, then the body; equal scores go newest first (ids follow the date).
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
        return value;
      };
      return [...pages]
        .map((doc) => [score(doc), doc])
        .sort((a, b) => b[0] - a[0] || b[1] - a[1])
        .map(([, doc]) => doc);
    };

    /**
     * The tokens whose positions prove a part: every character of the part
     * covered, bigrams two characters apart. null when a one-character
     * Japanese edge makes positions useless (the page text decides then).
     */
    const cover = (part) => {
      const tokens = part.tokens;
      if (tokens.some((token) => token.partial && token.cjk)) return null;
      const chosen = [];
      let coveredTo = -1; // last character offset covered
      tokens.forEach((token, index) => {
        const length = points(token.text).length;
        const last = token.offset + length - 1;
        const next = tokens[index + 1];
        if (!token.cjk || length === 1) {
          chosen.push(token);
          coveredTo = Math.max(coveredTo, last);
          return;
        }
        // A bigram is needed when its first character is not covered yet, or
        // when no later bigram of the run will cover its second one.
        const nextBigram = next && next.cjk && points(next.text).length === 2 && next.offset === token.offset + 1;
        if (token.offset > coveredTo || (!nextBigram && last > coveredTo)) {
          chosen.push(token);
          coveredTo = last;
        }
      });
      return chosen;
    };

    /** Start offsets of the part in one page that one cover token allows. */
    const startsFor = (token, index, count, maps, page) => {
      const starts = new Set();
      const length = points(token.text).length;
      for (const [word, map] of maps) {
        const packed = map.get(page);
        if (packed === undefined) continue;
        for (const at of decodeGaps(packed)) {
          if (!token.partial) starts.add(at - token.offset);
          else if (index === 0) starts.add(at + points(word).length - length - token.offset);
          else starts.add(at - token.offset);
        }
      }
      return starts;
    };

    /** Pages of ``pages`` where the part occurs; null when positions cannot tell. */
    const prove = async (evaluatedPart, pages) => {
      const { part, found } = evaluatedPart;
      const chosen = cover(part);
      if (chosen === null) return null;
      const count = part.tokens.length;
      const loaded = await Promise.all(
        chosen.map(async (token) => {
          const index = part.tokens.indexOf(token);
          let words = [token.text];
          if (token.partial) {
            const all = found[index].words;
            words =
              index === 0
                ? all.filter((word) => word.endsWith(token.text))
                : all.filter((word) => word.startsWith(token.text));
          }
          const maps = await Promise.all(words.map(async (word) => [word, await positionsOf(word)]));
          return { token, index, maps };
        }),
      );
      const proven = new Set();
      for (const page of pages) {
        let starts = null;
        for (const { token, index, maps } of loaded) {
          const allowed = startsFor(token, index, count, maps, page);
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

  /** True when the folded text contains every part (the text decides). */
  const verify = (foldedText, parts) => parts.every((part) => foldedText.includes(part.text));

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
    const { fold } = KbSearchTokenizer;
    const PAGE_SIZE = 20;
    const DROPDOWN_SIZE = 6;
    const DEBOUNCE_MS = 120;
    const SNIPPET_BEFORE = 50;
    const SNIPPET_LENGTH = 160;
    const FORMAT = 1;

    const html = document.documentElement;
    const root = html.dataset.content_root || "";
    const japanese = (html.lang || "").toLowerCase().startsWith("ja");
    const text = {
      found: (count) =>
        japanese
          ? `検索が完了し、${count} ページ見つかりました。`
          : `Search finished, found ${count} page${count === 1 ? "" : "s"} matching the search query.`,
      none: () =>
        japanese
          ? "一致するページは見つかりませんでした。言葉を短くするか、別の表記（カタカナ・英字）でお試しください。"
          : "Your search did not match any documents.",
      counting: () => (japanese ? "件数を確認しています…" : "Counting…"),
      results: () => (japanese ? "検索結果" : "Search Results"),
      more: () => (japanese ? "さらに表示" : "More results"),
      all: (count) =>
        japanese
          ? count === null
            ? "すべての結果を見る"
            : `すべての結果を見る（${count} ページ）`
          : count === null
            ? "All results"
            : `All ${count} results`,
      empty: () => (japanese ? "見つかりませんでした" : "No results"),
      failed: () => (japanese ? "検索索引を読み込めませんでした。" : "The search index could not be loaded."),
    };

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
            data.folded = fold(data.text);
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
            if (found.proven || KbSearchEngine.verify(data.folded, parts)) {
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
          if (KbSearchEngine.verify(data.folded, parts)) keep.push(batch[index]);
        });
      }
      return keep;
    };

    // --- showing a result ----------------------------------------------------------
    const link = (data) => root + (data.u || "");
    const shownDate = (iso) => {
      if (!iso) return "";
      const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
      return japanese ? `${year}年${month}月${day}日` : iso.slice(0, 10);
    };

    /** Snippet around the first hit in the body (else anywhere), each part's hit marked. */
    const snippet = (data, parts, length) => {
      const source = data.text;
      let folded = data.folded;
      let origin = null;
      if (folded.length !== source.length) {
        // Folding changed the length (ｶﾞ → ガ, ㍿ → 株式会社): map offsets char by char.
        folded = "";
        origin = [];
        let offset = 0;
        for (const char of Array.from(source)) {
          const piece = fold(char);
          for (let i = 0; i < piece.length; i++) origin.push(offset);
          folded += piece;
          offset += char.length;
        }
        origin.push(offset);
      }
      const at = (index) => (origin === null ? index : origin[index]);
      // The body starts after the third line (title, names, excerpt).
      let bodyAt = 0;
      for (let i = 0; i < 3; i++) bodyAt = folded.indexOf("\n", bodyAt) + 1;
      const hits = [];
      for (const part of parts) {
        let found = folded.indexOf(part.text, bodyAt);
        if (found < 0) found = folded.indexOf(part.text);
        if (found >= 0) hits.push([at(found), at(found + part.text.length)]);
      }
      hits.sort((a, b) => a[0] - b[0]);
      const start = hits.length ? Math.max(hits[0][0] - SNIPPET_BEFORE, 0) : at(bodyAt) || 0;
      const end = Math.min(start + length, source.length);
      const paragraph = document.createElement("p");
      paragraph.classList.add("context");
      const clean = (piece) => piece.replace(/[\s\u001f]+/g, " ");
      let cursor = start;
      if (start > 0) paragraph.append("…");
      for (const [from, to] of hits) {
        if (from < cursor || to > end) continue;
        paragraph.append(clean(source.slice(cursor, from)));
        const mark = document.createElement("span");
        mark.classList.add("highlighted");
        mark.textContent = source.slice(from, to);
        paragraph.append(mark);
        cursor = to;
      }
      paragraph.append(clean(source.slice(cursor, end)));
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
        const box = boxes().find((input) => input.offsetParent !== null) || boxes()[0];
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
    };
  })();
}

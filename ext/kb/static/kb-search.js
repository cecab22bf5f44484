/*
 * kb search: Japanese full-text search for Sphinx's search page.
 *
 * Sphinx inlines this file into language_data.js, which every theme loads on
 * its search page right after searchtools.js. It replaces Search.query, so the
 * page, the theme's search box (a form posting to search.html) and the index
 * file stay Sphinx's own; only the splitting, matching and ranking change.
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

  const queryTokens = (part) => {
    const found = [];
    const matches = [...part.matchAll(tokenRe())];
    matches.forEach((match, index) => {
      const edge = index === 0 || index === matches.length - 1;
      const run = match[1];
      if (run === undefined) found.push({ text: match[2], partial: edge, cjk: false });
      else if (Array.from(run).length === 1) found.push({ text: run, partial: edge, cjk: true });
      else runTokens(run).forEach((bigram) => found.push({ text: bigram, partial: false, cjk: true }));
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
 * Matching and ranking over Sphinx's index; no DOM, so node can test it.
 *
 * A page matches when it contains every part of the query. The index finds
 * candidates: pages holding every token of a part (a part's first and last
 * token may sit inside a longer token of the page), or whose title, tags,
 * categories, authors, glossary names or excerpt contain the part. A part of
 * one token is proven by the index; longer parts are proven by reading the
 * page, because bigrams found apart do not make a phrase.
 */
var KbSearchEngine = (() => {
  const { fold } = KbSearchTokenizer;

  const SCORE = {
    titlePhrase: 100,
    titleAll: 50,
    titlePart: 10,
    keysAll: 40,
    keysPart: 5,
    excerptAll: 10,
    wholeToken: 3,
  };

  const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

  // Page lists as kb/search/index.py packs them: a number, "~" and a bitmap,
  // or gaps of five bits per character with a continuation bit.
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const VALUE = {};
  Array.from(ALPHABET).forEach((char, value) => (VALUE[char] = value));
  const decode = (value) => {
    if (value === undefined) return [];
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
    let previous = -1;
    let gap = 0;
    let shift = 0;
    for (const char of value) {
      const bits = VALUE[char];
      gap += (bits & 31) * 2 ** shift;
      if (bits & 32) {
        shift += 5;
        continue;
      }
      previous += gap + 1;
      pages.push(previous);
      gap = 0;
      shift = 0;
    }
    return pages;
  };

  const cache = new WeakMap();
  const prepared = (index) => {
    let state = cache.get(index);
    if (state) return state;
    const keys = [...new Set([...Object.keys(index.terms), ...Object.keys(index.titleterms)])];
    state = {
      latinKeys: keys.filter((key) => !KbSearchTokenizer.isCjk(Array.from(key)[0])),
      cjkKeys: keys.filter((key) => KbSearchTokenizer.isCjk(Array.from(key)[0])),
      titles: index.titles.map((title) => fold(title || "")),
      postings: new Map(),
    };
    cache.set(index, state);
    return state;
  };

  const exactPostings = (index, token) => {
    const state = prepared(index);
    let docs = state.postings.get(token);
    if (docs === undefined) {
      docs = new Set(decode(has(index.terms, token) ? index.terms[token] : undefined));
      decode(has(index.titleterms, token) ? index.titleterms[token] : undefined).forEach((doc) =>
        docs.add(doc),
      );
      state.postings.set(token, docs);
    }
    return docs;
  };

  const postings = (index, token) => {
    if (!token.partial) return exactPostings(index, token.text);
    const state = prepared(index);
    const docs = new Set();
    for (const key of token.cjk ? state.cjkKeys : state.latinKeys) {
      if (key.includes(token.text)) exactPostings(index, key).forEach((doc) => docs.add(doc));
    }
    return docs;
  };

  const intersect = (left, right) => new Set([...left].filter((doc) => right.has(doc)));

  /** fields: {docIndex: [keysText, excerptText]}, both folded at build time. */
  const search = (index, fields, parts) => {
    if (!parts.length) return [];
    const state = prepared(index);
    const phrase = parts.map((part) => part.text).join("");
    let candidates = null;
    const provenBy = new Map(); // doc -> number of parts proven without reading the page
    for (const part of parts) {
      let found = part.tokens.map((token) => postings(index, token)).reduce(intersect);
      const proven = new Set(part.tokens.length === 1 ? found : []);
      for (const [doc, [keys, excerpt]] of fields) {
        if (keys.includes(part.text) || excerpt.includes(part.text)) proven.add(doc);
      }
      state.titles.forEach((title, doc) => {
        if (title.includes(part.text)) proven.add(doc);
      });
      found = new Set([...found, ...proven]);
      candidates = candidates === null ? found : intersect(candidates, found);
      for (const doc of proven) provenBy.set(doc, (provenBy.get(doc) || 0) + 1);
      if (!candidates.size) return [];
    }
    const results = [];
    for (const doc of candidates) {
      const title = state.titles[doc];
      const [keys, excerpt] = fields.get(doc) || ["", ""];
      let score = 1;
      if (title.includes(phrase)) score += SCORE.titlePhrase;
      const inTitle = parts.filter((part) => title.includes(part.text)).length;
      score += inTitle * SCORE.titlePart + (inTitle === parts.length ? SCORE.titleAll : 0);
      const inKeys = parts.filter((part) => keys.includes(part.text)).length;
      score += inKeys * SCORE.keysPart + (inKeys === parts.length ? SCORE.keysAll : 0);
      if (parts.every((part) => excerpt.includes(part.text))) score += SCORE.excerptAll;
      for (const part of parts)
        for (const token of part.tokens)
          if (token.partial && exactPostings(index, token.text).has(doc)) score += SCORE.wholeToken;
      results.push({
        doc,
        docname: index.docnames[doc],
        title: index.titles[doc] || index.docnames[doc],
        filename: index.filenames[doc],
        score,
        proven: provenBy.get(doc) === parts.length,
      });
    }
    results.sort(
      (a, b) => b.score - a.score || a.title.localeCompare(b.title) || a.doc - b.doc,
    );
    return results;
  };

  /** True when the folded page text (with its fields) contains every part. */
  const verify = (foldedText, parts) => parts.every((part) => foldedText.includes(part.text));

  return { search, verify, decode };
})();

if (typeof module !== "undefined" && module.exports) {
  module.exports = { KbSearchTokenizer, KbSearchEngine };
}

/*
 * The search page: load the front-matter fields, run the query, read each
 * candidate page to prove phrases and cut a snippet, and report in Japanese.
 */
if (typeof Search !== "undefined" && typeof document !== "undefined") {
  (() => {
    const { fold } = KbSearchTokenizer;
    const FIELDS_FILE = "kb-searchfields.js";
    const CONCURRENT_FETCHES = 6;
    const SNIPPET_BEFORE = 60;
    const SNIPPET_LENGTH = 200;

    const japanese = (document.documentElement.lang || "").toLowerCase().startsWith("ja");
    const gettext = (text) =>
      typeof Documentation !== "undefined" ? Documentation.gettext(text) : text;
    const messages = {
      found: (count) =>
        japanese
          ? `検索が完了し、${count} ページ見つかりました。`
          : Documentation.ngettext(
              "Search finished, found one page matching the search query.",
              "Search finished, found ${resultCount} pages matching the search query.",
              count,
            ).replace("${resultCount}", count),
      none: () =>
        japanese
          ? "一致するページは見つかりませんでした。言葉を短くするか、別の表記（カタカナ・英字）でお試しください。"
          : gettext(
              "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.",
            ),
      results: () => (japanese ? "検索結果" : gettext("Search Results")),
    };

    let fieldsState = "loading";
    const fieldsByName = new Map();
    const waiting = [];
    window.KbSearch = {
      setFields: (data) => {
        for (const [docname, entry] of Object.entries(data.docs || {})) fieldsByName.set(docname, entry);
        fieldsState = "ready";
        waiting.splice(0).forEach((resume) => resume());
      },
    };
    const contentRoot = document.documentElement.dataset.content_root || "";
    const script = document.createElement("script");
    script.src = contentRoot + FIELDS_FILE;
    // Without the fields file the body index still answers; only front matter is missed.
    script.onerror = () => {
      fieldsState = "missing";
      waiting.splice(0).forEach((resume) => resume());
    };
    document.head.appendChild(script);
    const fieldsReady = () =>
      fieldsState === "loading" ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve();

    const pageUrls = (docName) => {
      const options = DOCUMENTATION_OPTIONS;
      if (options.BUILDER === "dirhtml") {
        let dirname = docName + "/";
        if (dirname.match(/\/index\/$/)) dirname = dirname.substring(0, dirname.length - 6);
        else if (dirname === "index/") dirname = "";
        return { request: contentRoot + dirname, link: contentRoot + dirname };
      }
      return {
        request: contentRoot + docName + options.FILE_SUFFIX,
        link: docName + options.LINK_SUFFIX,
      };
    };

    // A small pool, so a query with hundreds of candidates does not open hundreds of requests.
    let active = 0;
    const queue = [];
    const pump = () => {
      while (active < CONCURRENT_FETCHES && queue.length) {
        const [url, resolve] = queue.shift();
        active++;
        fetch(url)
          .then((response) => (response.ok ? response.text() : null))
          .catch(() => null)
          .then((text) => {
            active--;
            resolve(text);
            pump();
          });
      }
    };
    const fetchText = (url) =>
      new Promise((resolve) => {
        queue.push([url, resolve]);
        pump();
      });

    /** Snippet around the first part found, each part's first hit marked. */
    const snippet = (text, parts) => {
      // Fold character by character to map folded offsets back to the page's text.
      const chars = Array.from(text);
      let folded = "";
      const origin = [];
      let offset = 0;
      for (const char of chars) {
        const piece = fold(char);
        for (let i = 0; i < piece.length; i++) origin.push(offset);
        folded += piece;
        offset += char.length;
      }
      origin.push(offset);
      const hits = [];
      for (const part of parts) {
        const at = folded.indexOf(part.text);
        if (at >= 0) hits.push([origin[at], origin[at + part.text.length]]);
      }
      hits.sort((a, b) => a[0] - b[0]);
      const first = hits.length ? hits[0][0] : 0;
      const start = Math.max(first - SNIPPET_BEFORE, 0);
      const end = Math.min(start + SNIPPET_LENGTH, text.length);
      const paragraph = document.createElement("p");
      paragraph.classList.add("context");
      let cursor = start;
      if (start > 0) paragraph.append("…");
      for (const [from, to] of hits) {
        if (from < cursor || to > end) continue;
        paragraph.append(text.slice(cursor, from).replace(/\s+/g, " "));
        const mark = document.createElement("span");
        mark.classList.add("highlighted");
        mark.textContent = text.slice(from, to);
        paragraph.append(mark);
        cursor = to;
      }
      paragraph.append(text.slice(cursor, end).replace(/\s+/g, " "));
      if (end < text.length) paragraph.append("…");
      return paragraph;
    };

    // Sphinx's htmlToText, also dropping what the index skipped (generated lists).
    const htmlToText = (html) => {
      const page = new DOMParser().parseFromString(html, "text/html");
      page.querySelectorAll(".headerlink, script, style, .no-search").forEach((el) => el.remove());
      const main = page.querySelector('[role="main"]');
      return main ? main.textContent : "";
    };

    const display = (result, parts, text) => {
      const item = document.createElement("li");
      item.classList.add("kind-text");
      const link = item.appendChild(document.createElement("a"));
      link.href = pageUrls(result.docname).link;
      link.dataset.score = result.score;
      link.textContent = result.title;
      if (text && DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY) item.appendChild(snippet(text, parts));
      Search.output.appendChild(item);
      return item;
    };

    const finish = (count) => {
      Search.stopPulse();
      Search.title.innerText = messages.results();
      Search.status.innerText = count ? messages.found(count) : messages.none();
      document.body.dataset.kbSearch = "done";
    };

    const run = async (query) => {
      await fieldsReady();
      const index = Search._index;
      const parts = KbSearchTokenizer.queryParts(query);
      const progress = document.getElementById("search-progress");
      if (progress) progress.textContent = "";
      const fields = new Map();
      index.docnames.forEach((docname, doc) => {
        if (fieldsByName.has(docname)) fields.set(doc, fieldsByName.get(docname));
      });
      if (typeof SPHINX_HIGHLIGHT_ENABLED !== "undefined" && SPHINX_HIGHLIGHT_ENABLED) {
        try {
          localStorage.setItem("sphinx_highlight_terms", parts.map((part) => part.text).join(" "));
        } catch (error) {
          // Storage may be disabled; highlighting on the target page is a nicety.
        }
      }
      const results = KbSearchEngine.search(index, fields, parts);
      const pages = results.map((result) => {
        const url = pageUrls(result.docname).request;
        const text = fetchText(url).then((html) => (html === null ? null : htmlToText(html)));
        return { result, text };
      });
      let count = 0;
      for (const { result, text } of pages) {
        if (result.proven) {
          // Shown at once; the snippet follows when the page arrives.
          const item = display(result, parts, null);
          count++;
          text.then((body) => {
            if (body && DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY) item.appendChild(snippet(body, parts));
          });
          continue;
        }
        const body = await text;
        const [keys, excerpt] = fields.get(result.doc) || ["", ""];
        // A page that cannot be read (file:// URLs) keeps the index's answer.
        if (body !== null && !KbSearchEngine.verify(`${fold(body)}\n${keys}\n${excerpt}`, parts)) continue;
        display(result, parts, body);
        count++;
      }
      finish(count);
    };

    Search.query = (query) => {
      document.body.dataset.kbSearch = "running";
      run(query).catch((error) => {
        console.error("kb search failed", error);
        finish(0);
      });
    };
  })();
}

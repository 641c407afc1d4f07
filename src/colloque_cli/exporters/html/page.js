"use strict";
// colloque's one-file programme. Plain JavaScript, no framework. Every piece of the
// programme's text is set with textContent (never as markup). The search data comes
// ready from the export (folded vocabulary, stems, links, postings): the page only folds
// the words typed and looks them up.
(function () {
  const DATA = JSON.parse(document.getElementById("colloque-data").textContent);
  const EVENT = DATA.event;
  const SESSIONS = DATA.sessions;
  const SLOTS = DATA.slots;
  const STORE_KEY = "colloque:" + EVENT.key + ":choix";
  const $ = (id) => document.getElementById(id);

  // --- text: the same folding, words and light stem as colloque's search.analysis ------------

  const LIGATURES = { "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "‘": "'", "ʼ": "'", "ß": "ss" };
  function fold(text) {
    const lowered = text.normalize("NFKD").toLowerCase().replace(/[œŒæÆ’‘ʼß]/g, (c) => LIGATURES[c]);
    return lowered.normalize("NFKD").replace(/\p{Mn}/gu, "");
  }
  const WORD = /(?:[\p{L}\p{Nl}]\.)+[\p{L}\p{Nl}]\.?(?![\p{L}\p{N}])|[\p{L}\p{N}](?:[\p{L}\p{N}]|[\u0300-\u036f])*/gu;
  const SUBWORD = /[\p{L}\p{N}]+/gu;
  const HYPHENS = "-\u2010\u2011";

  // The folded words of text, with their spans and whether a hyphen joins them to the last.
  function words(text) {
    const found = [];
    let previousEnd = -2;
    for (const match of text.matchAll(WORD)) {
      const start = match.index;
      const end = start + match[0].length;
      const parts = fold(match[0].replace(/\./g, "")).match(SUBWORD) || [];
      const joined = start === previousEnd + 1 && HYPHENS.includes(text[previousEnd]);
      parts.forEach((part, i) => found.push({ text: part, start, end, hyphenated: joined || i > 0 }));
      previousEnd = end;
    }
    return found;
  }

  const FEMININE = [["euse", "eu"], ["ive", "if"], ["elle", "el"], ["enne", "en"], ["onne", "on"],
    ["ette", "et"], ["ere", "er"], ["ee", ""], ["e", ""]];
  const length = (word) => Array.from(word).length;
  // Light French stem of a folded word: plural and feminine endings only.
  function stem(word) {
    if (length(word) <= 3 || !/^\p{L}+$/u.test(word)) return word;
    let w = word;
    if (w.endsWith("eaux")) w = w.slice(0, -1);
    else if (w.endsWith("aux")) w = w.slice(0, -3) + "al";
    else if (w.endsWith("ux")) w = w.slice(0, -1);
    else if (w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
    for (const [suffix, replacement] of FEMININE) {
      if (w.endsWith(suffix) && length(w) - suffix.length >= 3) {
        w = w.slice(0, -suffix.length) + replacement;
        break;
      }
    }
    if (w.endsWith("qu")) w = w.slice(0, -2) + "c";
    else if (w.endsWith("s") && length(w) > 4) w = w.slice(0, -1);
    return w;
  }

  // --- search ---------------------------------------------------------------------------------

  const S = DATA.search;
  const VOCAB = S.words;
  const STOP = new Set(S.stopWords);
  const BY_STEM = new Map();
  S.stems.forEach((key, id) => {
    const group = BY_STEM.get(key);
    if (group) group.push(id); else BY_STEM.set(key, [id]);
  });
  const EXACT = 6, STEM = 5, ROOT = 4, PREFIX = 3, TYPO = 2;
  const NOT_IN_BODY = 8, HEADLINE_ONLY = 16, KIND = 7;
  const ROOT_LINK = 1;
  const KIND_FACTOR = { 6: 1, 5: 0.95, 4: 0.8, 3: 0.7, 2: 0.6 };
  const FIELD_BITS = (1 << S.fields.length) - 1;
  const BODY_BIT = 1 << S.body;
  const HEADLINE_BITS = S.headline.reduce((mask, field) => mask | (1 << field), 0);
  // The best field weight of every field mask, worked out once.
  const BEST = [];
  for (let mask = 0; mask <= FIELD_BITS; mask++) {
    let best = 0;
    S.weights.forEach((weight, field) => { if (mask >> field & 1 && weight > best) best = weight; });
    BEST.push(best);
  }

  function lowerBound(word) {
    let lo = 0, hi = VOCAB.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (VOCAB[mid] < word) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function wordId(word) {
    const at = lowerBound(word);
    return at < VOCAB.length && VOCAB[at] === word ? at : -1;
  }
  const typosFor = (letters) => (letters < 5 ? 0 : letters < 9 ? 1 : 2);
  const maxTypos = (word) => typosFor(length(word));

  // Optimal string alignment distance (a swap of two letters is one typo), or limit + 1.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let before = null, previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let rowBest = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
        row.push(d);
        if (d < rowBest) rowBest = d;
      }
      if (rowBest > limit) return limit + 1;
      before = previous;
      previous = row;
    }
    return previous[b.length];
  }

  // Programme words that a typed word stands for, each with how it matches (as the CLI).
  function expand(word) {
    const found = new Map();
    const exact = wordId(word);
    if (exact >= 0) found.set(exact, EXACT);
    for (const id of BY_STEM.get(stem(word)) || []) if (!found.has(id)) found.set(id, STEM);
    const complete = found.size > 0;
    for (const id of [...found.keys()]) {
      // A word of the same Snowball root counts in the headline only (as in the CLI); a
      // related word (a concept link given at export) counts anywhere.
      for (const [other, link] of S.links[id] || []) {
        if (!found.has(other)) found.set(other, link === ROOT_LINK ? ROOT | HEADLINE_ONLY : ROOT);
      }
    }
    if (length(word) >= S.minPrefix) {
      const loose = complete ? NOT_IN_BODY : 0;
      for (let at = lowerBound(word); at < VOCAB.length && VOCAB[at].startsWith(word); at++) {
        if (!found.has(at)) found.set(at, PREFIX | loose);
      }
    }
    if (!complete) {
      const limit = maxTypos(word);
      if (limit) {
        const near = new Map();
        let fewest = limit + 1;
        const wordStem = stem(word);
        VOCAB.forEach((candidate, id) => {
          // A wrong first letter counts twice (« vieux » is not « mieux » mistyped).
          const extra = candidate[0] === word[0] ? 0 : 1;
          let typos = limit + 1;
          // The tolerance is that of the shorter word (« vieux » is not « vie » mistyped).
          const tolerance = Math.min(limit, typosFor(length(candidate)));
          if (tolerance > extra && Math.abs(candidate.length - word.length) <= tolerance) {
            typos = distance(word, candidate, tolerance - extra) + extra;
            if (typos > tolerance) typos = limit + 1;
          }
          // Compared as stems too (« budjet » for « budgets »), a stem's stripped ending
          // counting in its length, as in the CLI.
          const candidateStem = S.stems[id];
          const stemTolerance = Math.min(limit, typosFor(length(candidateStem) + 1));
          if (typos > 1 && stemTolerance > extra && Math.abs(candidateStem.length - wordStem.length) <= stemTolerance) {
            const byStem = distance(wordStem, candidateStem, stemTolerance - extra) + extra;
            if (byStem <= stemTolerance && byStem < typos) typos = byStem;
          }
          if (typos <= limit && typos > 0) {
            near.set(id, typos);
            if (typos < fewest) fewest = typos;
          }
        });
        for (const [id, typos] of near) if (typos === fewest && !found.has(id)) found.set(id, TYPO);
      }
    }
    return found;
  }

  // The query's concepts: for each typed word (or hyphenated compound), its alternatives.
  function concepts(query) {
    const groups = [];
    for (const word of words(query)) {
      if (word.hyphenated && groups.length) groups[groups.length - 1].push(word.text);
      else groups.push([word.text]);
    }
    const result = [];
    const seen = new Set();
    const kept = groups.slice(0, 64).map((group) => group.filter((w) => !STOP.has(w)));
    for (let at = 0; at < kept.length; at++) {
      const group = groups[at];
      const key = group.join("-");
      if (!kept[at].length || seen.has(key)) continue;
      seen.add(key);
      const alternatives = [kept[at].map(expand)];
      const next = kept[at + 1];
      if (group.length > 1) alternatives.push([expand(group.join(""))]);
      else if (next && next.length === 1 && groups[at + 1].length === 1 && isWord(group[0] + next[0])) {
        // « auto consommation » also means « autoconsommation ».
        alternatives[0].push(expand(next[0]));
        alternatives.push([expand(group[0] + next[0])]);
        at++;
      } else if (!complete(alternatives[0][0])) {
        // Not a programme word: perhaps two, written apart in the programme.
        alternatives.push(...splits(group[0]));
      }
      result.push(alternatives.filter((alt) => alt.every((found) => found.size)));
    }
    return result;
  }
  const isWord = (word) => wordId(word) >= 0 || BY_STEM.has(stem(word));
  const complete = (found) => [...found.values()].some((flags) => (flags & KIND) >= STEM);
  // « intergenerationnelles » as « inter » then « generationnelles ».
  function splits(word) {
    if (word.length < 5 || word.length > 40) return [];
    const found = [];
    for (let cut = 2; cut < word.length - 1; cut++) {
      const left = word.slice(0, cut), right = word.slice(cut);
      if (STOP.has(left) || STOP.has(right)) continue;
      const leftId = wordId(left);
      if (leftId < 0) continue;
      const rightIds = expand(right);
      if (rightIds.size) found.push([new Map([[leftId, EXACT]]), rightIds]);
    }
    return found;
  }

  // Sessions where one word matches, with the best score each, and whether the match is
  // strong: outside the body, or the body dwells on it (more than one mention).
  function scores(found) {
    const best = new Map();
    const bodyCounts = new Map();
    const strong = new Set();
    for (const [id, flags] of found) {
      const factor = KIND_FACTOR[flags & KIND];
      const postings = S.postings[id];
      for (let i = 0; i < postings.length; i += 2) {
        const info = postings[i + 1];
        let literal = info & FIELD_BITS;
        let synonym = (info >> S.synonymShift) & FIELD_BITS;
        if (flags & NOT_IN_BODY) { literal &= ~BODY_BIT; synonym &= ~BODY_BIT; }
        if (flags & HEADLINE_ONLY) { literal &= HEADLINE_BITS; synonym &= HEADLINE_BITS; }
        const weight = Math.max(BEST[literal], BEST[synonym] * 0.9) * factor;
        if (weight <= 0) continue;
        const doc = postings[i];
        if (weight > (best.get(doc) || 0)) best.set(doc, weight);
        if ((literal | synonym) & ~BODY_BIT) strong.add(doc);
        else if (literal & BODY_BIT) {
          const mentions = (bodyCounts.get(doc) || 0) + Math.floor(info / 2 ** S.countShift);
          bodyCounts.set(doc, mentions);
          if (mentions >= 2) strong.add(doc);
        }
      }
    }
    return { best, strong };
  }

  // Sessions matching every concept of the query, best first; and the words to highlight.
  // When some sessions match strongly, those that only mention the words in passing (once,
  // in the description) are left out, as the CLI does.
  function search(query) {
    const asked = concepts(query);
    if (!asked.length) return null;
    let total = null;
    let weak = new Set();
    const matched = new Set();
    for (const alternatives of asked) {
      const concept = new Map();
      const conceptStrong = new Set();
      for (const alternative of alternatives) {
        let sum = null;
        let strong = null;
        for (const found of alternative) {
          for (const id of found.keys()) matched.add(VOCAB[id]);
          const part = scores(found);
          if (sum === null) { sum = part.best; strong = part.strong; continue; }
          const next = new Map();
          for (const [doc, score] of part.best) if (sum.has(doc)) next.set(doc, sum.get(doc) + score);
          sum = next;
          strong = new Set([...strong].filter((doc) => part.strong.has(doc)));
        }
        for (const [doc, score] of sum || []) {
          if (score > (concept.get(doc) || 0)) concept.set(doc, score);
          if (strong.has(doc)) conceptStrong.add(doc);
        }
      }
      for (const doc of concept.keys()) if (!conceptStrong.has(doc)) weak.add(doc);
      if (total === null) total = concept;
      else {
        const next = new Map();
        for (const [doc, score] of concept) if (total.has(doc)) next.set(doc, total.get(doc) + score);
        total = next;
      }
      if (!total.size) break;
    }
    let docs = [...total.keys()];
    if (docs.some((doc) => !weak.has(doc))) docs = docs.filter((doc) => !weak.has(doc));
    docs.sort((a, b) => total.get(b) - total.get(a) || a - b);
    return { docs, words: matched };
  }

  // --- state: stars, kept per event in localStorage ------------------------------------------

  const byId = new Map(SESSIONS.map((s, i) => [s.id, i]));
  // Beside the stars, the colloque's title (folded): a page republished with a corrected
  // title recognises the stars made under the old one, as colloque's agenda does.
  const TITLE_KEY = "colloque:" + EVENT.key + ":titre";
  const foldedTitle = (text) => fold(text).split(/\s+/).filter(Boolean).join(" ");
  function readKey(key) {
    try {
      const raw = window.localStorage.getItem(key);
      if (raw === null) return null;
      const ids = JSON.parse(raw);
      return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
    } catch (error) {
      return null;
    }
  }
  const readStars = () => readKey(STORE_KEY);
  // The share of letters two titles have in common, in order (as rapidfuzz's ratio).
  function likeness(a, b) {
    let row = new Array(b.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      const next = new Array(b.length + 1).fill(0);
      for (let j = 1; j <= b.length; j++) {
        next[j] = a[i - 1] === b[j - 1] ? row[j - 1] + 1 : Math.max(row[j], next[j - 1]);
      }
      row = next;
    }
    return (200 * row[b.length]) / (a.length + b.length);
  }
  function corrected(before, after) {
    if (!before || !after) return false;
    const [shorter, longer] = before.length <= after.length ? [before, after] : [after, before];
    return likeness(before, after) >= 60 || (shorter.length >= 10 && longer.includes(shorter));
  }
  // Stars saved for this colloque under an earlier title: same first day, a title that reads
  // as a correction of this one, and at least half of them (one at least) sessions of this
  // programme. Two equally likely: none (choices are never merged on a guess). Read only.
  function earlierStars() {
    const prefix = "colloque:" + EVENT.day + "-";
    const wanted = foldedTitle(EVENT.title);
    const found = [];
    try {
      for (let i = 0; i < window.localStorage.length; i++) {
        const key = window.localStorage.key(i);
        if (!key || key === STORE_KEY || !key.startsWith(prefix) || !key.endsWith(":choix")) continue;
        const title = window.localStorage.getItem(key.slice(0, -":choix".length) + ":titre");
        const ids = readKey(key);
        if (title === null || !ids || !ids.length) continue;
        const present = ids.filter((id) => byId.has(id)).length;
        if (present && present * 2 >= ids.length && corrected(foldedTitle(title), wanted)) {
          found.push({ ids, title, score: present / ids.length });
        }
      }
    } catch (error) {
      return null;
    }
    found.sort((a, b) => b.score - a.score);
    if (!found.length || (found.length > 1 && found[0].score === found[1].score)) return null;
    return found[0];
  }
  const own = readStars();
  const adopted = own === null ? earlierStars() : null;
  let stars = new Set(adopted ? adopted.ids.filter((id) => byId.has(id)) : own || []);
  let storageWorks = true;
  function saveStars() {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify([...stars]));
      window.localStorage.setItem(TITLE_KEY, EVENT.title);
    } catch (error) {
      storageWorks = false;
    }
  }
  if (adopted) saveStars();

  // --- rendering ----------------------------------------------------------------------------

  const plural = (n, one, many) => (n === 1 ? "1 " + one : n.toLocaleString("fr-FR") + " " + many);
  const quoted = (text) => "«\u00a0" + text + "\u00a0»";
  // French typography: a narrow no-break space before « : ; ? ! », no-break inside « ».
  const nbsp = (text) => text.replace(/ ([:;?!»])/g, (m, c) => (c === "»" ? "\u00a0»" : "\u202f" + c)).replace(/« /g, "«\u00a0");
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function where(session) {
    const slot = SLOTS[session.slot];
    const parts = [DATA.days[slot.day].label + ", " + slot.hours];
    // A short room name (« Salle 1 ») is not cut at the end of a line.
    const room = session.room !== null ? DATA.rooms[session.room] : null;
    if (room !== null) parts.push(room.length <= 24 ? room.replace(/ /g, "\u00a0") : room);
    return parts.join(" · ");
  }

  // Text with the matched words marked (as <mark> elements, the text as text nodes).
  function fill(node, text, highlight) {
    node.textContent = "";
    if (!highlight || !highlight.size) { node.textContent = text; return; }
    let last = 0;
    for (const match of text.matchAll(WORD)) {
      const parts = fold(match[0].replace(/\./g, "")).match(SUBWORD) || [];
      if (!parts.some((part) => highlight.has(part))) continue;
      if (match.index > last) node.append(text.slice(last, match.index));
      node.append(el("mark", null, match[0]));
      last = match.index + match[0].length;
    }
    if (last < text.length) node.append(text.slice(last));
  }

  const cards = new Map();
  function card(index) {
    let entry = cards.get(index);
    if (entry) return entry;
    const s = SESSIONS[index];
    const node = el("article", "session");
    node.dataset.sessionId = s.id;
    const titleId = "t-" + index;
    node.setAttribute("aria-labelledby", titleId);
    const when = el("p", "when");
    node.append(when);
    const title = el("div", "title");
    title.id = titleId;
    title.setAttribute("role", "heading");
    title.setAttribute("aria-level", "4");
    node.append(title);
    let subtitle = null;
    if (s.subtitle) { subtitle = el("p", "subtitle"); node.append(subtitle); }
    const meta = [s.type, ...s.themes.map((t) => DATA.themes[t])].join(" · ");
    node.append(el("p", "meta", meta));
    let speakers = null;
    if (s.speakers.length) { speakers = el("p", "speakers"); node.append(speakers); }
    const conflict = el("p", "conflict");
    conflict.hidden = true;
    node.append(conflict);
    let description = null;
    if (s.description) {
      const details = el("details");
      details.append(el("summary", null, "Description"));
      description = el("p");
      details.append(description);
      node.append(details);
    }
    const star = el("button", "star");
    star.type = "button";
    star.setAttribute("aria-pressed", "false");
    const mark = el("span", "mark", "☆");
    mark.setAttribute("aria-hidden", "true");
    star.append(mark, " Mon programme", el("span", "sr", " : " + s.title));
    star.addEventListener("click", () => toggle(s.id));
    node.append(star);
    entry = { node, when, title, subtitle, speakers, description, conflict, star, mark, highlight: undefined };
    cards.set(index, entry);
    paintStar(index);
    return entry;
  }
  function paint(index, highlight) {
    const entry = card(index);
    if (entry.highlight === highlight) return entry;
    const s = SESSIONS[index];
    fill(entry.title, s.title, highlight);
    if (entry.subtitle) fill(entry.subtitle, s.subtitle, highlight);
    if (entry.speakers) {
      entry.speakers.textContent = "Avec ";
      const names = el("span");
      fill(names, s.speakers.join(", "), highlight);
      entry.speakers.append(names);
    }
    if (entry.description) fill(entry.description, s.description, highlight);
    entry.highlight = highlight;
    return entry;
  }
  function paintStar(index) {
    const entry = cards.get(index);
    if (!entry) return;
    const on = stars.has(SESSIONS[index].id);
    entry.star.setAttribute("aria-pressed", String(on));
    entry.mark.textContent = on ? "★" : "☆";
    entry.node.classList.toggle("starred", on);
  }

  const filters = { day: $("filter-day"), room: $("filter-room"), theme: $("filter-theme") };
  DATA.days.forEach((day, i) => filters.day.append(new Option(day.label, String(i))));
  DATA.rooms.forEach((room, i) => filters.room.append(new Option(room, String(i))));
  DATA.themes.forEach((theme, i) => filters.theme.append(new Option(theme, String(i))));
  const onlyMine = $("only-mine");

  let printingMine = false;  // printing « Mon programme »: every starred session, by slot
  function kept(index) {
    const s = SESSIONS[index];
    if (printingMine) return stars.has(s.id);
    const day = filters.day.value, room = filters.room.value, theme = filters.theme.value;
    if (day !== "" && SLOTS[s.slot].day !== Number(day)) return false;
    if (room !== "" && s.room !== Number(room)) return false;
    if (theme !== "" && !s.themes.includes(Number(theme))) return false;
    if (onlyMine.getAttribute("aria-pressed") === "true" && !stars.has(s.id)) return false;
    return true;
  }

  const PAGE = 60;
  let shownLimit = PAGE;
  let lastQuery = null;
  let lastResult = null;
  const main = $("sessions");
  const count = $("count");
  const timing = { last: 0, all: [] };

  function render() {
    const query = $("q").value;
    if (query !== lastQuery) {
      const started = performance.now();
      lastResult = query.trim() ? search(query) : null;
      const spent = performance.now() - started;
      timing.last = spent;
      timing.all.push(spent);
      lastQuery = query;
    }
    main.textContent = "";
    const searching = !printingMine && (lastResult !== null || query.trim() !== "");
    if (searching) {
      const docs = lastResult ? lastResult.docs.filter(kept) : [];
      const highlight = lastResult ? lastResult.words : null;
      count.textContent = docs.length
        ? nbsp(plural(docs.length, "session trouvée", "sessions trouvées") + " pour " + quoted(query.trim()) + ", les plus pertinentes d'abord.")
        : nbsp("Aucune session ne correspond à " + quoted(query.trim()) + ". " + hint(query));
      const list = el("div", "list");
      for (const index of docs.slice(0, shownLimit)) {
        const entry = paint(index, highlight);
        entry.title.setAttribute("aria-level", "3");
        entry.when.textContent = where(SESSIONS[index]);
        entry.when.hidden = false;
        list.append(entry.node);
      }
      if (docs.length) {
        main.append(el("h2", "sr", "Résultats"), list);
      }
      if (docs.length > shownLimit) {
        const more = el("button", "more", "Afficher " + plural(Math.min(PAGE, docs.length - shownLimit), "session de plus", "sessions de plus"));
        more.type = "button";
        more.addEventListener("click", () => { shownLimit += PAGE; render(); });
        main.append(more);
      }
      return;
    }
    let shown = 0;
    let currentDay = null, currentSlot = null, dayNode = null, list = null;
    SESSIONS.forEach((s, index) => {
      if (!kept(index)) return;
      const slot = SLOTS[s.slot];
      if (slot.day !== currentDay) {
        currentDay = slot.day;
        dayNode = el("section", "day");
        dayNode.append(el("h2", null, DATA.days[slot.day].label));
        main.append(dayNode);
        currentSlot = null;
      }
      if (s.slot !== currentSlot) {
        currentSlot = s.slot;
        const slotNode = el("section", "slot");
        slotNode.id = "creneau-" + s.slot;
        slotNode.append(el("h3", null, slot.hours + (slot.label ? " · " + slot.label : "")));
        list = el("div", "list");
        slotNode.append(list);
        dayNode.append(slotNode);
      }
      const entry = paint(index, null);
      entry.title.setAttribute("aria-level", "4");
      // Day and hours are in the headings above: the room is what tells sessions apart.
      entry.when.textContent = s.room !== null ? DATA.rooms[s.room] : "";
      entry.when.hidden = s.room === null;
      list.append(entry.node);
      shown++;
    });
    const mineOnly = onlyMine.getAttribute("aria-pressed") === "true";
    count.textContent = shown
      ? (shown === SESSIONS.length ? "Tout le programme : " : "") + plural(shown, "session", "sessions") + "."
      : nbsp(mineOnly && !stars.size ? "Vous n'avez choisi aucune session : touchez « Mon programme » sur une session pour l'y ajouter." : "Aucune session ne correspond à ces filtres.");
  }

  // While a word is being typed, it finds nothing before its 4th letter (as in the CLI).
  function hint(query) {
    const typed = words(query);
    const last = typed.length ? typed[typed.length - 1].text : "";
    if (!/\s$/.test(query) && last.length < S.minPrefix && !STOP.has(last)) {
      return "Continuez à taper : un début de mot compte à partir de " + S.minPrefix + " lettres.";
    }
    return "Essayez un autre mot, ou retirez un filtre.";
  }

  // --- « Mon programme » ---------------------------------------------------------------------

  const overlaps = (a, b) => SLOTS[a.slot].start < SLOTS[b.slot].end && SLOTS[b.slot].start < SLOTS[a.slot].end;
  function chosen() {
    return SESSIONS.map((s, i) => i).filter((i) => stars.has(SESSIONS[i].id));
  }
  function shareUrl() {
    const base = window.location.href.split("#")[0];
    return base + "#choix=" + [...stars].filter((id) => byId.has(id)).map(encodeURIComponent).join(",");
  }
  function refreshMine() {
    const picked = chosen();
    const clash = new Map();
    const pairs = [];
    for (let i = 0; i < picked.length; i++) {
      for (let j = i + 1; j < picked.length; j++) {
        const a = SESSIONS[picked[i]], b = SESSIONS[picked[j]];
        if (!overlaps(a, b)) continue;
        pairs.push([a, b]);
        for (const [x, y] of [[picked[i], b], [picked[j], a]]) {
          if (!clash.has(x)) clash.set(x, []);
          clash.get(x).push(y.title);
        }
      }
    }
    $("mine-summary").textContent = picked.length
      ? nbsp(plural(picked.length, "session choisie", "sessions choisies") + " · " +
        (pairs.length ? plural(pairs.length, "conflit d'horaire", "conflits d'horaire") : "aucun conflit d'horaire") + ".")
      : nbsp("Aucune session choisie : touchez « Mon programme » sur une session pour la garder ici.");
    const mine = $("mine-list");
    mine.textContent = "";
    for (const index of picked) {
      const s = SESSIONS[index];
      const item = el("li");
      item.append(el("span", "when", where(s)), el("br"), s.title);
      if (clash.has(index)) item.append(el("span", "clash", " ⚠ conflit"));
      mine.append(item);
    }
    mine.hidden = picked.length === 0;
    const list = $("conflicts");
    list.textContent = "";
    for (const [a, b] of pairs) {
      list.append(el("li", null, nbsp("⚠ Conflit d'horaire : " + quoted(a.title) + " et " + quoted(b.title) + " se chevauchent (" + where(a) + ").")));
    }
    list.hidden = pairs.length === 0;
    for (const [index, entry] of cards) {
      const others = clash.get(index);
      entry.conflict.hidden = !others;
      entry.conflict.textContent = others ? nbsp("⚠ En conflit avec " + others.map(quoted).join(", ")) : "";
    }
    for (const index of clash.keys()) {
      const entry = card(index);
      entry.conflict.hidden = false;
      entry.conflict.textContent = nbsp("⚠ En conflit avec " + clash.get(index).map(quoted).join(", "));
    }
    // Without a choice the actions have nothing to act on: hidden, the panel stays short.
    $("mine-actions").hidden = picked.length === 0;
    $("share-link").href = shareUrl();
    onlyMine.querySelector(".mark").textContent = onlyMine.getAttribute("aria-pressed") === "true" ? "★" : "☆";
    refreshNow();
  }
  function toggle(id) {
    if (stars.has(id)) stars.delete(id); else stars.add(id);
    saveStars();
    paintStar(byId.get(id));
    refreshMine();
    if (onlyMine.getAttribute("aria-pressed") === "true") render();
    say(storageWorks ? "" : "Vos choix ne peuvent pas être gardés par ce navigateur : utilisez le lien de partage pour les conserver.");
  }
  function say(text) { $("mine-message").textContent = nbsp(text); }

  // A selection received by link (#choix=…) or made in colloque (agenda export).
  function receive(ids, origin) {
    const known = ids.filter((id) => byId.has(id));
    if (!known.length) return;
    const same = known.length === stars.size && known.every((id) => stars.has(id));
    if (same) return;
    if (!stars.size) {
      known.forEach((id) => stars.add(id));
      saveStars();
      say(origin + " : " + plural(known.length, "session ajoutée", "sessions ajoutées") + " à votre programme.");
      return;
    }
    $("incoming-text").textContent = nbsp(origin + " contient " + plural(known.length, "session", "sessions") + ". Vous en avez déjà choisi " + stars.size + " sur cet appareil.");
    $("incoming").hidden = false;
    const close = (message) => {
      $("incoming").hidden = true;
      saveStars();
      SESSIONS.forEach((s, i) => paintStar(i));
      refreshMine();
      render();
      say(message);
    };
    $("incoming-replace").onclick = () => { stars = new Set(known); close("Vos choix sont remplacés par la sélection reçue."); };
    $("incoming-add").onclick = () => { known.forEach((id) => stars.add(id)); close("La sélection reçue est ajoutée à vos choix."); };
    $("incoming-ignore").onclick = () => close("La sélection reçue est ignorée : vos choix sont inchangés.");
  }

  // The CLI's VEVENTs, one per session, gzipped in the page: unpacked once, when needed.
  let calendarEvents = null;
  function unpackCalendar() {
    if (!calendarEvents) {
      const bytes = Uint8Array.from(atob(DATA.calendar.events), (c) => c.charCodeAt(0));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      calendarEvents = new Response(stream).text().then(JSON.parse);
    }
    return calendarEvents;
  }
  async function downloadIcs() {
    const picked = chosen();
    if (!picked.length) return;
    let events;
    try {
      events = await unpackCalendar();
    } catch (error) {
      say("Ce navigateur ne sait pas produire le fichier .ics : utilisez un navigateur plus récent, ou « colloque agenda export ».");
      return;
    }
    const cal = DATA.calendar;
    const text = cal.head + picked.map((i) => events[i]).join("") + cal.tail;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/calendar;charset=utf-8" }));
    link.download = EVENT.key + ".ics";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    say(plural(picked.length, "session exportée", "sessions exportées") + " : ouvrez le fichier avec votre application de calendrier.");
  }

  // --- « maintenant / ensuite », in the colloque's own time ----------------------------------

  function nowMs() {
    const asked = new URLSearchParams(window.location.search).get("maintenant");
    const parsed = asked ? Date.parse(asked) : NaN;
    return Number.isNaN(parsed) ? Date.now() : parsed;
  }
  function refreshNow() {
    const box = $("now");
    const now = nowMs();
    const first = SLOTS.length ? SLOTS[0].start : 0;
    const last = SLOTS.reduce((max, slot) => Math.max(max, slot.end), 0);
    // Shown on the colloque's days only: from 6 hours before the first start to the last end.
    if (!SLOTS.length || now < first - 6 * 3600e3 || now >= last) { box.hidden = true; return; }
    box.textContent = "";
    const running = SESSIONS.filter((s) => SLOTS[s.slot].start <= now && now < SLOTS[s.slot].end);
    const upcoming = SLOTS.filter((slot) => slot.start > now);
    const nextStart = upcoming.length ? Math.min(...upcoming.map((slot) => slot.start)) : null;
    const next = SESSIONS.filter((s) => SLOTS[s.slot].start === nextStart);
    const mineNow = running.filter((s) => stars.has(s.id));
    const mineNext = next.filter((s) => stars.has(s.id));
    const line = (label, list, mine) => {
      const p = el("p");
      p.append(el("strong", null, nbsp(label + " : ")));
      const slotText = list.length ? DATA.days[SLOTS[list[0].slot].day].label + ", " + SLOTS[list[0].slot].hours : "";
      if (mine.length) p.append(nbsp(mine.map((s) => quoted(s.title) + (s.room !== null ? ", " + DATA.rooms[s.room] : "")).join(" ; ") + " (" + slotText + ")"));
      else if (list.length) p.append(plural(list.length, "session", "sessions") + " (" + slotText + ")");
      else p.append("rien");
      box.append(p);
    };
    line("Maintenant", running, mineNow);
    if (nextStart !== null) line("Ensuite", next, mineNext);
    box.hidden = false;
  }

  // --- wiring -------------------------------------------------------------------------------

  $("q").addEventListener("input", () => { shownLimit = PAGE; render(); });
  for (const select of Object.values(filters)) select.addEventListener("change", () => { shownLimit = PAGE; render(); });
  onlyMine.addEventListener("click", () => {
    const on = onlyMine.getAttribute("aria-pressed") !== "true";
    onlyMine.setAttribute("aria-pressed", String(on));
    refreshMine();
    render();
  });
  $("download-ics").addEventListener("click", downloadIcs);
  $("print-mine").addEventListener("click", () => {
    printingMine = true;
    document.body.classList.add("print-mine");
    render();
    window.print();
  });
  window.addEventListener("afterprint", () => {
    if (!printingMine) return;
    printingMine = false;
    document.body.classList.remove("print-mine");
    render();
  });
  $("copy-share").addEventListener("click", () => {
    const url = shareUrl();
    const done = () => say("Lien copié : ouvrez-le sur un autre appareil pour y retrouver votre sélection.");
    const manual = () => say("Copiez ce lien : " + url);
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, manual);
    else manual();
  });

  // A share link (#choix=id,id…): offered when the page opens, or when pasted into it.
  function fromLink() {
    const fragment = window.location.hash.match(/^#choix=([^&]*)/);
    if (!fragment) return false;
    const ids = fragment[1].split(",").filter(Boolean).map((id) => { try { return decodeURIComponent(id); } catch (e) { return ""; } });
    receive(ids, "Le lien reçu");
    try { window.history.replaceState(null, "", window.location.href.split("#")[0]); } catch (e) { /* file:// in some browsers */ }
    return true;
  }
  window.addEventListener("hashchange", () => {
    if (!fromLink()) return;
    SESSIONS.forEach((s, i) => paintStar(i));
    refreshMine();
    render();
  });
  if (!fromLink() && readStars() === null && DATA.preselected.length) {
    receive(DATA.preselected, "Votre agenda colloque");
  }
  refreshMine();
  render();
  if (adopted) {
    say("Vos choix faits sous le titre " + quoted(adopted.title) + " sont repris : " + plural(stars.size, "session", "sessions") + ".");
  }
  setInterval(refreshNow, 60000);
  // Hooks for tests and tools: the search as the page runs it, and its timings.
  window.colloquePage = { search, fold, stem, words, expand, timing };
})();

// kb: previews of the glossary entries and articles a page's text links to.
// The cards are <template>s the build wrote into the page's head (kb/previews.html), keyed by
// the link's address, which is the card's own "open" link's: nothing is fetched, so this
// works from file:// too. A card shows when the pointer rests on a link, when a link gets
// keyboard focus, and on a first tap (a second tap, or the card's own link, opens the
// page). It is placed right after its link, so Tab goes on into it; Escape closes it and
// keeps focus on the link. The card is fixed over the page and never moves the text under it.
(() => {
  "use strict";
  const HOVER_DELAY = 50; // ms the pointer rests on a link before its card shows
  const LEAVE_DELAY = 300; // ms to move from a link onto its card
  const GAP = 6;
  const MARGIN = 8;
  const templates = document.querySelectorAll("template[data-kb-preview]");
  if (!templates.length) return;
  const withoutFragment = (href) => href.split("#")[0];
  const cards = new Map();
  for (const template of templates) {
    // The card's address is its "open" link's (a project's own card template may
    // still give it on the <template>, as kb's did before).
    const open = template.content.querySelector(".kb-preview-open");
    const link = open && open.querySelector("a[href]");
    const href = template.dataset.kbPreview || (link && link.getAttribute("href"));
    if (!href) continue;
    cards.set(withoutFragment(new URL(href, document.baseURI).href), template);
  }
  const card = document.createElement("div");
  card.className = "kb-preview";
  card.id = "kb-preview";
  card.hidden = true;
  card.setAttribute("role", "dialog");
  card.setAttribute("aria-labelledby", "kb-preview-title");
  let current = null;
  let showTimer = 0;
  let hideTimer = 0;
  let pointer = "";
  let pressed = null;

  const previewed = (node) => {
    const link = node instanceof Element ? node.closest("a[href]") : null;
    if (!link || card.contains(link)) return null;
    return cards.has(withoutFragment(link.href)) ? link : null;
  };
  // The browser's own tooltip (the entry's summary) would cover the card.
  for (const link of document.querySelectorAll("a[href][title]")) {
    if (previewed(link)) link.removeAttribute("title");
  }

  function place() {
    if (!current) return;
    const box = current.getClientRects()[0] || current.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const height = document.documentElement.clientHeight;
    const left = Math.max(MARGIN, Math.min(box.left, width - card.offsetWidth - MARGIN));
    let top = box.bottom + GAP;
    if (top + card.offsetHeight > height - MARGIN && box.top - GAP - card.offsetHeight >= MARGIN) {
      top = box.top - GAP - card.offsetHeight;
    }
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
  }

  function open(link) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (current === link) return;
    close(false);
    card.replaceChildren(cards.get(withoutFragment(link.href)).content.cloneNode(true));
    const title = card.querySelector(".kb-preview-title");
    if (title) title.id = "kb-preview-title";
    link.after(card);
    card.hidden = false;
    current = link;
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-describedby", card.id);
    place();
  }

  function close(refocus) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!current) return;
    const link = current;
    current = null;
    if (refocus && card.contains(document.activeElement)) link.focus();
    card.hidden = true;
    link.setAttribute("aria-expanded", "false");
    link.removeAttribute("aria-describedby");
  }

  document.addEventListener("pointerover", (event) => {
    if (event.pointerType === "touch") return;
    const link = previewed(event.target);
    if (link) {
      clearTimeout(hideTimer);
      if (link !== current) {
        clearTimeout(showTimer);
        showTimer = setTimeout(() => open(link), HOVER_DELAY);
      }
    } else if (card.contains(event.target)) {
      clearTimeout(hideTimer);
    }
  });
  document.addEventListener("pointerout", (event) => {
    if (event.pointerType === "touch") return;
    const link = previewed(event.target);
    if (!link && !card.contains(event.target)) return;
    const to = event.relatedTarget;
    if (to instanceof Node && (card.contains(to) || (current && current.contains(to)))) return;
    clearTimeout(showTimer);
    if (current && !card.contains(document.activeElement)) {
      hideTimer = setTimeout(() => close(false), LEAVE_DELAY);
    }
  });
  document.addEventListener(
    "pointerdown",
    (event) => {
      pointer = event.pointerType;
      pressed = previewed(event.target);
      if (current && !card.contains(event.target) && !current.contains(event.target)) close(false);
    },
    true,
  );
  document.addEventListener("focusin", (event) => {
    const link = previewed(event.target);
    if (link) {
      // A press decides for itself: a click follows the link, a first tap previews it.
      if (link !== pressed) open(link);
    } else if (current && !card.contains(event.target)) {
      close(false);
    }
  });
  document.addEventListener("click", (event) => {
    const link = previewed(event.target);
    const tapped = pointer === "touch" && link !== null && link === pressed;
    pressed = null;
    if (!tapped || current === link) return;
    event.preventDefault();
    open(link);
  });
  document.addEventListener(
    "keydown",
    (event) => {
      pressed = null;
      if (event.key === "Escape" && current) close(true);
    },
    true,
  );
  const follow = () => requestAnimationFrame(place);
  addEventListener("scroll", follow, { passive: true, capture: true });
  addEventListener("resize", follow, { passive: true });
})();

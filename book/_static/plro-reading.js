/* PLRO reading aids (loaded on every page by book/_ext/plro_site.py).

   1. Wide tables: each table of the page sits in a frame that shows a shadow at the edge that
      can still be scrolled and a short "scroll" hint, only while the table is wider than its box
      (classes plro-overflows, plro-scrolled, plro-at-end; styles in plro.css).
   2. Search snippets: Sphinx's search builds each result's snippet from the text of the page;
      here code cells (their inputs and outputs) are left out first, so a snippet shows prose. */
(function () {
  "use strict";

  /* Nearest element, from the table up to the article, that scrolls sideways. */
  function scroller(table) {
    for (let el = table; el && !el.matches("article, main, body"); el = el.parentElement) {
      const overflow = getComputedStyle(el).overflowX;
      if (overflow === "auto" || overflow === "scroll") return el;
    }
    return null;
  }

  function frameTable(table) {
    let box = scroller(table);
    if (!box) {
      box = document.createElement("div");
      box.className = "plro-table-scroll";
      table.replaceWith(box);
      box.appendChild(table);
    }
    if (box.parentElement && box.parentElement.classList.contains("plro-scroll-frame")) return;
    const frame = document.createElement("div");
    frame.className = "plro-scroll-frame";
    const hint = document.createElement("p");
    hint.className = "plro-scroll-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "scroll \u2192";
    hint.hidden = true;
    box.replaceWith(frame);
    frame.append(hint, box);
    const update = () => {
      const overflowing = box.scrollWidth > box.clientWidth + 1;
      frame.classList.toggle("plro-overflows", overflowing);
      frame.classList.toggle("plro-scrolled", overflowing && box.scrollLeft > 1);
      frame.classList.toggle("plro-at-end",
        overflowing && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
      hint.hidden = !overflowing;
    };
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    if (window.ResizeObserver) new ResizeObserver(update).observe(box);
    update();
  }

  function frameTables() {
    document.querySelectorAll("article table").forEach(frameTable);
  }

  /* Code and its output are not prose: leave them out of search snippets. */
  const NOT_PROSE = ".cell_input, .cell_output, div.highlight, pre, .toggle-details, " +
    "details.above-input, details.below-input";

  function proseOnlySnippets() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.plroProseOnly) return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(NOT_PROSE).forEach((el) => el.remove());
      return htmlToText(doc.documentElement.outerHTML, anchor);
    };
    Search.plroProseOnly = true;
  }

  proseOnlySnippets();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", frameTables);
  } else {
    frameTables();
  }
})();

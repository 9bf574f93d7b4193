/* The handbook's keyboard and screen-reader behaviour, on top of furo's
 * (furo.js) and sphinx-copybutton's scripts.
 *
 * A file of its own, never an inline script: the site's Content-Security-Policy
 * allows scripts from the site itself only.  Without JavaScript every page still
 * works as furo made it (drawers open by mouse through furo's checkboxes).
 */
(() => {
  "use strict";

  // One polite live region for short messages ("Copied", search results).
  // It exists before anything is announced, so screen readers notice changes.
  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.append(status);
  let pending = null;
  const announce = (message) => {
    // Clearing first makes a repeated message ("Copied" twice) speak again.
    // A message that replaces another before it is spoken cancels it: the
    // search page rewrites Sphinx's summary in the same task, and only the
    // rewritten one may reach the live region.
    status.textContent = "";
    window.clearTimeout(pending);
    pending = window.setTimeout(() => { status.textContent = message; }, 50);
  };

  const FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";

  /* -- Navigation drawers ----------------------------------------------------
   * Replaces furo's drawer toggles: <label for="__navigation"> and
   * <label for="__toc">, which cannot take focus, are not buttons, say nothing
   * about being open, and ignore Escape (furo pull request #660).  Each label
   * becomes a <button> with aria-expanded and aria-controls.  furo's CSS still
   * slides the drawers from its hidden checkboxes' :checked state, so the
   * buttons only set the checkbox; handbook.css hides a closed drawer
   * (visibility: hidden) so that no tab stop lands off screen.
   */
  const DRAWERS = [
    { checkbox: "__navigation", panel: ".sidebar-drawer", id: "site-menu", name: "Menu" },
    { checkbox: "__toc", panel: ".toc-drawer", id: "on-this-page", name: "On this page" },
  ];

  const drawers = [];

  function setUpDrawer({ checkbox, panel: selector, id, name }) {
    const box = document.getElementById(checkbox);
    const panel = document.querySelector(selector);
    const labels = document.querySelectorAll(`label[for="${checkbox}"]:not(.overlay)`);
    if (!box || !panel || !labels.length) return;
    panel.id = panel.id || id;
    const drawer = { box, panel, buttons: [], opener: null };
    for (const label of labels) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = label.className;
      button.append(...label.childNodes);
      button.setAttribute("aria-label", name);
      button.setAttribute("aria-controls", panel.id);
      button.addEventListener("click", () => (box.checked ? close(drawer, true) : open(drawer, button)));
      label.replaceWith(button);
      drawer.buttons.push(button);
    }
    // furo's dimmed overlay (still a label) unticks the box when clicked.
    box.addEventListener("change", () => sync(drawer));
    // A drawer covers the page: when focus moves anywhere else (Tab past its
    // last link, a click on the page), close it, so no tab stop lands on the
    // page hidden under the overlay.
    document.addEventListener("focusin", (event) => {
      const next = event.target;
      if (box.checked && !panel.contains(next) && !drawer.buttons.includes(next)) {
        close(drawer, false);
      }
    });
    // furo leaves a drawer open after a link in it is followed to a heading on
    // the same page, covering the heading: close it.
    panel.addEventListener("click", (event) => {
      if (event.target.closest("a[href^='#']") && box.checked) close(drawer, false);
    });
    sync(drawer);
    drawers.push(drawer);
  }

  function sync(drawer) {
    for (const button of drawer.buttons) {
      button.setAttribute("aria-expanded", String(drawer.box.checked));
    }
  }

  const firstStop = (panel) => [...panel.querySelectorAll(FOCUSABLE)]
    .find((element) => element.getClientRects().length && element.tabIndex >= 0);

  function open(drawer, button) {
    for (const other of drawers) if (other !== drawer && other.box.checked) close(other, false);
    drawer.opener = button;
    drawer.box.checked = true;
    sync(drawer);
    const first = firstStop(drawer.panel);
    if (first) first.focus();
  }

  function close(drawer, returnFocus) {
    drawer.box.checked = false;
    sync(drawer);
    if (!returnFocus) return;
    // The button that opened the drawer, or whichever of its buttons is shown.
    const target = [drawer.opener, ...drawer.buttons]
      .find((button) => button && button.getClientRects().length);
    if (target) target.focus();
  }

  document.addEventListener("keydown", (event) => {
    const drawer = drawers.find((d) => d.box.checked);
    if (!drawer) return;
    // Escape, or Shift+Tab from the drawer's first stop, goes back to the
    // button: "On this page" comes after the footer in the source, so the
    // browser would go to the footer, under the overlay.
    const back = event.key === "Tab" && event.shiftKey
      && document.activeElement === firstStop(drawer.panel);
    if (event.key === "Escape" || back) {
      close(drawer, true);
      event.preventDefault();
    }
  });

  DRAWERS.forEach(setUpDrawer);

  /* -- The colour-theme button says which theme is on ---------------------------
   * furo names it "Toggle Light / Dark / Auto color theme" whatever is on.  Its
   * script keeps the choice in <body data-theme>: name the buttons from that.
   */
  const THEMES = { auto: "automatic, as your device", light: "light", dark: "dark" };
  const nameThemeButtons = () => {
    const theme = THEMES[document.body.dataset.theme] || THEMES.auto;
    for (const button of document.querySelectorAll("button.theme-toggle")) {
      button.setAttribute("aria-label", `Colour theme: ${theme} (change)`);
    }
  };
  nameThemeButtons();
  new MutationObserver(nameThemeButtons)
    .observe(document.body, { attributes: true, attributeFilter: ["data-theme"] });

  /* -- "/" focuses the search field the reader can see -------------------------
   * Sphinx's shortcut (doctools.js) focuses the first field named "q": the
   * sidebar's, which on a phone is inside the closed menu (focus lands on
   * nothing visible), and which on the search page comes before the page's own
   * field.  Only the search page, and a page that highlights search words
   * (below), load doctools.js (lean_pages.py): there Sphinx decides when "/" is
   * the shortcut and this function is the one it calls; elsewhere this script
   * listens for "/" itself, by Sphinx's rules (not while typing, nor with Alt,
   * Ctrl or Meta).
   */
  const shown = (element) => element && element.getClientRects().length
    && getComputedStyle(element).visibility === "visible";
  const focusSearchBar = () => {
    const fields = [document.getElementById("search-page-query"),
      ...document.querySelectorAll("input[name=q]")];
    let field = fields.find(shown);
    // No field in view: open the menu that holds one.
    const menu = !field && drawers.find((d) => d.panel.querySelector("input[name=q]"));
    if (menu) {
      open(menu, menu.buttons.find(shown));
      field = menu.panel.querySelector("input[name=q]");
    }
    if (field) field.focus();
  };
  const takeOverSphinxShortcut = () => { Documentation.focusSearchBar = focusSearchBar; };
  if (typeof Documentation !== "undefined") takeOverSphinxShortcut();
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || typeof Documentation !== "undefined") return;
    if (["TEXTAREA", "INPUT", "SELECT", "BUTTON"].includes(document.activeElement.tagName)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    focusSearchBar();
    event.preventDefault();
  });

  /* -- Search words highlighted on arrival ------------------------------------
   * Sphinx marks the words of "page.html?highlight=words" (or terms a search
   * stored) in the page, with sphinx_highlight.js, which needs doctools.js and
   * documentation_options.js.  A page loads them only then, in order, from the
   * addresses Sphinx wrote into the page's inert <template> (lean_pages.py).
   * Reading storage can throw when the reader has turned it off: then only the
   * address counts.
   */
  const storedTerms = () => {
    try { return localStorage.getItem("sphinx_highlight_terms"); } catch { return null; }
  };
  // A <template>: a page's text can set an element's id, but cannot make one.
  const heldScripts = document.querySelector("template#handbook-highlight-scripts");
  if (heldScripts && typeof SphinxHighlight === "undefined"
      && (new URL(window.location).searchParams.has("highlight") || storedTerms())) {
    for (const held of heldScripts.content.querySelectorAll("script")) {
      const script = document.createElement("script");
      for (const { name, value } of held.attributes) script.setAttribute(name, value);
      script.async = false;  // run in order: each needs the one before
      if (held.getAttribute("src").includes("/doctools.js")) {
        script.addEventListener("load", takeOverSphinxShortcut);
      }
      if (held.getAttribute("src").includes("/sphinx_highlight.js")) {
        script.addEventListener("load", offerToClearMarks);
      }
      document.body.append(script);
    }
  }

  /* On a phone Sphinx's "Hide Search Matches" sits in the closed menu, out of
   * sight: a page with marks gets its own button under its title, and every
   * way of clearing them (that button, Sphinx's link, Escape) takes it away.
   */
  function offerToClearMarks() {
    // Sphinx marks the words 10 ms after it loads: look once it has.
    setTimeout(() => {
      const title = document.querySelector("article h1");
      if (!title || !document.querySelector("article span.highlighted")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "clear-marks";
      button.textContent = "Clear the highlighted search words";
      title.after(button);
      const hideSearchWords = SphinxHighlight.hideSearchWords;
      SphinxHighlight.hideSearchWords = () => {
        // The control that had focus goes: focus stays on the page, not <body>.
        const focused = document.activeElement;
        const controlGoes = focused === button || !!focused?.closest(".highlight-link");
        hideSearchWords();
        button.remove();
        if (controlGoes) {
          title.tabIndex = -1;
          title.focus();
        }
      };
      button.addEventListener("click", () => SphinxHighlight.hideSearchWords());
      // Sphinx's Escape shortcut ignores a focused button.
      button.addEventListener("keydown", (event) => {
        if (event.key === "Escape") SphinxHighlight.hideSearchWords();
      });
    }, 10);
  }

  /* sphinx_highlight.js adds a "Hide Search Matches" link whose address is
   * "javascript:...", which the CSP refuses (no 'unsafe-inline'): the link did
   * nothing.  Its click does the same work here instead.
   */
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".highlight-link a");
    if (!link || typeof SphinxHighlight === "undefined") return;
    event.preventDefault();
    SphinxHighlight.hideSearchWords();
  });

  /* -- Copy buttons (sphinx-copybutton) -----------------------------------------
   * Replaces three things sphinx-copybutton does: every button is named "Copy to
   * clipboard" (here: "Copy" and the block's caption, such as "Copy APA
   * citation"); after copying, focus falls to the top of the page (clipboard.js
   * focuses a temporary text box, then removes it; here focus goes back to the
   * button); and "Copied!" only shows in a tooltip (here it is also announced).
   * The buttons are added once clipboard.js has loaded, so they are named as they
   * appear.
   */
  function nameCopyButton(button) {
    const caption = button.closest(".literal-block-wrapper")
      ?.querySelector(".code-block-caption .caption-text");
    const what = caption ? caption.textContent.trim() : "code";
    button.setAttribute("aria-label", `Copy ${what}`);
  }

  document.querySelectorAll("button.copybtn").forEach(nameCopyButton);
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType === 1 && node.matches("button.copybtn")) nameCopyButton(node);
      }
    }
  }).observe(document.querySelector("article") || document.body, { childList: true, subtree: true });

  /* "Cite this page" (cite_page.py) is plain <pre>, not highlighted code, so an
   * article loads neither sphinx-copybutton nor pygments.css (4 requests) for two
   * buttons.  Its buttons are made here: a real <button> (Tab, Enter, Space),
   * named like the others, copying the block's text; when the browser refuses
   * (no clipboard access), the text is selected so Ctrl+C copies it.
   */
  document.querySelectorAll(".cite-page-block pre").forEach((pre) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copybtn cite-copy";
    button.textContent = "Copy";
    // A holder the button is placed in, at the block's top right.
    const holder = document.createElement("div");
    holder.className = "cite-copy-holder";
    pre.before(holder);
    holder.append(pre, button);
    nameCopyButton(button);
  });

  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.cite-copy");
    if (!button) return;
    const pre = button.previousElementSibling;
    const what = button.getAttribute("aria-label").replace(/^Copy /, "");
    const failed = () => {
      selectText(pre);
      announce(`Could not copy the ${what}. It is selected: press Ctrl+C to copy it.`);
    };
    if (!navigator.clipboard) return failed();
    navigator.clipboard.writeText(pre.textContent).then(
      () => announce(`Copied the ${what}.`), failed);
  });

  // clipboard.js listens on <body>; this listener on the document runs after it.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copybtn:not(.cite-copy)");
    if (!button) return;
    button.focus();
    const what = button.getAttribute("aria-label").replace(/^Copy /, "");
    // sphinx-copybutton sets the tooltip to "Copied!" or "Failed to copy".
    const copied = button.dataset.tooltip !== "Failed to copy";
    announce(copied ? `Copied the ${what}.` : `Could not copy the ${what}. Select the text and copy it.`);
  });

  /* -- Focus never hidden (WCAG 2.4.11) ---------------------------------------
   * Chromium honours scroll-padding when Tab moves forward but not always on
   * Shift+Tab, leaving the focused link under furo's sticky header or the
   * "Back to top" pill.  Scroll it clear whenever focus lands.
   */
  // furo's "Back to top" pill shows and hides itself as the page scrolls, so a
  // keyboard user who lands on it loses focus to nothing; Home does the same job.
  const backToTop = document.querySelector(".back-to-top");
  if (backToTop) backToTop.setAttribute("tabindex", "-1");

  document.addEventListener("focusin", (event) => {
    const box = event.target.getBoundingClientRect();
    const header = document.querySelector(".mobile-header");
    const covered = [header, document.querySelector(".back-to-top")]
      .filter((el) => el && getComputedStyle(el).display !== "none")
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.height && r.top < window.innerHeight / 2)
      .reduce((bottom, r) => Math.max(bottom, r.bottom), 0);
    if (box.height && box.top < covered + 4) {
      window.scrollBy({ top: box.top - covered - 12, behavior: "instant" });
    }
  });

  /* -- Search results --------------------------------------------------------
   * Sphinx's search page writes "Search finished, found 2 pages..." into a new
   * paragraph that no screen reader notices: announce it.
   */
  const results = document.getElementById("search-results");
  if (results) {
    new MutationObserver(() => {
      const summary = results.querySelector(".search-summary");
      const text = summary ? summary.textContent.trim() : "";
      if (text && text !== results.dataset.announced) {
        results.dataset.announced = text;
        announce(text);
      }
    }).observe(results, { childList: true, subtree: true, characterData: true });
  }
})();

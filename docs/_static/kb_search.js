/* Search excerpts from the file system: Sphinx's search fetches each hit's page for its excerpt, which a page opened
   from file:// may not do. When the site is read from the file system, those fetches are answered from
   window.KB_PAGE_TEXTS (kb_page_texts.js, every page's article text, written by the site build). */
(() => {
  if (window.location.protocol !== "file:" || !window.KB_PAGE_TEXTS) return;
  const realFetch = window.fetch.bind(window);
  const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href).href;
  window.fetch = (resource, ...rest) => {
    const address = new URL(String(resource), window.location.href).href.split("#")[0];
    const key = address.startsWith(root) ? address.slice(root.length) : null;
    if (key !== null && Object.prototype.hasOwnProperty.call(window.KB_PAGE_TEXTS, key)) {
      const page = '<div role="main">' + window.KB_PAGE_TEXTS[key] + "</div>";
      return Promise.resolve(new Response(page, { headers: { "Content-Type": "text/html" } }));
    }
    return realFetch(resource, ...rest);
  };
})();

// Stands in for the `sanitize-html` package, which ipywidgets' base manager uses only for
// descriptions marked `description_allow_html` (lessons use none) and which would bring ~220 KB of
// HTML and CSS parsers into the page. Same call shape; the browser's own parser does the work on
// an inert <template>. Disallowed elements are replaced by their text; disallowed attributes and
// non-http(s) links are dropped.
const URL_ATTRIBUTES = new Set(["href", "src"]);

function clean(node, allowedTags, allowedAttributes) {
  Array.from(node.childNodes).forEach((child) => {
    if (child.nodeType === Node.TEXT_NODE) {
      return;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) {
      child.remove();
      return;
    }
    const tag = child.tagName.toLowerCase();
    if (!allowedTags.includes(tag)) {
      if (tag === "script" || tag === "style") {
        child.remove();
      } else {
        child.replaceWith(document.createTextNode(child.textContent));
      }
      return;
    }
    const allowed = (allowedAttributes[tag] || []).concat(allowedAttributes["*"] || []);
    Array.from(child.attributes).forEach((attribute) => {
      const name = attribute.name.toLowerCase();
      const badUrl =
        URL_ATTRIBUTES.has(name) && !/^(https?:|\/|#|\.|[^:]*$)/i.test(attribute.value.trim());
      const listed = allowed.some((pattern) =>
        pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name,
      );
      if (!listed || badUrl) {
        child.removeAttribute(attribute.name);
      }
    });
    clean(child, allowedTags, allowedAttributes);
  });
}

export default function sanitize(html, options) {
  const template = document.createElement("template");
  template.innerHTML = String(html);
  clean(template.content, options.allowedTags || [], options.allowedAttributes || {});
  return template.innerHTML;
}

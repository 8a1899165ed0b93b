// A small Markdown renderer that builds DOM nodes: headings, lists, paragraphs, **strong**,
// *emphasis* and `code`. Text only ever becomes text nodes, so nothing the model writes can
// become markup, whatever it contains.

const INLINE = /(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_|`[^`]+`)/;

/** Appends `text` to `parent`, with its inline emphasis as elements. */
function appendInline(parent, text) {
  for (const piece of text.split(INLINE)) {
    if (!piece) continue;
    let element = null;
    let inner = piece;
    if (/^(\*\*|__).+\1$/.test(piece)) {
      element = 'strong';
      inner = piece.slice(2, -2);
    } else if (/^([*_]).+\1$/.test(piece) && piece.length > 2) {
      element = 'em';
      inner = piece.slice(1, -1);
    } else if (/^`.+`$/.test(piece)) {
      element = 'code';
      inner = piece.slice(1, -1);
    }
    if (element) {
      const node = document.createElement(element);
      node.textContent = inner;
      parent.append(node);
    } else {
      parent.append(document.createTextNode(piece));
    }
  }
}

/** Renders Markdown `text` into a DocumentFragment. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  let list = null;
  let paragraph = null;
  const close = () => { list = null; paragraph = null; };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (!line.trim()) {
      close();
    } else if (heading) {
      close();
      // The page's own headings are h1 and h2, so the analysis starts at h3.
      const h = document.createElement(`h${Math.min(6, heading[1].length + 2)}`);
      appendInline(h, heading[2]);
      fragment.append(h);
    } else if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== kind) {
        list = document.createElement(kind);
        fragment.append(list);
      }
      paragraph = null;
      const item = document.createElement('li');
      appendInline(item, (bullet || numbered)[1]);
      list.append(item);
    } else {
      list = null;
      if (paragraph) {
        paragraph.append(document.createTextNode(' '));
      } else {
        paragraph = document.createElement('p');
        fragment.append(paragraph);
      }
      appendInline(paragraph, line.trim());
    }
  }
  return fragment;
}

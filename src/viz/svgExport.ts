/**
 * The picture of the current step as a file (issue 18, Export ▸ Picture): the on-screen topology
 * SVGs with their computed styles written onto each element, so the file renders standalone. The
 * theme colours are CSS variables (src/app/styles.css) that a file opened on its own cannot
 * resolve; the computed values are plain colours. PNG: that SVG drawn into a canvas.
 */

/** The presentation properties the topology's stylesheet sets (components/TopologyView.css). */
export const SVG_STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'visibility',
  'display',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'letter-spacing',
  'paint-order',
  'marker-start',
  'marker-mid',
  'marker-end',
] as const;

export const SVG_NS = 'http://www.w3.org/2000/svg';

type StyleOf = (el: Element) => Pick<CSSStyleDeclaration, 'getPropertyValue'>;

/**
 * A `url(...)` in a computed value may come back absolute (`url("http://host/page#arrow")`): keep
 * only the fragment, so the file refers to its own elements and nothing outside.
 */
export function localUrls(value: string): string {
  return value.replace(/url\(\s*["']?[^"')#]*(#[^"')]+)["']?\s*\)/g, 'url($1)');
}

/**
 * A copy of `svg` with every element's computed presentation written into its `style`, scripts,
 * event handlers and outside references dropped. `styleOf` is `getComputedStyle` in the page.
 */
export function inlineStyles(
  svg: SVGSVGElement,
  styleOf: StyleOf = (el) => getComputedStyle(el),
): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((el, i) => {
    const target = copies[i]!;
    const computed = styleOf(el);
    const style = SVG_STYLE_PROPERTIES.map((p) => [p, localUrls(computed.getPropertyValue(p))])
      .filter(([, v]) => v !== '')
      .map(([p, v]) => `${p}:${v}`)
      .join(';');
    if (style) target.setAttribute('style', style);
    for (const attr of [...target.attributes]) {
      const external = /^(xlink:)?href$/.test(attr.name) && !attr.value.startsWith('#');
      if (attr.name.startsWith('on') || external) target.removeAttribute(attr.name);
    }
  });
  for (const el of copy.querySelectorAll('script, foreignObject, image')) el.remove();
  return copy;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface PicturePanel {
  /** Shown above the drawing (the CNI and the step). */
  readonly title: string;
  /** A serialised `<svg>` (inlineStyles' copy), drawn at `width` × `height`. */
  readonly markup: string;
  readonly width: number;
  readonly height: number;
}

export interface PictureTheme {
  readonly background: string;
  readonly text: string;
  readonly fontFamily: string;
}

const CAPTION_HEIGHT = 26;
const TITLE_HEIGHT = 22;
const GAP = 12;

/**
 * One standalone SVG document: the caption (the packet and the hop), then the panels side by side,
 * each under its short title (the CNI), on the theme's background. Pure: the markup comes in as text.
 */
export function pictureSvg(
  caption: string,
  panels: readonly PicturePanel[],
  theme: PictureTheme,
): string {
  const width = panels.reduce((w, p) => w + p.width, 0) + GAP * (panels.length + 1);
  const top = CAPTION_HEIGHT + TITLE_HEIGHT;
  const height = Math.max(0, ...panels.map((p) => p.height)) + top + GAP;
  const font = (size: number) =>
    `fill:${theme.text};font-family:${escapeXml(theme.fontFamily)};font-size:${size}px;font-weight:600`;
  let x = GAP;
  const parts = panels.map((p) => {
    const at = x;
    x += p.width + GAP;
    // The panel's own <svg> keeps its viewBox; its width and height place it.
    const sized = p.markup.replace(
      /^<svg\b([^>]*)>/,
      (_, attrs: string) =>
        `<svg${attrs
          .replace(/\s(width|height|x|y)="[^"]*"/g, '')
          .replace(/\sxmlns(:xlink)?="[^"]*"/g, '')} width="${p.width}" height="${p.height}">`,
    );
    return (
      `<g transform="translate(${at},${top})">` +
      `<text x="0" y="-7" style="${font(13)}">${escapeXml(p.title)}</text>` +
      `${sized}</g>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" style="fill:${theme.background}"/>` +
    `<text x="${GAP}" y="${CAPTION_HEIGHT - 6}" style="${font(15)}">${escapeXml(caption)}</text>` +
    parts.join('') +
    `</svg>\n`
  );
}

/** The serialised copy of one on-screen SVG, with its size on screen. */
export function panelOf(svg: SVGSVGElement, title: string): PicturePanel {
  const box = svg.getBoundingClientRect();
  const copy = inlineStyles(svg);
  // The copy keeps its on-screen id-less attributes; role/aria are for the page, not the file.
  for (const a of ['role', 'aria-label', 'class', 'tabindex']) copy.removeAttribute(a);
  return {
    title,
    markup: new XMLSerializer().serializeToString(copy),
    width: Math.round(box.width),
    height: Math.round(box.height),
  };
}

/** The standalone SVG drawn into a canvas at `scale`× and encoded as PNG. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const size = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svgText);
  if (!size) throw new Error('The picture has no width and height.');
  const [width, height] = [Number(size[1]), Number(size[2])];
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw into a canvas.');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG.'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

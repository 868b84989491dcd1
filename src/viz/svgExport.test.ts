// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { inlineStyles, localUrls, pictureSvg, SVG_NS } from './svgExport';

/** A drawing as the topology makes it: classes styled by a sheet of theme variables. */
function drawing(): SVGSVGElement {
  document.body.innerHTML = `<svg xmlns="${SVG_NS}" viewBox="0 0 200 100" role="figure" aria-label="Calico topology">
    <g class="viewport" transform="translate(10,5) scale(1.5)">
      <rect class="node-frame" width="50" height="20" onclick="alert(1)"/>
      <text class="node-name" x="4" y="14">node-1</text>
      <path class="link" d="M0 0L10 10" marker-end="url(#arrow)"/>
      <use href="http://evil.example/sprite.svg#x"/>
      <use href="#arrow"/>
      <image href="http://evil.example/a.png"/>
      <script>alert(2)</script>
    </g>
  </svg>`;
  return document.querySelector('svg')!;
}

/** What the page's getComputedStyle gives: the variables resolved to colours. */
const computed: Record<string, Record<string, string>> = {
  rect: { fill: 'rgb(246, 248, 250)', stroke: 'rgb(208, 215, 222)', 'stroke-width': '1.5px' },
  text: { fill: 'rgb(31, 35, 40)', 'font-size': '13px', 'font-weight': '600' },
  path: { fill: 'none', 'marker-end': 'url("http://localhost:5173/#arrow")' },
};
const styleOf = (el: Element) => ({
  getPropertyValue: (p: string) => computed[el.tagName.toLowerCase()]?.[p] ?? '',
});

describe('svg export', () => {
  it('writes each element its computed style, keeping the picture as drawn', () => {
    const svg = drawing();
    const copy = inlineStyles(svg, styleOf);
    expect(copy.querySelector('rect')!.getAttribute('style')).toBe(
      'fill:rgb(246, 248, 250);stroke:rgb(208, 215, 222);stroke-width:1.5px',
    );
    expect(copy.querySelector('text')!.getAttribute('style')).toContain('font-size:13px');
    expect(copy.querySelector('path')!.getAttribute('style')).toContain('marker-end:url(#arrow)');
    expect(copy.querySelector('.viewport')!.getAttribute('transform')).toBe(
      'translate(10,5) scale(1.5)',
    );
    // The page's own drawing is untouched.
    expect(svg.querySelector('rect')!.hasAttribute('style')).toBe(false);
  });

  it('drops scripts, handlers and anything outside the file', () => {
    const copy = inlineStyles(drawing(), styleOf);
    expect(copy.querySelector('script, image')).toBeNull();
    expect(copy.querySelector('rect')!.hasAttribute('onclick')).toBe(false);
    const uses = [...copy.querySelectorAll('use')].map((u) => u.getAttribute('href'));
    expect(uses).toEqual([null, '#arrow']);
  });

  it('makes one standalone document of the panels: namespace, sizes, titles, no outside refs', () => {
    const markup = new XMLSerializer().serializeToString(inlineStyles(drawing(), styleOf));
    const text = pictureSvg(
      'a → b <TCP> · hop 2',
      [
        { title: 'Calico', markup, width: 400, height: 300 },
        { title: 'Cilium', markup, width: 380, height: 320 },
      ],
      {
        background: 'rgb(255, 255, 255)',
        text: 'rgb(31, 35, 40)',
        fontFamily: '"Inter", sans-serif',
      },
    );
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe(SVG_NS);
    expect(root.getAttribute('xmlns')).toBe(SVG_NS);
    // Two panels of 400 and 380 with 12 px around and between; the taller one under the 26 px
    // caption and a 22 px title.
    expect(root.getAttribute('width')).toBe(String(400 + 380 + 3 * 12));
    expect(root.getAttribute('height')).toBe(String(320 + 26 + 22 + 12));
    const panels = root.querySelectorAll(':scope > g > svg');
    expect([...panels].map((p) => [p.getAttribute('width'), p.getAttribute('height')])).toEqual([
      ['400', '300'],
      ['380', '320'],
    ]);
    expect(panels[0]!.getAttribute('viewBox')).toBe('0 0 200 100');
    expect(
      [...root.querySelectorAll(':scope > text, :scope > g > text')].map((t) => t.textContent),
    ).toEqual(['a → b <TCP> · hop 2', 'Calico', 'Cilium']);
    expect(root.querySelector('rect')!.getAttribute('style')).toBe('fill:rgb(255, 255, 255)');
    expect(text).not.toMatch(/var\(--|https?:\/\/(?!www\.w3\.org)/);
  });

  it('keeps only the fragment of a url()', () => {
    expect(localUrls('url("http://h:1/p?q#a-1")')).toBe('url(#a-1)');
    expect(localUrls("url('#b')")).toBe('url(#b)');
    expect(localUrls('none')).toBe('none');
  });
});

// mapillary-js 4.1.2 compiles its image filters with `new Function`, which a content security policy without
// 'unsafe-eval' forbids (the viewer then never shows a photo). This esbuild plugin swaps that one method for an
// interpreter of the same filter expressions, so the page's policy can stay strict.
import { readFile } from 'node:fs/promises';

const COMPILED = 'return new Function("node", "return " + this._compile(filter) + ";");';
const INTERPRETED = 'return sightlineInterpretFilter(filter);';

// Same semantics as FilterCreator._compile: ==, !=, <, <=, >, >= (typed), in, !in, all; anything else passes.
const INTERPRETER = `
function sightlineInterpretFilter(filter) {
    if (filter == null || filter.length <= 1) return () => true;
    const [operator, property] = filter;
    switch (operator) {
        case "==": return node => node[property] === filter[2];
        case "!=": return node => node[property] !== filter[2];
        case ">": return node => typeof node[property] === typeof filter[2] && node[property] > filter[2];
        case ">=": return node => typeof node[property] === typeof filter[2] && node[property] >= filter[2];
        case "<": return node => typeof node[property] === typeof filter[2] && node[property] < filter[2];
        case "<=": return node => typeof node[property] === typeof filter[2] && node[property] <= filter[2];
        case "in": { const values = filter.slice(2); return node => values.indexOf(node[property]) !== -1; }
        case "!in": { const values = filter.slice(2); return node => values.indexOf(node[property]) === -1; }
        case "all": { const parts = filter.slice(1).map(sightlineInterpretFilter); return node => parts.every(part => part(node)); }
        default: return () => true;
    }
}
`;

export const noEvalPlugin = {
  name: 'mapillary-no-eval',
  setup(build) {
    build.onLoad({ filter: /mapillary-js[\\/]dist[\\/]mapillary\.module\.js$/ }, async args => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(COMPILED)) throw new Error('mapillary-js changed: its FilterCreator no longer reads as expected; review tools/no-eval-plugin.mjs');
      return { contents: source.replace(COMPILED, INTERPRETED) + INTERPRETER, loader: 'js' };
    });
  },
};

// Build the light lesson page's script and style (run by `make install`; see docs/performance.md):
//   node build.mjs OUTDIR
// writes OUTDIR/lesson-app.js and OUTDIR/lesson-app.css, and a gzip copy of each (.gz) that
// the learner's server sends as it is instead of compressing the bundle on every first visit.
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { constants, gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}

await build({
  entryPoints: { "lesson-app": path.join(here, "src", "lesson.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019", "chrome80"],
  outdir,
  legalComments: "none",
  logLevel: "warning",
  // ipywidgets' base manager uses sanitize-html only for `description_allow_html`; a small
  // DOM-based stand-in avoids ~220 KB of parsers (src/sanitize.js).
  alias: { "sanitize-html": path.join(here, "src", "sanitize.js") },
  // Fonts or pictures a stylesheet refers to are inlined (the page makes no other requests).
  loader: { ".svg": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl" },
  define: { "process.env.NODE_ENV": '"production"' },
});

for (const name of ["lesson-app.js", "lesson-app.css"]) {
  const file = path.join(outdir, name);
  writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }));
}

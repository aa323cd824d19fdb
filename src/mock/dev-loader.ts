/**
 * Only for running from TypeScript sources (vitest, no build): module hooks that let a
 * worker thread import `.ts` files. `./x.js` specifiers from a .ts file resolve to `./x.ts`
 * when only the latter exists, and .ts files are transpiled with the project's own
 * `typescript` dev dependency. Compiled code (dist/) never uses this.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

function hooksSource(typescriptUrl: string): string {
  return `
import ts from ${JSON.stringify(typescriptUrl)};
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.startsWith('file:') && parent.endsWith('.ts') && specifier.endsWith('.js') &&
      (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const js = new URL(specifier, parent);
    const tsUrl = new URL(js.href.slice(0, -3) + '.ts');
    if (!existsSync(fileURLToPath(js)) && existsSync(fileURLToPath(tsUrl))) {
      return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const source = await readFile(new URL(url), 'utf8');
    const out = ts.transpileModule(source, {
      fileName: fileURLToPath(url),
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
    });
    return { format: 'module', source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
`;
}

/**
 * CommonJS source for `new Worker(src, { eval: true })` that installs the hooks and then
 * imports `entryUrl` (a .ts file URL). `fromUrl` locates the typescript package.
 */
export function tsWorkerBootstrap(entryUrl: string, fromUrl: string): string {
  const typescriptUrl = pathToFileURL(createRequire(fromUrl).resolve('typescript')).href;
  const hooksUrl = 'data:text/javascript,' + encodeURIComponent(hooksSource(typescriptUrl));
  return (
    `require('node:module').register(${JSON.stringify(hooksUrl)});\n` +
    `import(${JSON.stringify(entryUrl)}).catch((err) => { setImmediate(() => { throw err; }); });\n`
  );
}

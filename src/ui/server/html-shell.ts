import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the build puts the browser bundle (`app.js`, `app.css`). Both
 * src/ui/server and dist/ui/server are three folders below the package
 * root, so this resolves the same when the server runs from either (tests
 * import the sources; `assets ui` runs the build).
 */
export const CLIENT_DIR = fileURLToPath(new URL('../../../dist/ui/client/', import.meta.url));

/** Escapes text for HTML content and double-quoted attributes. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The page every non-API path answers: the browser code routes by path. It
 * holds no data, only the CSRF token (see security.ts) and the bundle's
 * links; everything shown comes from the API as JSON and is set as text.
 */
export function renderShell(csrfToken: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="strata-token" content="${escapeHtml(csrfToken)}">
<title>Strata</title>
<link rel="stylesheet" href="/static/app.css">
<script type="module" src="/static/app.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>The Strata UI needs JavaScript. The same views are in the terminal: assets status, assets runs, assets schedules.</noscript>
</body>
</html>
`;
}

/** Whether the bundle was built; without it the shell would load nothing. */
export function clientBundleExists(): boolean {
  return existsSync(`${CLIENT_DIR}app.js`);
}

/** The page served instead of the shell when the bundle is missing: what is wrong and how to fix it. */
export function renderMissingBundle(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Strata: the UI is not built</title></head>
<body>
<h1>The UI's browser code is missing</h1>
<p>${escapeHtml(`assets ui serves its page from ${CLIENT_DIR}, which has no app.js.`)}</p>
<p>Build it from the Strata checkout with <code>npm run build</code>, then reload this page. The JSON API under /api/ works meanwhile.</p>
</body>
</html>
`;
}

/**
 * The web UI's entry point, bundled into dist/ui/client/app.js by
 * scripts/build-ui-client.mjs. The server's HTML shell loads it; this draws
 * the top bar and hands the rest of the page to the router.
 */
import { h, replaceChildren } from './dom.js';
import { assetPage } from './pages/asset-page.js';
import { automationPage } from './pages/automation-page.js';
import { graphPage } from './pages/graph-page.js';
import { runPage } from './pages/run-page.js';
import { runsPage } from './pages/runs-page.js';
import { Router } from './router.js';

const root = document.getElementById('app') ?? document.body;
const main = h('main', {});
replaceChildren(
  root,
  h(
    'header',
    { class: 'top-bar' },
    h('span', { class: 'brand' }, 'Strata'),
    h('nav', { 'aria-label': 'Pages' }, h('a', { href: '/' }, 'Assets'), h('a', { href: '/runs' }, 'Runs'), h('a', { href: '/automation' }, 'Automation')),
  ),
  main,
);

new Router(
  main,
  [
    { pattern: '/', page: graphPage },
    { pattern: '/assets/:key', page: assetPage },
    { pattern: '/runs', page: runsPage },
    { pattern: '/runs/:id', page: runPage },
    { pattern: '/automation', page: automationPage },
  ],
  (container) => replaceChildren(container, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '/' }, 'Back to the asset graph'), '.')),
).start();

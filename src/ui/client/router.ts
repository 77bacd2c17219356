/**
 * Client-side routing over the History API: the server answers every
 * non-/api path with the same shell, so a reload or a shared link lands on
 * the same page. A page is a function that fills its container and returns
 * what to undo when the user leaves (close event streams, stop timers).
 */

export type Cleanup = () => void;
export type Page = (container: HTMLElement, params: Readonly<Record<string, string>>) => Cleanup | void;

export interface Route {
  readonly pattern: string;
  readonly page: Page;
}

interface CompiledRoute {
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly page: Page;
}

export class Router {
  readonly #routes: readonly CompiledRoute[];
  readonly #container: HTMLElement;
  readonly #notFound: Page;
  #cleanup: Cleanup | undefined;

  constructor(container: HTMLElement, routes: readonly Route[], notFound: Page) {
    this.#container = container;
    this.#notFound = notFound;
    this.#routes = routes.map(({ pattern, page }) => {
      const names: string[] = [];
      // `:name` matches one path segment, URL-encoded (asset keys may hold `/`).
      const source = pattern.replace(/:([a-z]+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { regex: new RegExp(`^${source}$`), names, page };
    });
  }

  /** Renders the current location and takes over same-origin link clicks and back/forward. */
  start(): void {
    activeRouter = this;
    window.addEventListener('popstate', () => this.render());
    document.addEventListener('click', (event) => {
      const link = (event.target as Element | null)?.closest?.('a');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (link.target !== '' || link.origin !== location.origin || link.pathname.startsWith('/api/') || link.hasAttribute('download')) return;
      event.preventDefault();
      this.navigate(link.pathname + link.search);
    });
    this.render();
  }

  navigate(path: string): void {
    if (path !== location.pathname + location.search) history.pushState(null, '', path);
    this.render();
  }

  render(): void {
    this.#cleanup?.();
    this.#cleanup = undefined;
    this.#container.replaceChildren();
    const path = location.pathname;
    for (const route of this.#routes) {
      const match = route.regex.exec(path);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
      this.#cleanup = route.page(this.#container, params) ?? undefined;
      this.#markCurrentLink(path);
      return;
    }
    this.#cleanup = this.#notFound(this.#container, {}) ?? undefined;
  }

  #markCurrentLink(path: string): void {
    for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
      const section = link.pathname === '/' ? path === '/' || path.startsWith('/assets/') : path.startsWith(link.pathname);
      if (section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }
}

let activeRouter: Router | undefined;

/** Goes to `path` within the page, as a click on a link to it would (for elements that are not links, such as SVG nodes). */
export function navigate(path: string): void {
  if (activeRouter) activeRouter.navigate(path);
  else location.assign(path);
}

/** The path of an asset's page; keys are encoded as one segment. */
export function assetPath(key: string): string {
  return `/assets/${encodeURIComponent(key)}`;
}

export function runPath(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

/** A file `assets init` writes, by its path relative to the project folder. */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The files of a new project besides package.json: two assets (one reading
 * the CSV it ships, one deriving from it), their unit test, and what the CLI
 * and tsc need. The package test installs the packed tarball, scaffolds with
 * these, materializes, typechecks and runs the test, so they stay working.
 */
export function scaffoldFiles(projectName: string): readonly ScaffoldFile[] {
  return [
    { path: 'README.md', content: readme(projectName) },
    { path: '.gitignore', content: 'node_modules/\noutput/\n.strata/\n' },
    { path: 'tsconfig.json', content: `${JSON.stringify(TSCONFIG, null, 2)}\n` },
    { path: 'strata.config.ts', content: STRATA_CONFIG },
    { path: 'src/assets.ts', content: ASSETS },
    { path: 'data/orders.csv', content: ORDERS_CSV },
    { path: 'test/assets.test.ts', content: ASSETS_TEST },
  ];
}

// NodeNext with "type": "module" is how Node itself resolves the files; noEmit
// because nothing is compiled: the CLI and vitest load the TypeScript directly.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['src', 'test', 'strata.config.ts'],
};

const STRATA_CONFIG = `import { defineConfig } from 'strata-assets';
import { definitions } from './src/assets.js';

// The \`assets\` CLI finds this file, in this folder or any folder below it,
// and runs these definitions.
export default defineConfig({
  definitions,
  // Settings of configurable resources, by resource key; an environment
  // variable the resource names for a setting wins over the value here:
  // resources: { warehouse: { url: 'postgres://localhost/dev' } },
});
`;

const ASSETS = `import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { asset, CsvIOManager, defineDefinitions } from 'strata-assets';

/** The orders this project ships: edit them, and the next \`assets materialize\` reads them again. */
const ORDERS_CSV = new URL('../data/orders.csv', import.meta.url);

const order = z.object({ id: z.int(), customer: z.string().min(1), amount: z.number().nonnegative() });

export const orders = asset({
  key: 'orders',
  group: 'sources',
  description: 'Orders read from data/orders.csv',
  schema: order,
  // A hash of the file: when it changes, orders is stale, and so is what reads it.
  observe: async () => createHash('sha256').update(await readFile(ORDERS_CSV)).digest('hex'),
  compute: async () => {
    const [, ...lines] = (await readFile(ORDERS_CSV, 'utf8')).trim().split('\\n');
    // A plain split is enough for this file; use a CSV parser for quoted fields.
    return lines.map((line) => {
      const [id, customer, amount] = line.split(',');
      return order.parse({ id: Number(id), customer, amount: Number(amount) });
    });
  },
});

export const customerTotals = asset({
  key: 'customer_totals',
  group: 'analytics',
  description: 'Per customer: the number of orders and their total, largest total first',
  deps: [orders],
  schema: z.object({ customer: z.string(), orders: z.int(), total: z.number() }),
  // inputs.orders is a Table typed from the orders schema: a wrong column name fails \`tsc\`.
  compute: ({ inputs }) => {
    const totals = new Map<string, { orders: number; total: number }>();
    for (const { customer, amount } of inputs.orders) {
      const sum = totals.get(customer) ?? { orders: 0, total: 0 };
      totals.set(customer, { orders: sum.orders + 1, total: sum.total + amount });
    }
    return [...totals]
      .map(([customer, sum]) => ({ customer, ...sum }))
      .sort((a, b) => b.total - a.total || a.customer.localeCompare(b.customer));
  },
});

export const definitions = defineDefinitions({
  assets: [orders, customerTotals],
  // Writes output/<asset>.csv (or under STRATA_OUTPUT_DIR).
  ioManagers: { default: new CsvIOManager() },
});
`;

const ORDERS_CSV = `id,customer,amount
1,ada,12.5
2,grace,30
3,ada,7.5
4,linus,5
5,grace,2.25
`;

const ASSETS_TEST = `import { materializeInMemory } from 'strata-assets';
import { describe, expect, it } from 'vitest';
import { customerTotals, definitions } from '../src/assets.js';

describe('customer_totals', () => {
  it('sums the orders of data/orders.csv per customer, largest total first', async () => {
    const run = await materializeInMemory(definitions);
    expect(run.table(customerTotals).rows()).toEqual([
      { customer: 'grace', orders: 2, total: 32.25 },
      { customer: 'ada', orders: 2, total: 20 },
      { customer: 'linus', orders: 1, total: 5 },
    ]);
  });

  it('counts orders given as input, without reading the file', async () => {
    const run = await materializeInMemory(definitions, {
      select: 'customer_totals',
      inputs: { orders: [{ id: 1, customer: 'bob', amount: 1 }, { id: 2, customer: 'bob', amount: 2 }] },
    });
    expect(run.table(customerTotals).rows()).toEqual([{ customer: 'bob', orders: 2, total: 3 }]);
  });
});
`;

function readme(projectName: string): string {
  return `# ${projectName}

Data assets declared in TypeScript with Strata: \`orders\` reads
\`data/orders.csv\`, and \`customer_totals\` is computed from it.

\`\`\`sh
npx assets materialize   # materializes what is stale into output/*.csv
npm test                 # the assets' unit tests, in memory
\`\`\`

Run \`npx assets materialize\` again and nothing runs: nothing changed. Edit
\`data/orders.csv\` and both assets run again. \`src/assets.ts\` declares the
assets; \`strata.config.ts\` is where the \`assets\` CLI finds them. See
\`npx assets status\`, \`npx assets lineage customer_totals\` and
\`npx assets --help\` for the rest.
`;
}

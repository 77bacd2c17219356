import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from '../../cli/run-cli.js';
import { openGraph, saveScreenshot, useUiSession } from './ui-browser.js';

// `slow` waits until its run is canceled; schedule `nightly`, sensor `failing` (stopped as declared).
const DEFINITIONS = path.join(FIXTURES, 'automation-definitions.mjs');

const session = useUiSession();
const openFixture = () => session.open({ args: ['--definitions', DEFINITIONS] });

describe('the run page', () => {
  it('cancels a live run with its Cancel button', async () => {
    const { workspace, ui, page } = await openFixture();
    await openGraph(page, ui.url);
    await page.fill('input[name="selection"]', 'slow');
    await page.click('button[data-action="materialize"]');
    await page.click('button[data-action="confirm-materialize"]');
    await page.click('[data-run-id] a');

    await expect(page.locator('h1 .status').textContent()).resolves.toBe('started');
    await page.click('button[data-action="cancel"]');

    await expect.poll(() => page.locator('h1 .status').textContent(), { timeout: 15_000 }).toBe('canceled');
    await saveScreenshot(page, 'run-canceled');
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: workspace.dir, env: workspace.env })).stdout) as { runs: { status: string; selection: string }[] };
    expect(runs.runs).toMatchObject([{ status: 'canceled', selection: 'slow' }]);
  });

  it('lists runs with a status filter', async () => {
    const { workspace, ui, page } = await openFixture();
    expect((await runCli(['materialize', '--definitions', DEFINITIONS, '--select', 'numbers'], { cwd: workspace.dir, env: workspace.env })).code).toBe(0);

    await page.goto(`${ui.url}/runs`);
    await page.locator('main tbody tr').first().waitFor();
    expect(await page.locator('main tbody tr').count()).toBe(1);
    await page.selectOption('select[name="status"]', 'failed');
    await page.locator('main p.muted', { hasText: 'No runs match.' }).waitFor();
  });
});

describe('the automation page', () => {
  it('shows schedules and sensors and stops and starts them with the token', async () => {
    const { workspace, ui, page } = await openFixture();
    await page.goto(`${ui.url}/automation`);
    const nightly = page.locator('tr', { hasText: 'nightly' });
    await nightly.waitFor();
    expect(await nightly.textContent()).toContain('0 2 * * * (Europe/Berlin)');
    await saveScreenshot(page, 'automation');

    await page.getByRole('button', { name: 'Stop nightly' }).click();
    await page.getByRole('button', { name: 'Start nightly' }).waitFor();
    await page.getByRole('button', { name: 'Start failing' }).click();
    await page.getByRole('button', { name: 'Stop failing' }).waitFor();

    const schedules = JSON.parse((await runCli(['schedules', '--definitions', DEFINITIONS, '--json'], { cwd: workspace.dir, env: workspace.env })).stdout) as { schedules: { name: string; status: string }[] };
    expect(schedules.schedules.find((schedule) => schedule.name === 'nightly')?.status).toBe('stopped');
    const sensors = JSON.parse((await runCli(['sensors', '--definitions', DEFINITIONS, '--json'], { cwd: workspace.dir, env: workspace.env })).stdout) as { sensors: { name: string; status: string }[] };
    expect(sensors.sensors.find((sensor) => sensor.name === 'failing')?.status).toBe('running');
  });
});

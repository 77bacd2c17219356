import type { AutomationResponse, InstigatorActionResponse, ScheduleJson, SensorJson, TickJson } from '../../api-types.js';
import { getJson, postJson } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatTime } from '../format.js';
import { reloadOnLiveEvents } from '../live-events.js';
import { runPath, type Page } from '../router.js';
import { dataTable } from '../widgets/data-table.js';
import { errorBox } from '../widgets/error-box.js';
import { statusBadge } from '../widgets/status-badge.js';

/** Schedules and sensors with start/stop, as `assets schedules` and `assets sensors` show them, and the newest ticks. */
export const automationPage: Page = (container) => {
  const view = h('div', { class: 'page-narrow' }, h('p', { class: 'muted' }, 'Loading…'));
  const actionError = h('div', {});
  replaceChildren(container, h('h1', {}, 'Automation'), actionError, view);

  async function load(): Promise<void> {
    try {
      render(await getJson<AutomationResponse>('/api/automation'));
    } catch (error) {
      replaceChildren(view, errorBox(error));
    }
  }

  function toggle(kind: 'schedules' | 'sensors', name: string, running: boolean): HTMLButtonElement {
    const action = running ? 'stop' : 'start';
    const button = h('button', { type: 'button', 'data-action': action, 'aria-label': `${running ? 'Stop' : 'Start'} ${name}` }, running ? 'Stop' : 'Start');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await postJson<InstigatorActionResponse>(`/api/${kind}/${encodeURIComponent(name)}/${action}`);
        replaceChildren(actionError);
      } catch (error) {
        replaceChildren(actionError, errorBox(error));
      }
      await load();
    });
    return button;
  }

  function render({ schedules, sensors, ticks }: AutomationResponse): void {
    replaceChildren(
      view,
      h('h2', {}, 'Schedules'),
      dataTable<ScheduleJson>(
        [
          { title: 'Name', cell: (schedule) => schedule.name },
          { title: 'Job', cell: (schedule) => schedule.job },
          { title: 'When', cell: (schedule) => h('span', {}, schedule.description, h('br'), h('code', { class: 'muted' }, `${schedule.cron ?? `every ${String(schedule.every)}`} (${schedule.timezone})`)) },
          { title: 'Next ticks', cell: (schedule) => h('span', {}, ...schedule.nextTicks.flatMap((tick, index) => [index > 0 ? h('br') : null, formatTime(tick)])) },
          { title: 'Last tick', cell: (schedule) => describeTick(schedule.lastTick) },
          { title: 'Status', cell: (schedule) => statusBadge(schedule.status) },
          { title: '', cell: (schedule) => toggle('schedules', schedule.name, schedule.status === 'running') },
        ],
        schedules,
        'The definitions declare no schedules.',
      ),
      h('h2', {}, 'Sensors'),
      dataTable<SensorJson>(
        [
          { title: 'Name', cell: (sensor) => sensor.name },
          { title: 'Job', cell: (sensor) => sensor.job ?? '—' },
          { title: 'Every', cell: (sensor) => `${sensor.intervalSeconds} s` },
          { title: 'Last evaluation', cell: (sensor) => describeTick(sensor.lastTick) },
          { title: 'Status', cell: (sensor) => statusBadge(sensor.status) },
          { title: '', cell: (sensor) => toggle('sensors', sensor.name, sensor.status === 'running') },
        ],
        sensors,
        'The definitions declare no sensors.',
      ),
      h('h2', {}, 'Recent ticks'),
      dataTable<TickJson>(
        [
          { title: 'Tick', cell: (tick) => formatTime(tick.tickTime) },
          { title: 'Kind', cell: (tick) => tick.kind },
          { title: 'Name', cell: (tick) => tick.name },
          { title: 'Status', cell: (tick) => statusBadge(tick.status) },
          { title: 'Runs', cell: (tick) => runLinks(tick.runIds) },
          { title: 'Skip reason or error', cell: (tick) => tick.error ?? tick.skipReason ?? '' },
        ],
        ticks,
        'No ticks yet: `assets daemon` evaluates schedules and sensors.',
      ),
    );
  }

  const stopReloading = reloadOnLiveEvents((event) => event.type === 'tick', () => void load());
  void load();
  return stopReloading;
};

function describeTick(tick: TickJson | null): HTMLElement | string {
  if (tick === null) return 'never';
  const outcome = tick.status === 'skipped' && tick.skipReason !== null ? `skipped: ${tick.skipReason}` : tick.status === 'failed' && tick.error !== null ? `failed: ${tick.error}` : tick.status;
  return h('span', {}, formatTime(tick.evaluatedAt), h('br'), h('span', { class: 'muted' }, outcome), ' ', runLinks(tick.runIds));
}

function runLinks(runIds: readonly string[]): HTMLElement {
  const links = h('span', {});
  runIds.forEach((runId, index) => {
    if (index > 0) links.append(' ');
    links.append(h('a', { href: runPath(runId), class: 'mono' }, runId.slice(0, 8)));
  });
  return links;
}

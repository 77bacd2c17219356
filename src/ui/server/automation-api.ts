import { Hono } from 'hono';
import { scheduleToJson, sensorToJson, tickToJson } from '../../instance/automation-summaries.js';
import type { AutomationResponse, InstigatorActionResponse } from '../api-types.js';
import { queryParameters } from './query-parameters.js';
import type { UiContext } from './ui-context.js';

const NEXT_TICKS = 3;
const RECENT_TICKS = 20;

/** `GET /api/automation` and starting or stopping a schedule or sensor (see api-types.ts). */
export function automationApi({ instance, now }: UiContext): Hono {
  const api = new Hono();

  api.get('/automation', queryParameters(), async (c) => {
    const body: AutomationResponse = {
      schedules: (await instance.schedules({ now: now(), nextTicks: NEXT_TICKS })).map(scheduleToJson),
      sensors: (await instance.sensors()).map(sensorToJson),
      ticks: (await instance.ticks({ limit: RECENT_TICKS })).map((tick) => tickToJson(tick)),
    };
    return c.json(body);
  });

  for (const kind of ['schedule', 'sensor'] as const) {
    for (const action of ['start', 'stop'] as const) {
      api.post(`/${kind}s/:name/${action}`, queryParameters(), async (c) => {
        const name = c.req.param('name');
        const { state } = await instance.setAutomationStatus(kind, name, action === 'start' ? 'running' : 'stopped');
        const body: InstigatorActionResponse = { kind, name, status: state.status! };
        return c.json(body);
      });
    }
  }

  return api;
}

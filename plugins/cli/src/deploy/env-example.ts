import type { FoundService } from '@switchboard/core';
import { profiled } from './compose-file.js';
import { fillTemplate, generatedNotice } from './template-file.js';
import type { WorkspaceView } from './workspace-view.js';
import { commentLines } from './yaml-text.js';

const RULE_WIDTH = 100;

function section(s: FoundService): string[] {
  const title = `# ---- ${s.name}${s.listen?.publish ? ` (http://localhost:${s.listen.port})` : ''}${profiled(s) ? ` (docker compose --profile ${s.name} up)` : ''} `;
  const lines = [title.padEnd(RULE_WIDTH, '-')];
  if (s.description) lines.push(...commentLines(s.description));
  for (const [name, v] of Object.entries(s.env ?? {})) {
    if (v.doc) lines.push(...commentLines(v.doc));
    if (v.fieldRef) {
      lines.push(`# ${name}: set by Kubernetes from the pod's ${v.fieldRef}; unset under compose.`);
    } else if (v.required) {
      lines.push(`${name}=`);
    } else if (v.container !== undefined) {
      lines.push(
        `# Set by docker-compose.yml (default ${v.default ?? 'none'} outside a container):`,
        `# ${name}=${v.container}`,
      );
    } else {
      lines.push(`# ${name}=${v.secret ? (v.example ?? '') : (v.example ?? v.default ?? '')}`);
    }
  }
  return lines;
}

/** .env.example: the template's shared settings, then one section per declared service. */
export function envExample(ws: WorkspaceView): string {
  return fillTemplate(ws.root, 'env.example', {
    notice: generatedNotice('#', 'env.example'),
    services: ws.services.map((s) => section(s).join('\n')).join('\n\n'),
  });
}

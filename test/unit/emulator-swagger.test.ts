import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTAINER_INSTANCE_SPEC, containerInstanceValidator } from '../../src/emulator/spec.js';
import { matchOperation, type OperationSpec, type Parameter } from '../../src/emulator/swagger.js';

const EXAMPLES = join(import.meta.dirname, '../fixtures/containerinstance/examples');
const validator = containerInstanceValidator();

interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown }>;
}

/** Each operation of the spec with the examples it names (x-ms-examples). */
function operationsWithExamples(): { method: string; template: string; op: OperationSpec; file: string }[] {
  const out: { method: string; template: string; op: OperationSpec; file: string }[] = [];
  for (const [template, item] of Object.entries(CONTAINER_INSTANCE_SPEC.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const examples =
        (op as OperationSpec & { 'x-ms-examples'?: Record<string, { $ref: string }> })['x-ms-examples'] ?? {};
      for (const { $ref } of Object.values(examples))
        out.push({ method, template, op: op as OperationSpec, file: $ref.replace('./examples/', '') });
    }
  }
  return out;
}

const available = new Set(readdirSync(EXAMPLES));

describe('the swagger validator on the spec’s own examples', () => {
  const cases = operationsWithExamples().filter((c) => available.has(c.file));

  it('finds most of the examples the spec names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
  });

  it.each(cases.map((c) => [`${c.op.operationId} ${c.file}`, c] as const))(
    '%s: request and responses conform',
    (_name, c) => {
      const example = JSON.parse(readFileSync(join(EXAMPLES, c.file), 'utf8')) as Example;
      for (const p of c.op.parameters ?? []) {
        const param: Parameter = validator.parameter(p);
        if (param.in === 'body' && param.schema && example.parameters[param.name] !== undefined) {
          expect(validator.validate(param.schema, example.parameters[param.name], 'request')).toEqual([]);
        }
      }
      for (const [status, response] of Object.entries(example.responses)) {
        const declared = c.op.responses[status];
        expect(declared, `status ${status} is declared`).toBeDefined();
        if (declared?.schema) {
          const direction = c.method === 'post' ? 'action-response' : 'response';
          expect(validator.validate(declared.schema, response.body, direction)).toEqual([]);
        }
      }
    },
  );
});

describe('the swagger validator on bad bodies', () => {
  const group = validator.schema('ContainerGroup');
  const good = () => ({
    location: 'westeurope',
    properties: {
      osType: 'Linux',
      containers: [
        { name: 'web', properties: { image: 'nginx', resources: { requests: { cpu: 1, memoryInGB: 1.5 } } } },
      ],
    },
  });

  it('accepts a minimal group', () => {
    expect(validator.validate(group, good(), 'request')).toEqual([]);
  });

  it('rejects an unknown property, naming its path and type', () => {
    const body = good() as Record<string, unknown> & ReturnType<typeof good>;
    (body.properties.containers[0]?.properties as Record<string, unknown>).imagePullPolicy = 'Always';
    expect(validator.validate(group, body, 'request')).toEqual([
      {
        kind: 'unknown',
        path: 'properties.containers[0].properties.imagePullPolicy',
        message: "could not find member 'imagePullPolicy' on object of type 'ContainerProperties'",
        definition: 'ContainerProperties',
      },
    ]);
  });

  it('rejects a missing required property, a wrong type and a bad enum', () => {
    const body = good() as unknown as {
      properties: Record<string, unknown> & { containers: { properties: Record<string, unknown> }[] };
    };
    delete body.properties.osType;
    (body.properties.containers[0] as { properties: Record<string, unknown> }).properties.resources = {
      requests: { cpu: '1', memoryInGB: 1 },
    };
    body.properties.restartPolicy = 'Sometimes';
    const found = validator.validate(group, body, 'request').map((v) => `${v.kind} ${v.path}`);
    expect(found.sort()).toEqual(
      [
        'enum properties.restartPolicy',
        'required properties.osType',
        'type properties.containers[0].properties.resources.requests.cpu',
      ].sort(),
    );
  });

  it('reads request enums case-insensitively, as ARM does, but not responses', () => {
    const body = good() as ReturnType<typeof good> & { properties: { restartPolicy?: string } };
    body.properties.restartPolicy = 'onfailure';
    expect(validator.validate(group, body, 'request')).toEqual([]);
    expect(validator.validate(group, body, 'response').map((v) => v.kind)).toEqual(['enum']);
  });

  it('spells enum values as the spec does, as ARM stores them', () => {
    const body = good() as ReturnType<typeof good> & { properties: Record<string, unknown> };
    body.properties.restartPolicy = 'onfailure';
    body.properties.ipAddress = { type: 'public', ports: [{ port: 80, protocol: 'tcp' }] };
    const fixed = validator.canonicalize(group, body) as { properties: Record<string, unknown> };
    expect(fixed.properties.restartPolicy).toBe('OnFailure');
    expect(fixed.properties.ipAddress).toEqual({ type: 'Public', ports: [{ port: 80, protocol: 'TCP' }] });
    expect(validator.validate(group, fixed, 'response')).toEqual([]);
  });

  it('rejects read-only properties in requests and secrets in responses', () => {
    const body = good() as ReturnType<typeof good> & { properties: Record<string, unknown> };
    body.properties.provisioningState = 'Succeeded';
    expect(validator.validate(group, body, 'request').map((v) => `${v.kind} ${v.path}`)).toEqual([
      'readOnly properties.provisioningState',
    ]);
    const response = good() as { properties: { containers: { properties: Record<string, unknown> }[] } };
    (
      response.properties.containers[0] as { properties: Record<string, unknown> }
    ).properties.environmentVariables = [{ name: 'A', secureValue: 'x' }];
    expect(validator.validate(group, response, 'response').map((v) => `${v.kind} ${v.path}`)).toEqual([
      'secret properties.containers[0].properties.environmentVariables[0].secureValue',
    ]);
  });

  it('checks formats: int32 and date-time', () => {
    const port = validator.validate(validator.schema('Port'), { port: 2 ** 40 }, 'request');
    expect(port.map((v) => v.kind)).toEqual(['format']);
    const state = validator.validate(validator.schema('Event'), { firstTimestamp: 'yesterday' }, 'response');
    expect(state.map((v) => v.kind)).toEqual(['format']);
  });

  it('treats null as a wrong type and tags as a map of strings', () => {
    const body = { ...good(), tags: { a: 'b', c: 3 } };
    expect(validator.validate(group, body, 'request').map((v) => `${v.kind} ${v.path}`)).toEqual([
      'type tags.c',
    ]);
    expect(validator.validate(group, { ...good(), zones: null }, 'request').map((v) => v.kind)).toEqual([
      'type',
    ]);
  });
});

describe('matchOperation', () => {
  it('finds operations by method and path, literal segments case-insensitively', () => {
    const m = matchOperation(
      CONTAINER_INSTANCE_SPEC,
      'POST',
      '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerInstance/containerGroups/web/restart',
    );
    expect(m?.operation.operationId).toBe('ContainerGroups_Restart');
    expect(m?.params).toEqual({ subscriptionId: 's', resourceGroupName: 'rg', containerGroupName: 'web' });
    expect(
      matchOperation(CONTAINER_INSTANCE_SPEC, 'GET', '/subscriptions/s/providers/Other/things'),
    ).toBeUndefined();
  });
});

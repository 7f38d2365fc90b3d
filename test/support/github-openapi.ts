// Checks a request to GitHub's REST API, and the answer a stand-in gives, against GitHub's own
// OpenAPI description (@octokit/openapi): the operation must exist, its path and query parameters
// and JSON body must match their schemas, and the response status and body must be documented.
import type { ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// Both are CommonJS: required, so their default exports are what they say.
const Ajv = (require('ajv') as typeof import('ajv')).default;
const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Json;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Json }> }>;
}

const spec = require('@octokit/openapi/generated/api.github.com.json') as {
  paths: Record<string, Record<string, Operation>>;
};

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, discriminator: true });
addFormats(ajv);
ajv.addSchema(spec as unknown as Json, 'gh');

const pointer = (parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function resolve<T>(value: T | { $ref: string }): T {
  let current: unknown = value;
  while (current && typeof current === 'object' && '$ref' in current) {
    const ref = (current as { $ref: string }).$ref;
    current = ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Json)[key], spec);
  }
  return current as T;
}

const compiled = new Map<string, ValidateFunction>();
function validator(path: string[]): ValidateFunction {
  const key = pointer(path);
  const known = compiled.get(key);
  if (known) return known;
  const fn = ajv.compile({ $ref: `gh#/${key}` });
  compiled.set(key, fn);
  return fn;
}

/** Templates in the spec, most literal first, as regular expressions. */
const routes = Object.keys(spec.paths)
  .map((template) => {
    const names: string[] = [];
    const source = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    return {
      template,
      names,
      regex: new RegExp(`^${source}$`),
      literal: template.replace(/\{[^}]+\}/g, '').length,
    };
  })
  .sort((a, b) => b.literal - a.literal);

export interface Matched {
  template: string;
  method: string;
  operation: Operation;
  params: Record<string, string>;
}

export function matchOperation(method: string, pathname: string): Matched | undefined {
  const m = method.toLowerCase();
  for (const route of routes) {
    const match = route.regex.exec(pathname);
    const operation = spec.paths[route.template]?.[m];
    if (!match || !operation) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? '')));
    return { template: route.template, method: m, operation, params };
  }
  return undefined;
}

const describe = (fn: ValidateFunction) =>
  (fn.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');

function coerce(value: string, schema: Json | undefined): unknown {
  if (schema?.type === 'integer' || schema?.type === 'number') return Number(value);
  if (schema?.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** Violations of the request (empty when GitHub would accept its shape). */
export function checkRequest(
  matched: Matched,
  query: URLSearchParams,
  body: unknown,
  contentType: string | undefined,
): string[] {
  const problems: string[] = [];
  const { operation, template, method } = matched;
  const where = `${method.toUpperCase()} ${template} (${operation.operationId})`;
  const parameters = (operation.parameters ?? []).map((p) => resolve<Parameter>(p));
  for (const p of parameters) {
    if (p.in === 'path') {
      const value = coerce(matched.params[p.name] ?? '', p.schema);
      const fn = ajv.compile(p.schema ?? {});
      if (!fn(value))
        problems.push(`${where}: path parameter ${p.name}=${matched.params[p.name]}: ${describe(fn)}`);
    }
    if (p.in === 'query') {
      const raw = query.get(p.name);
      if (raw === null) {
        if (p.required) problems.push(`${where}: missing required query parameter ${p.name}`);
        continue;
      }
      const fn = ajv.compile(p.schema ?? {});
      if (!fn(coerce(raw, p.schema))) problems.push(`${where}: query ${p.name}=${raw}: ${describe(fn)}`);
    }
  }
  const known = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of query.keys())
    if (!known.has(name)) problems.push(`${where}: unknown query parameter ${name}`);
  const requestBody = operation.requestBody && resolve(operation.requestBody);
  if (body === undefined || body === '') {
    if (requestBody?.required) problems.push(`${where}: missing request body`);
  } else if (!requestBody) {
    problems.push(`${where}: takes no request body, got ${JSON.stringify(body).slice(0, 100)}`);
  } else {
    if (!contentType?.startsWith('application/json'))
      problems.push(`${where}: body content-type ${contentType}`);
    const fn = validator(['paths', template, method, 'requestBody', 'content', 'application/json', 'schema']);
    if (!fn(body)) problems.push(`${where}: request body: ${describe(fn)}`);
  }
  return problems;
}

/** Violations of a canned response: its status must be documented, its JSON body must match. */
export function checkResponse(
  matched: Matched,
  status: number,
  body: unknown,
  accept: string | undefined,
): string[] {
  const { operation, template, method } = matched;
  const where = `${method.toUpperCase()} ${template} (${operation.operationId}) → ${status}`;
  const response = operation.responses[String(status)] ?? operation.responses.default;
  if (!response) return [`${where}: status not documented`];
  const resolved = resolve(response);
  if (!resolved.content) return body === undefined || body === '' ? [] : [`${where}: documents no body`];
  // A raw media type (e.g. a file's content with Accept: application/vnd.github.raw) is a string.
  if (/vnd\.github(\.v3)?\.raw/.test(accept ?? '') && typeof body === 'string') return [];
  const media =
    Object.keys(resolved.content).find((type) => type === 'application/json') ??
    Object.keys(resolved.content)[0];
  if (!media) return [];
  const base = response.$ref
    ? [
        ...response.$ref
          .replace(/^#\//, '')
          .split('/')
          .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')),
      ]
    : [
        'paths',
        template,
        method,
        'responses',
        String(status) in operation.responses ? String(status) : 'default',
      ];
  const fn = validator([...base, 'content', media, 'schema']);
  return fn(body) ? [] : [`${where}: response body: ${describe(fn)}`];
}

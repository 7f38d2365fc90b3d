/**
 * A small validator for the Swagger 2.0 (OpenAPI v2) subset that ARM specs use: `$ref` to
 * `#/definitions`, `allOf`, `required`, `type`, `format`, `enum`, `readOnly`, `x-ms-secret` and
 * `additionalProperties`. It is stricter than JSON Schema's defaults on purpose: a property the spec
 * does not declare is an error (ARM's deserializer rejects unknown members), a read-only property in
 * a request is an error, and a secret (`x-ms-secret`) in a response is an error (ARM never returns one).
 */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  readOnly?: boolean;
  'x-ms-secret'?: boolean;
  [extension: string]: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'header';
  required?: boolean;
  type?: string;
  format?: string;
  schema?: Schema;
  $ref?: string;
}

export interface OperationSpec {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, { schema?: Schema; description?: string }>;
  'x-ms-long-running-operation'?: boolean;
}

export interface SwaggerDocument {
  paths: Record<string, Record<string, OperationSpec | Parameter[]>>;
  definitions: Record<string, Schema>;
  parameters?: Record<string, Parameter>;
}

/**
 * Requests may not set read-only properties; responses may not carry secrets, except the
 * answers of POST actions, whose point is to hand one out (exec's password).
 */
export type Direction = 'request' | 'response' | 'action-response';

export type ViolationKind = 'unknown' | 'type' | 'required' | 'enum' | 'format' | 'readOnly' | 'secret';

export interface Violation {
  kind: ViolationKind;
  /** Where, as ARM names it: `properties.containers[0].properties.image`. */
  path: string;
  message: string;
  /** The definition that holds the offending property, e.g. `ContainerProperties`. */
  definition?: string;
}

/** A schema with its `$ref`s and `allOf`s folded into one set of properties. */
interface Flat {
  name?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties: Record<string, Schema>;
  required: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  readOnly: boolean;
  object: boolean;
  /** `{"type": "object"}` with no properties declared: any members (ARM's free-form settings). */
  freeForm: boolean;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export class SwaggerValidator {
  private readonly flat = new Map<Schema, Flat>();

  constructor(readonly document: SwaggerDocument) {}

  /** The schema of a definition, e.g. `schema('ContainerGroup')`. */
  schema(definition: string): Schema {
    const schema = this.document.definitions[definition];
    if (!schema) throw new Error(`swagger has no definition ${definition}`);
    return { $ref: `#/definitions/${definition}` };
  }

  /** A parameter with its `$ref` to the document's parameters resolved. */
  parameter(p: Parameter): Parameter {
    if (!p.$ref) return p;
    const name = p.$ref.replace('#/parameters/', '');
    const resolved = this.document.parameters?.[name];
    if (!resolved) throw new Error(`swagger has no parameter ${name}`);
    return resolved;
  }

  private resolve(schema: Schema): { schema: Schema; name?: string } {
    let current = schema;
    let name: string | undefined;
    for (let depth = 0; current.$ref; depth++) {
      if (depth > 32) throw new Error(`swagger $ref cycle at ${current.$ref}`);
      name = current.$ref.replace('#/definitions/', '');
      const next = this.document.definitions[name];
      if (!next) throw new Error(`swagger has no definition ${name}`);
      current = next;
    }
    return { schema: current, name };
  }

  private flatten(schema: Schema): Flat {
    const cached = this.flat.get(schema);
    if (cached) return cached;
    const { schema: s, name } = this.resolve(schema);
    const flat: Flat = {
      name,
      type: s.type,
      format: s.format,
      enum: s.enum,
      properties: { ...(s.properties ?? {}) },
      required: [...(s.required ?? [])],
      items: s.items,
      additionalProperties: s.additionalProperties,
      readOnly: Boolean(s.readOnly),
      object: s.type === 'object' || Boolean(s.properties) || Boolean(s.allOf),
      freeForm: s.type === 'object' && !s.properties && !s.allOf && s.additionalProperties === undefined,
    };
    for (const part of s.allOf ?? []) {
      const p = this.flatten(part);
      Object.assign(flat.properties, p.properties);
      flat.required.push(...p.required);
      flat.object ||= p.object;
      flat.additionalProperties ??= p.additionalProperties;
    }
    if (flat.object) flat.type ??= 'object';
    this.flat.set(schema, flat);
    return flat;
  }

  /** Every way `value` departs from `schema`; empty when it conforms. */
  validate(schema: Schema, value: unknown, direction: Direction, path = ''): Violation[] {
    const out: Violation[] = [];
    this.walk(schema, value, direction, path, out, undefined);
    return out;
  }

  private walk(
    schema: Schema,
    value: unknown,
    direction: Direction,
    path: string,
    out: Violation[],
    parent: string | undefined,
  ): void {
    const s = this.flatten(schema);
    const at = path || '(body)';
    const push = (kind: ViolationKind, message: string) =>
      out.push({ kind, path: at, message, definition: parent });
    if (value === null || value === undefined) {
      push('type', `'${at}' must be ${s.type ?? 'a value'}, not ${describe(value)}`);
      return;
    }
    switch (s.type) {
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          push('type', `'${at}' must be an object, not ${describe(value)}`);
          return;
        }
        const record = value as Record<string, unknown>;
        for (const key of s.required) {
          // Responses leave secrets out, required or not (a Log Analytics key, say).
          const secret = direction !== 'request' && s.properties[key]?.['x-ms-secret'];
          if (record[key] === undefined && !secret) {
            out.push({
              kind: 'required',
              path: join(path, key),
              message: `the required property '${join(path, key)}' is missing`,
              definition: s.name ?? parent,
            });
          }
        }
        for (const [key, child] of Object.entries(record)) {
          const childPath = join(path, key);
          const declared = s.properties[key];
          if (declared) {
            const resolved = this.flatten(declared);
            if (direction === 'request' && (declared.readOnly || resolved.readOnly)) {
              out.push({
                kind: 'readOnly',
                path: childPath,
                message: `'${childPath}' is read-only and cannot be set`,
                definition: s.name ?? parent,
              });
              continue;
            }
            if (direction === 'response' && declared['x-ms-secret']) {
              out.push({
                kind: 'secret',
                path: childPath,
                message: `'${childPath}' is a secret and must never be returned`,
                definition: s.name ?? parent,
              });
              continue;
            }
            this.walk(declared, child, direction, childPath, out, s.name ?? parent);
          } else if (typeof s.additionalProperties === 'object') {
            this.walk(s.additionalProperties, child, direction, childPath, out, s.name ?? parent);
          } else if (s.additionalProperties !== true && !s.freeForm) {
            out.push({
              kind: 'unknown',
              path: childPath,
              message: `could not find member '${key}' on object of type '${s.name ?? parent ?? 'object'}'`,
              definition: s.name ?? parent,
            });
          }
        }
        return;
      }
      case 'array':
        if (!Array.isArray(value)) {
          push('type', `'${at}' must be an array, not ${describe(value)}`);
          return;
        }
        value.forEach((item, i) => {
          if (s.items) this.walk(s.items, item, direction, `${path}[${i}]`, out, s.name ?? parent);
        });
        return;
      case 'string':
        if (typeof value !== 'string') {
          push('type', `'${at}' must be a string, not ${describe(value)}`);
          return;
        }
        if (s.format === 'date-time' && !DATE_TIME.test(value)) {
          push('format', `'${at}' must be an RFC 3339 date-time, got '${value}'`);
        }
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          push('type', `'${at}' must be an integer, not ${describe(value)} ${JSON.stringify(value)}`);
          return;
        }
        if (s.format === 'int32' && (value < INT32.min || value > INT32.max)) {
          push('format', `'${at}' must fit in 32 bits, got ${value}`);
        }
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          push('type', `'${at}' must be a number, not ${describe(value)}`);
          return;
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean') {
          push('type', `'${at}' must be a boolean, not ${describe(value)}`);
          return;
        }
        break;
      default:
        break;
    }
    if (s.enum && !this.inEnum(s.enum, value, direction)) {
      push(
        'enum',
        `'${at}' must be one of ${s.enum.map((e) => `'${String(e)}'`).join(', ')}, got '${String(value)}'`,
      );
    }
  }

  /**
   * A copy of a (valid) request body with every enum value in the spec's own spelling, as ARM
   * stores it: "tcp" becomes "TCP", "onfailure" "OnFailure".
   */
  canonicalize(schema: Schema, value: unknown): unknown {
    const s = this.flatten(schema);
    if (Array.isArray(value)) return value.map((v) => (s.items ? this.canonicalize(s.items, v) : v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const declared =
          s.properties[key] ??
          (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        out[key] = declared ? this.canonicalize(declared, child) : child;
      }
      return out;
    }
    if (typeof value === 'string' && s.enum) {
      return s.enum.find((e) => typeof e === 'string' && e.toLowerCase() === value.toLowerCase()) ?? value;
    }
    return value;
  }

  /** ARM reads enums case-insensitively ("Tcp" is TCP); what it sends back is exact. */
  private inEnum(values: unknown[], value: unknown, direction: Direction): boolean {
    if (direction === 'request' && typeof value === 'string') {
      return values.some((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase());
    }
    return values.includes(value);
  }

  /** A query or path parameter as received (a string), checked against its declared type. */
  validateParameter(p: Parameter, raw: string | undefined): Violation[] {
    const param = this.parameter(p);
    if (raw === undefined) {
      return param.required
        ? [
            {
              kind: 'required',
              path: param.name,
              message: `the required parameter '${param.name}' is missing`,
            },
          ]
        : [];
    }
    let ok = true;
    if (param.type === 'integer')
      ok = /^-?\d+$/.test(raw) && (param.format !== 'int32' || Math.abs(Number(raw)) < 2 ** 31);
    if (param.type === 'boolean') ok = /^(true|false)$/i.test(raw);
    if (param.type === 'number') ok = Number.isFinite(Number(raw));
    return ok
      ? []
      : [
          {
            kind: 'type',
            path: param.name,
            message: `the parameter '${param.name}' must be ${param.type}, got '${raw}'`,
          },
        ];
  }
}

/** The operation a spec declares for a method and concrete path, with the path's parameters. */
export interface MatchedOperation {
  template: string;
  method: string;
  operation: OperationSpec;
  params: Record<string, string>;
}

/**
 * Finds the operation for `method` and `path` (already split from its query). ARM matches the
 * literal segments case-insensitively (`resourcegroups` is `resourceGroups`).
 */
export function matchOperation(
  doc: SwaggerDocument,
  method: string,
  path: string,
): MatchedOperation | undefined {
  const segments = path.split('/').filter(Boolean);
  for (const [template, item] of Object.entries(doc.paths)) {
    const parts = template.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      const param = /^\{(.+)\}$/.exec(part);
      if (param?.[1]) {
        params[param[1]] = decodeURIComponent(segment);
        return segment.length > 0;
      }
      return part.toLowerCase() === segment.toLowerCase();
    });
    const operation = item[method.toLowerCase()] as OperationSpec | undefined;
    if (matches && operation) return { template, method: method.toUpperCase(), operation, params };
  }
  return undefined;
}

import document from './spec/containerInstance.2023-05-01.json' with { type: 'json' };
import { SwaggerValidator, type Schema, type SwaggerDocument } from './swagger.js';

/**
 * The Microsoft.ContainerInstance 2023-05-01 swagger, verbatim (spec/PROVENANCE.md), plus the one
 * shape ARM uses that the spec leaves out: the status of a long-running operation.
 */
const OPERATION_STATUS: Schema = {
  type: 'object',
  required: ['id', 'name', 'status'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['InProgress', 'Succeeded', 'Failed', 'Canceled'] },
    startTime: { type: 'string', format: 'date-time' },
    endTime: { type: 'string', format: 'date-time' },
    error: { $ref: '#/definitions/CloudErrorBody' },
  },
};

export const CONTAINER_INSTANCE_SPEC: SwaggerDocument = {
  ...(document as unknown as SwaggerDocument),
  definitions: {
    ...(document as unknown as SwaggerDocument).definitions,
    EmulatorOperationStatus: OPERATION_STATUS,
  },
};

export function containerInstanceValidator(): SwaggerValidator {
  return new SwaggerValidator(CONTAINER_INSTANCE_SPEC);
}

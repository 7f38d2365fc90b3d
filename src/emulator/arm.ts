/** ARM's error shape and the errors the emulator answers with, worded as ARM and ACI word them. */

export const PROVIDER = 'Microsoft.ContainerInstance';
export const GROUP_TYPE = `${PROVIDER}/containerGroups`;
export const API_VERSION = '2023-05-01';

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}

/** An answer in ARM's error shape, `{"error":{"code","message"}}`, with its HTTP status. */
export class ArmError extends Error {
  override name = 'ArmError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { headers?: Record<string, string>; target?: string; details?: ArmErrorBody[] } = {},
  ) {
    super(message);
  }

  body(): { error: ArmErrorBody } {
    const error: ArmErrorBody = { code: this.code, message: this.message };
    if (this.extra.target) error.target = this.extra.target;
    if (this.extra.details?.length) error.details = this.extra.details;
    return { error };
  }
}

export function groupNotFound(resourceGroup: string, name: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${GROUP_TYPE}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function transitioning(name: string): ArmError {
  return new ArmError(
    409,
    'ContainerGroupTransitioning',
    `The container group '${name}' is still transitioning, please retry later.`,
  );
}

export function missingApiVersion(): ArmError {
  return new ArmError(
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.',
  );
}

export function unsupportedApiVersion(version: string, location?: string): ArmError {
  return new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location ?? 'global'}' and API version '${version}' for type 'containerGroups'. The supported api-versions are '${API_VERSION}'.`,
  );
}

/** ARM's subscription token bucket ran dry. */
export function throttled(kind: string, subscription: string, retryAfterSeconds: number): ArmError {
  return new ArmError(
    429,
    'SubscriptionRequestsThrottled',
    `Number of '${kind}' requests for subscription '${subscription}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
    { headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

export function internalError(detail = 'Encountered an internal server error.'): ArmError {
  return new ArmError(500, 'InternalServerError', detail);
}

/** 401 answers, with the `WWW-Authenticate` header ARM sends. */
export function unauthorized(code: string, message: string, authority: string): ArmError {
  return new ArmError(401, code, message, {
    headers: {
      'WWW-Authenticate': `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    },
  });
}

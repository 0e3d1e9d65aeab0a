// openapi.ts: /app/api — an OpenAPI 3.0 document generated from the registered endpoints' schemas
// (as CCF's /app/api, which lists the app's endpoints with their auth policies).
import type { Endpoint } from './endpoint.js';
import { parametersOf } from './route-schema.js';

/** openApiPath turns a fastify path (`/x/:hash`) into OpenAPI syntax (`/x/{hash}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

function operationOf(endpoint: Endpoint): Record<string, unknown> {
  const schema = endpoint.schema;
  const success: Record<string, unknown> = { description: 'Success' };
  if (schema?.response !== undefined)
    success.content = { 'application/json': { schema: schema.response } };
  const operation: Record<string, unknown> = {
    operationId: `${endpoint.method}${endpoint.path}`.replace(/[^A-Za-z0-9]+/g, '_'),
    security: endpoint.auth === 'user_cert' ? [{ user_cert: [] }] : [],
    parameters: parametersOf(endpoint),
    responses: {
      '200': success,
      default: {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/CCFError' } } },
      },
    },
  };
  if (endpoint.summary !== undefined) operation.summary = endpoint.summary;
  if (schema?.body !== undefined) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: schema.body } },
    };
  }
  if (!endpoint.readonly) {
    operation['x-ccf-forwarding'] = 'always';
  }
  return operation;
}

/** openApiDocument describes `endpoints` (the app's, plus /app/receipt) as OpenAPI 3.0. */
export function openApiDocument(
  endpoints: readonly Endpoint[],
  info: { readonly title: string; readonly version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of endpoints) {
    const path = openApiPath(endpoint.path);
    paths[path] ??= {};
    paths[path][endpoint.method.toLowerCase()] = operationOf(endpoint);
  }
  return {
    openapi: '3.0.0',
    info: {
      title: info.title,
      version: info.version,
      description: 'Consort application endpoints',
    },
    servers: [],
    paths,
    components: {
      securitySchemes: {
        user_cert: {
          type: 'http',
          scheme: 'mutual',
          description: 'TLS client certificate listed in public:ccf.gov.users.certs',
        },
      },
      schemas: { CCFError: errorSchema },
    },
  };
}

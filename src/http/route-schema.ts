// route-schema.ts: the request schemas a registered endpoint is validated against — the app's own
// schema plus the framework's query parameters (`consistency` on reads, `wait_for_commit` on
// writes). Used for the fastify routes and for the OpenAPI document, so both always agree.
import type { Endpoint, JsonSchema } from './endpoint.js';

const consistencyParameter: JsonSchema = {
  type: 'string',
  enum: ['local', 'linearizable'],
  description:
    'local (default): this node\'s state, may be stale; ' +
    'linearizable: committed state, confirmed by the primary.',
};

const waitForCommitParameter: JsonSchema = {
  type: 'boolean',
  description: 'true: answer once the transaction is committed (or its fate is known).',
};

function objectProperties(schema: JsonSchema | undefined): Readonly<Record<string, JsonSchema>> {
  const properties = schema?.properties;
  return typeof properties === 'object' && properties !== null
    ? (properties as Record<string, JsonSchema>)
    : {};
}

/** querySchemaOf is the endpoint's querystring schema with the framework parameters added. */
export function querySchemaOf(endpoint: Endpoint): JsonSchema {
  const own = endpoint.schema?.querystring;
  const framework = endpoint.readonly
    ? { consistency: consistencyParameter }
    : { wait_for_commit: waitForCommitParameter };
  return {
    type: 'object',
    ...own,
    properties: { ...objectProperties(own), ...framework },
  };
}

/** parametersOf lists OpenAPI parameters for the path and query schemas of `endpoint`. */
export function parametersOf(endpoint: Endpoint): JsonSchema[] {
  const out: JsonSchema[] = [];
  const params = endpoint.schema?.params;
  // OpenAPI requires every path parameter to be `required: true`.
  for (const [name, schema] of Object.entries(objectProperties(params))) {
    out.push({ name, in: 'path', required: true, schema });
  }
  const query = querySchemaOf(endpoint);
  const requiredQuery = new Set<unknown>(Array.isArray(query.required) ? query.required : []);
  for (const [name, schema] of Object.entries(objectProperties(query))) {
    out.push({ name, in: 'query', required: requiredQuery.has(name), schema });
  }
  return out;
}

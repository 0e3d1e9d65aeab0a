// logging-app.ts: CCF's logging sample (samples/apps/logging): record and read messages by integer
// id in a public and a private map. Keys are the id in decimal (UTF-8), values the message (UTF-8).
import type { Endpoint, EndpointContext, EndpointResult, JsonSchema } from '../../http/endpoint.js';
import { HttpError } from '../../http/errors.js';
import { bytesToString, stringToBytes } from '../../kv/values.js';

/** publicRecordsMap and privateRecordsMap are the sample's maps (as CCF's). */
export const publicRecordsMap = 'public:records';
export const privateRecordsMap = 'records';

const idSchema: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

const writeBodySchema: JsonSchema = {
  type: 'object',
  required: ['id', 'msg'],
  additionalProperties: false,
  properties: { id: idSchema, msg: { type: 'string' } },
};

const readQuerySchema: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: idSchema },
};

const readResponseSchema: JsonSchema = {
  type: 'object',
  required: ['msg'],
  properties: { msg: { type: 'string' } },
};

/** idKey is the key of record `id`: its decimal text in UTF-8 (ASCII digits, one byte each). */
function idKey(id: number): Uint8Array {
  const text = String(id);
  const key = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) key[i] = text.charCodeAt(i);
  return key;
}

function record(mapName: string) {
  return (ctx: EndpointContext): EndpointResult => {
    const { id, msg } = ctx.body as { readonly id: number; readonly msg: string };
    // As CCF's sample: an empty message is refused (nothing is written).
    if (msg.length === 0)
      throw new HttpError('InvalidInput', 'Cannot record an empty log message.');
    ctx.tx.map(mapName).set(idKey(id), stringToBytes(msg));
    return { body: true };
  };
}

function read(mapName: string) {
  return (ctx: EndpointContext): EndpointResult => {
    const id = ctx.query.id as number;
    const value = ctx.tx.map(mapName).get(idKey(id));
    if (value === undefined) throw new HttpError('ResourceNotFound', `No such record: ${id}.`);
    return { body: { msg: bytesToString(value) } };
  };
}

function endpointsFor(scope: 'public' | 'private', mapName: string): Endpoint[] {
  const path = `/app/log/${scope}`;
  return [
    {
      method: 'POST',
      path,
      auth: 'user_cert',
      readonly: false,
      summary: `Record a ${scope} message under an integer id (overwrites).`,
      schema: { body: writeBodySchema, response: { type: 'boolean' } },
      handler: record(mapName),
    },
    {
      method: 'GET',
      path,
      auth: 'user_cert',
      readonly: true,
      summary: `Read the ${scope} message recorded under an id.`,
      schema: { querystring: readQuerySchema, response: readResponseSchema },
      handler: read(mapName),
    },
  ];
}

/** loggingEndpoints returns the logging app's endpoints, to register in an EndpointRegistry. */
export function loggingEndpoints(): readonly Endpoint[] {
  return [
    ...endpointsFor('public', publicRecordsMap),
    ...endpointsFor('private', privateRecordsMap),
  ];
}

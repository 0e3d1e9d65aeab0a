// Node identities for the simulator: the process-wide test service (test/support/identities.ts,
// async: real X.509 certificates endorsed by a service key) loaded ONCE before any synchronous run,
// and signers whose output has a fixed length. ECDSA signatures from node:crypto are randomized and
// their DER encoding is 70-72 bytes long; a varying length would change entry sizes, hence the
// consensus core's byte-based flow control, hence the event trace. `fixedLengthSigner` re-signs
// until the DER is exactly SIGNATURE_DER_BYTES long (rejection sampling of a genuine signature, no
// hand-written cryptography), so sizes, and therefore every simulator decision, depend only on the
// seed, never on signature bytes.
import { assert } from '../../src/ds/assert.js';
import type { NodeSigner } from '../../src/ledger/ledger-state.js';
import { type TestNodeIdentity, type TestService, testService } from '../support/identities.js';

/** SIGNATURE_DER_BYTES: r and s with one 33-byte integer (about half of all signatures). */
export const SIGNATURE_DER_BYTES = 71;
const SIGN_ATTEMPTS_MAX = 200;

let loaded: TestService | null = null;

/** prepareSimIdentities loads the test service; await it once before running seeds. */
export async function prepareSimIdentities(): Promise<TestService> {
  loaded ??= await testService();
  return loaded;
}

/** simService returns the loaded service; throws if `prepareSimIdentities` was not awaited. */
export function simService(): TestService {
  assert(loaded !== null, 'await prepareSimIdentities() before running the simulator');
  return loaded;
}

/** identityAt returns the identity of simulated node `n<index>` (a pool of at least 12). */
export function identityAt(index: number): TestNodeIdentity {
  const identity = simService().nodes[index];
  assert(identity !== undefined, `no test identity for node index ${index}`);
  return identity;
}

/** fixedLengthSigner wraps `signer` so every signature is SIGNATURE_DER_BYTES long. */
export function fixedLengthSigner(signer: NodeSigner): NodeSigner {
  return {
    nodeId: signer.nodeId,
    sign(preimage: Uint8Array): Uint8Array {
      for (let i = 0; i < SIGN_ATTEMPTS_MAX; i++) {
        const signature = signer.sign(preimage);
        if (signature.length === SIGNATURE_DER_BYTES) return signature;
      }
      assert(false, 'no fixed-length ECDSA signature in 200 attempts');
    },
  };
}

// auth.ts: per-endpoint authentication policies (CCF's `user_cert` and `no_auth`; member policies
// come with governance). CCF answers EVERY authentication failure with 401
// InvalidAuthenticationInfo (src/endpoints/authentication/authentication_types.cpp,
// set_unauthenticated_error) and lists the per-policy reason in `details`; we do the same, for a
// missing and for an unknown certificate.
import { HttpError } from './errors.js';
import { userIdOfCertDer } from './users.js';

/** AuthPolicy names how an endpoint authenticates its caller. */
export type AuthPolicy = 'user_cert' | 'no_auth';

/** Caller is the authenticated identity handed to handlers (`ctx.caller`). */
export type Caller =
  | { readonly policy: 'user_cert'; readonly userId: string }
  | { readonly policy: 'no_auth' };

function unauthenticated(policy: AuthPolicy, reason: string): HttpError {
  return new HttpError('InvalidAuthenticationInfo', 'Invalid authentication credentials.', {
    details: [{ auth_policy: policy, code: 'InvalidAuthenticationInfo', message: reason }],
  });
}

/**
 * authenticate applies `policy` to the caller's client certificate (DER, or null when none was
 * presented) and returns the caller. `isUser` looks an id up in the users table. Throws HttpError
 * (401 InvalidAuthenticationInfo) when the policy rejects the caller.
 */
export function authenticate(
  policy: AuthPolicy,
  certDer: Uint8Array | null,
  isUser: (userId: string) => boolean,
): Caller {
  switch (policy) {
    case 'no_auth':
      return { policy };
    case 'user_cert': {
      if (certDer === null) throw unauthenticated(policy, 'No caller user certificate');
      const userId = userIdOfCertDer(certDer);
      if (!isUser(userId))
        throw unauthenticated(policy, 'Could not find matching user certificate');
      return { policy, userId };
    }
    default: {
      const never: never = policy;
      throw new Error(`unknown auth policy ${String(never)}`);
    }
  }
}

// Operator-mode NATS credentials for tests: an operator, one account and one user, signed as nats-server expects (JWT v2).
import { randomBytes } from "node:crypto";
import { nkeys } from "@nats-io/transport-node";

type KeyPair = ReturnType<typeof nkeys.createUser>;

const b64url = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");

function jwt(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" }));
  const claims = { jti: randomBytes(16).toString("hex").toUpperCase(), iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } };
  const body = `${header}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(issuer.sign(new TextEncoder().encode(body)))}`;
}

export interface NatsCreds {
  /** nats-server configuration (operator mode, accounts preloaded in memory). */
  serverConfig: string;
  /** A user's credentials file, as `nsc` writes it. */
  creds: string;
}

export function natsCreds(): NatsCreds {
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  // JetStream (which the kit's nats-server runs) needs a system account in operator mode.
  const system = nkeys.createAccount();
  const unlimited = { subs: -1, data: -1, payload: -1 };
  const operatorJwt = jwt(operator, operator.getPublicKey(), "test-operator", { type: "operator" });
  const accountJwt = jwt(operator, account.getPublicKey(), "test-account", {
    type: "account",
    limits: { ...unlimited, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
    default_permissions: { pub: {}, sub: {} },
  });
  const systemJwt = jwt(operator, system.getPublicKey(), "SYS", { type: "account", limits: { ...unlimited, conn: -1 } });
  const userJwt = jwt(account, user.getPublicKey(), "test-user", { type: "user", pub: {}, sub: {}, ...unlimited });
  const seed = new TextDecoder().decode(user.getSeed());
  return {
    serverConfig:
      `operator: ${operatorJwt}\nsystem_account: ${system.getPublicKey()}\nresolver: MEMORY\n` +
      `resolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n  ${system.getPublicKey()}: ${systemJwt}\n}\n`,
    creds: `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`,
  };
}

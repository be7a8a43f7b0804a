/**
 * Test certificates, kept as fixtures in `../fixtures` (valid for 100 years).
 * Regenerate with:
 *
 *   openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 36500 -subj "/CN=Sluice Test CA"
 *   openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
 *   openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 36500 \
 *     -extfile <(printf "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth")
 *   (client.crt likewise with CN=sluice-client and extendedKeyUsage=clientAuth; rogue.crt self-signed)
 */
import { readFileSync } from 'node:fs';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

export const ca = fixture('ca.crt');
export const server = { key: fixture('server.key'), cert: fixture('server.crt') };
export const client = { key: fixture('client.key'), cert: fixture('client.crt') };
export const rogue = { key: fixture('rogue.key'), cert: fixture('rogue.crt') };

/** TLS material from the options: PEM text given inline, or a file resolved against the configuration's directory. */
import fs from "node:fs/promises";
import path from "node:path";
import tls from "node:tls";
import { ConfigurationError } from "@logshipper/core/sdk";
import { ERROR_CODES } from "./error-codes.js";

export interface PemOptions {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

/** Inline PEM when the value holds a PEM block, else a path (relative paths resolve against `baseDir`). */
async function read(value: string, option: string, baseDir: string): Promise<string> {
  if (value.includes("-----BEGIN")) return value;
  const file = path.resolve(baseDir, value);
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    throw new ConfigurationError(`tls.${option}: cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
      code: ERROR_CODES.SYSLOG_TLS_FILE,
    });
  }
}

/**
 * The configured CA bundle, certificate and key, checked by building a secure context from them. Without `ca`,
 * Node's bundled CAs verify the peer. Unreadable files and PEM that OpenSSL refuses are configuration errors
 * (`ERROR_CODES.SYSLOG_TLS_FILE`); messages name the option and the file, never the key's content.
 */
export async function tlsMaterial(options: PemOptions, baseDir: string): Promise<tls.SecureContextOptions> {
  const material: tls.SecureContextOptions = {};
  if (options.ca !== undefined) material.ca = await read(options.ca, "ca", baseDir);
  if (options.cert !== undefined) material.cert = await read(options.cert, "cert", baseDir);
  if (options.key !== undefined) material.key = await read(options.key, "key", baseDir);
  try {
    tls.createSecureContext(material);
    return material;
  } catch (error) {
    const reason = (error as Error).message.replace(/-----BEGIN[\s\S]*?-----END[^-]*-----/g, "<pem>");
    throw new ConfigurationError(`tls: the CA bundle, certificate or key is not usable: ${reason}`, {
      cause: error,
      code: ERROR_CODES.SYSLOG_TLS_FILE,
    });
  }
}

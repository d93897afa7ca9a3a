import { FIRST_ADMIN_USERNAME, type AdminBootstrapResult } from './modules/auth/bootstrap.js';

/** What the start-up banner tells the person who started the server. */
export interface BannerFacts {
  /** Package version. */
  readonly version: string;
  /** The address the server is bound to (HOST). */
  readonly host: string;
  /** The port it really listens on (PORT=0 picks one). */
  readonly port: number;
  /** DATA_DIR, absolute. */
  readonly dataDir: string;
  /** The SQLite database file, when the database is SQLite. */
  readonly databasePath?: string;
  /** What first-run admin creation did on this start. */
  readonly admin: AdminBootstrapResult;
  /** The first-run password file, when it still exists from an earlier start (not yet changed). */
  readonly pendingPasswordFile?: string;
  /** The loaded model's name, when one is loaded. */
  readonly modelName?: string;
  /** Why the configured model could not be loaded. */
  readonly modelError?: string;
}

/** How a person gets a model, online or not (commands as they can be run from the checkout). */
export const MODEL_HOWTO = [
  'npx privatestack models catalog            recommended models, their size and RAM needs',
  'npx privatestack models pull <id>          download one; a server without a model loads it',
  'npx privatestack models add <file.gguf>    no internet: a .gguf file copied onto this server',
  'MODEL_PATH=/path/to/model.gguf npm start   or use a file where it is',
];

/** The URL a browser on this machine opens; an any-address bind is reached as localhost. */
export function serverUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}/`;
}

/**
 * The few lines a person reads first after `npm start`: where to open it, where the data lives, how
 * to sign in the first time, whether there is a model (and how to get one), and where the API docs
 * are. Plain text for stdout, not a log line: it reads the same with JSON or pretty logs.
 */
export function startupBanner(facts: BannerFacts): string {
  const url = serverUrl(facts.host, facts.port);
  const everyAddress = url.includes('//localhost:') && facts.host !== 'localhost';
  const lines = [
    `PrivateStack ${facts.version} is running at ${url}`,
    ...(everyAddress
      ? [`  (listening on every address, ${facts.host}: other machines use this server's name or IP)`]
      : []),
    `  Data      ${facts.dataDir}${facts.databasePath ? ` (database ${facts.databasePath})` : ''}`,
    ...adminLines(facts),
    ...modelLines(facts),
    `  API docs  ${url}docs`,
  ];
  return `\n${lines.map((line) => `  ${line}`).join('\n')}\n\n`;
}

function adminLines(facts: BannerFacts): string[] {
  const user = `user "${FIRST_ADMIN_USERNAME}"`;
  if (facts.admin.created && facts.admin.passwordFile)
    return [
      `  Sign in   ${user} with the temporary password printed above, also saved in ${facts.admin.passwordFile}`,
      '            (you choose a new one at first sign-in; the file is deleted then)',
    ];
  if (facts.admin.created) return [`  Sign in   ${user} with the ADMIN_PASSWORD you set`];
  if (facts.pendingPasswordFile)
    return [
      `  Sign in   ${user}: the first-run password is in ${facts.pendingPasswordFile} until you change it`,
    ];
  return [];
}

function modelLines(facts: BannerFacts): string[] {
  if (facts.modelName) return [`  Model     ${facts.modelName} (loaded)`];
  const why = facts.modelError ? `not loaded: ${facts.modelError}` : 'none yet (chat needs one). To get one:';
  return [`  Model     ${why}`, ...MODEL_HOWTO.map((step) => `              ${step}`)];
}

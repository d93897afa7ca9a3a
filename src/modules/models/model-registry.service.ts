import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError, errors } from '../../shared/errors.js';
import type { LocalEngine } from '../../providers/llm/local/local-engine.js';
import { mayAlways, type Policy } from '../access/policy.js';
import type { Principal } from '../auth/auth.service.js';
import { notAGguf, startsWithGgufMagic } from './download-body-checks.js';
import type { ModelCatalog } from './model-catalog.js';
import { checkGgufComplete } from './gguf-completeness.js';
import { findCatalogLookalike, inspectLocalModel, lookalikeMessage } from './local-model-file.js';
import { resolveImportPath } from './model-import-path.js';
import {
  CONFIGURED_MODEL_ID,
  configuredModelName,
  configuredModelRow,
  sameFile,
} from './configured-model.js';
import type { ModelRepository, ModelRow } from './model.repository.js';

/** What presenting a model needs to know about the running server. */
interface ModelContext {
  /** The file the engine holds, when one is loaded. */
  readonly loadedPath: string | undefined;
  /** MODEL_PATH, when set. */
  readonly configuredPath: string | undefined;
}

/** A registered model as the API shows it. */
export function presentModel(row: ModelRow, context: ModelContext) {
  const configured = context.configuredPath !== undefined && sameFile(row.file_path, context.configuredPath);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    file_path: row.file_path,
    source_url: row.source_url,
    sha256: row.sha256,
    size_bytes: row.size_bytes === null ? null : Number(row.size_bytes),
    // MODEL_PATH wins at start: while it is set, its file is the one that loads at start.
    is_active: context.configuredPath === undefined ? row.is_active === 1 : configured,
    loaded: context.loadedPath !== undefined && sameFile(row.file_path, context.loadedPath),
    present: existsSync(row.file_path),
    source: configured ? ('config' as const) : ('registry' as const),
    created_at: row.created_at,
  };
}

/** A registry name from a file name: the rules of POST /models (letters, digits, . _ : -). */
function nameFromFile(filePath: string): string {
  return (
    path
      .basename(filePath)
      .replace(/\.gguf$/i, '')
      .replace(/[^A-Za-z0-9._:-]+/g, '-') || 'model'
  );
}

/**
 * The model registry: which GGUF files exist, which one is active, and switching without a restart.
 * The file MODEL_PATH names is part of it (source `config`): listed, loadable, never removable here.
 * Methods acting for a caller check the permission table first; register, startupModel and
 * hasActive serve the runtime itself (a finished pull, the start-up) and have no caller.
 */
export function createModelRegistry(dependencies: {
  models: ModelRepository;
  engine: LocalEngine;
  policy: Pick<Policy, 'authorize'>;
  modelsDir: string;
  /** Directories besides modelsDir whose files the API may register (MODEL_IMPORT_DIRS). */
  importDirs?: readonly string[];
  /** The GGUF file MODEL_PATH names, loaded at every start. */
  configuredPath?: string;
  /** The catalogue `pull` knows (built-in plus MODEL_CATALOG_FILE, under MODEL_HUB_URL). */
  catalog: ModelCatalog;
  clock: () => Date;
}) {
  const { models, engine, policy, modelsDir, clock, configuredPath, catalog } = dependencies;
  const importRoots = [modelsDir, ...(dependencies.importDirs ?? [])];
  const present = (row: ModelRow) =>
    presentModel(row, { loadedPath: engine.status().model?.filePath, configuredPath });
  const isConfigured = (row: ModelRow) =>
    configuredPath !== undefined && sameFile(row.file_path, configuredPath);

  /** The registered rows, with MODEL_PATH's file first when no row holds it already (never twice). */
  const allRows = async () => {
    const rows = await models.list();
    if (!configuredPath || rows.some(isConfigured)) return rows;
    return [configuredModelRow(configuredPath), ...rows];
  };

  /** A model by id or name; `config` (or MODEL_PATH's file name) finds the configured file. */
  const requireModel = async (idOrName: string) => {
    const row = await models.find(idOrName);
    if (row) return row;
    if (configuredPath) {
      const configured = (await allRows()).find(isConfigured);
      const names = [CONFIGURED_MODEL_ID, configuredModelName(configuredPath)];
      if (configured && names.includes(idOrName)) return configured;
    }
    throw errors.notFound(`Model "${idOrName}"`);
  };

  /** Registers a file the caller trusts (a finished pull, or the operator's CLI). */
  const register = async (input: {
    name: string;
    filePath: string;
    sourceUrl?: string;
    sha256?: string;
    kind?: 'chat' | 'embedding';
  }) => {
    // The id of the model MODEL_PATH names is also found by name: a model called so would hide it.
    if (input.name.toLowerCase() === CONFIGURED_MODEL_ID)
      throw errors.validation(`"${CONFIGURED_MODEL_ID}" is reserved for the model MODEL_PATH names`, 'name');
    const filePath = path.resolve(input.filePath);
    if (!existsSync(filePath)) throw errors.validation(`No file at ${filePath}`, 'file_path');
    const row = await models.upsert({
      id: crypto.randomUUID(),
      name: input.name,
      file_path: filePath,
      source_url: input.sourceUrl ?? null,
      sha256: input.sha256 ?? null,
      size_bytes: statSync(filePath).size,
      kind: input.kind ?? 'chat',
      is_active: 0,
      created_at: clock().toISOString(),
    });
    return present(row);
  };

  /** Loads a registered chat model into the engine and makes it active; the old one stays if loading fails. */
  const activate = async (principal: Principal, idOrName: string) => {
    await policy.authorize(principal, 'model.load');
    const row = await requireModel(idOrName);
    if (row.kind !== 'chat') throw errors.validation('Only chat models can be activated here', 'id');
    if (!existsSync(row.file_path)) throw new AppError('NOT_FOUND', `Model file ${row.file_path} is missing`);
    // A registered path may since have been replaced by something else: never hand llama.cpp a non-GGUF.
    if (!(await startsWithGgufMagic(row.file_path))) throw notAGguf();
    await engine.load(row.file_path, row.name).catch((error: unknown) => {
      // llama.cpp's message can quote bytes of the file; the client gets none of them.
      throw new AppError('MODEL_ERROR', `Model ${row.name} could not be loaded`, {
        status: error instanceof AppError ? error.status : 500,
        cause: error,
      });
    });
    // MODEL_PATH's own entry has no row to mark; it loads at every start anyway.
    if (row.id === CONFIGURED_MODEL_ID) return present(row);
    await models.activate(row.id);
    return present((await models.find(row.id))!);
  };

  // One adoption at a time: a slow load must not be started again by the next tick.
  let adopting = false;
  let failedAttempt: string | undefined;

  return {
    /**
     * Every registered model, marking the active and the loaded one. Server file paths and download
     * sources (internal hosts, signed URLs) only for those with `model.source-url.read`.
     */
    list: async (principal: Principal) => {
      await policy.authorize(principal, 'model.list');
      const full = mayAlways(principal, 'model.source-url.read');
      return (await allRows()).map((row) => {
        const model = present(row);
        return full ? model : { ...model, file_path: '', source_url: null };
      });
    },

    /** The models `pull` knows by name. */
    catalog: async (principal: Principal) => {
      await policy.authorize(principal, 'model.catalog.read');
      return catalog.list();
    },

    /** Registers a file the caller trusts (a finished pull, or the operator's CLI). */
    register,

    /**
     * Registers an existing GGUF named through the API: only a regular file whose real path lies in
     * MODELS_DIR or MODEL_IMPORT_DIRS, holding a whole GGUF (no copy cut short); its real path is
     * what is stored.
     */
    importFile: async (
      principal: Principal,
      input: { name: string; filePath: string; kind?: 'chat' | 'embedding' },
    ) => {
      await policy.authorize(principal, 'model.register');
      const realPath = await resolveImportPath(input.filePath, importRoots);
      if (!(await startsWithGgufMagic(realPath))) throw notAGguf();
      // The error names the path the caller sent, never the server's resolved one.
      await checkGgufComplete(realPath, input.filePath);
      return register({ ...input, filePath: realPath });
    },

    /** Loads a registered chat model into the engine and makes it active; the old one stays if loading fails. */
    activate,

    /** Loads a newly installed chat model when the engine has none (a fresh install's first model). */
    loadIfNoneLoaded: async (principal: Principal, idOrName: string) => {
      if (engine.status().loaded) return false;
      await activate(principal, idOrName);
      return true;
    },

    /**
     * Loads the registry's active chat model when the engine has none: the running server's side of
     * `models add`/`pull`/`use` on the command line, which mark a model active in the shared database.
     */
    loadActiveIfIdle: async () => {
      if (engine.status().loaded || adopting) return undefined;
      const active = await models.findActive();
      const attempt = active && `${active.id}|${active.file_path}|${active.size_bytes}`;
      if (!active || attempt === failedAttempt || !existsSync(active.file_path)) return undefined;
      adopting = true;
      try {
        if (!(await startsWithGgufMagic(active.file_path))) throw notAGguf();
        await engine.load(active.file_path, active.name);
        return active.name;
      } catch (error) {
        // Tried once per registration: a broken file is reported, not reloaded every tick.
        failedAttempt = attempt;
        throw error;
      } finally {
        adopting = false;
      }
    },

    /**
     * Registers a GGUF already on this machine (the operator's offline install, any path): checked,
     * hashed, named after its catalogue entry when the hash matches one, made active when no chat
     * model is; refused when it has a pinned catalogue file's name and size but not its hash (a damaged
     * copy) and no --name. Returns the model, the catalogue entry it matched, and a warning when it
     * resembles a catalogue file it is not.
     */
    addLocalFile: async (
      principal: Principal,
      input: { filePath: string; name?: string; kind?: 'chat' | 'embedding' },
    ) => {
      await policy.authorize(principal, 'model.register');
      const file = await inspectLocalModel(input.filePath);
      const entry = catalog.list().find((candidate) => candidate.sha256 === file.sha256);
      const lookalike = entry
        ? undefined
        : findCatalogLookalike(catalog.list(), file, path.basename(input.filePath));
      const warning = lookalike && lookalikeMessage(lookalike, file);
      // Same name and size as a pinned release but other bytes: a damaged copy, unless the operator
      // names it themselves (then it is knowingly another file).
      if (lookalike?.sameName && lookalike.sameSize && input.name === undefined)
        throw new AppError(
          'INTEGRITY_ERROR',
          `${input.filePath}: ${warning}. Copy it again (or run \`npx privatestack models pull ${lookalike.entry.name}\`); ` +
            'to register this file anyway, give it a name of its own with --name',
          { status: 422 },
        );
      const name = input.name ?? entry?.name ?? nameFromFile(file.filePath);
      const kind = input.kind ?? entry?.kind ?? 'chat';
      await register({ name, filePath: file.filePath, sha256: file.sha256, kind });
      const activated = kind === 'chat' && (await models.findActive()) === undefined;
      if (activated) await models.activate((await requireModel(name)).id);
      return { model: present(await requireModel(name)), entry, activated, warning };
    },

    /** Marks a model active without loading it (the CLI, while the server is stopped); used at next start. */
    setActive: async (principal: Principal, idOrName: string) => {
      await policy.authorize(principal, 'model.load');
      const row = await requireModel(idOrName);
      if (row.kind !== 'chat') throw errors.validation('Only chat models can be activated', 'id');
      if (row.id === CONFIGURED_MODEL_ID) return present(row);
      await models.activate(row.id);
      return present((await models.find(row.id))!);
    },

    /** Whether a chat model is marked active. */
    hasActive: async () => (await models.findActive()) !== undefined,

    /**
     * Unregisters a model and deletes its file when it lives in MODELS_DIR. Neither the loaded model
     * nor the file MODEL_PATH names (the server would fail to load it at the next start) can go.
     */
    remove: async (principal: Principal, idOrName: string) => {
      await policy.authorize(principal, 'model.delete');
      const row = await requireModel(idOrName);
      if (isConfigured(row))
        throw errors.conflict(
          `${row.name} is the model MODEL_PATH names; point MODEL_PATH elsewhere (or unset it) and restart before removing it`,
        );
      if (present(row).loaded) throw errors.conflict('Activate another model before removing the loaded one');
      await models.delete(row.id);
      const inside = path.resolve(row.file_path).startsWith(path.resolve(modelsDir) + path.sep);
      if (inside) rmSync(row.file_path, { force: true });
      return { deleted_file: inside };
    },

    /** The model to load at start: MODEL_PATH when set, else the registry's active model. */
    startupModel: async (configuredPath: string | undefined) => {
      if (configuredPath) return { filePath: configuredPath, name: configuredModelName(configuredPath) };
      const active = await models.findActive();
      return active && existsSync(active.file_path)
        ? { filePath: active.file_path, name: active.name }
        : undefined;
    },
  };
}

/** The model registry's shape. */
export type ModelRegistry = ReturnType<typeof createModelRegistry>;

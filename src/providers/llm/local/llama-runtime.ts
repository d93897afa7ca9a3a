import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';

let runtime: Promise<Llama> | undefined;

/**
 * The process-wide llama.cpp binding. CPU only and never built or downloaded at run time:
 * the prebuilt binaries ship in the npm package, and the machine may have no internet.
 */
export function llamaRuntime(): Promise<Llama> {
  runtime ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  return runtime;
}

#!/usr/bin/env bash
# Builds llama.cpp's own benchmark tools from the exact source node-llama-cpp ships
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), for in-run reference numbers.
# About 6 minutes on 2 cores. Output: bench/.llama/build/bin/{llama-batched-bench,llama-bench}
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=node_modules/node-llama-cpp/llama/gitRelease.bundle
target=bench/.llama
[ -d "$target/.git" ] || git clone --quiet "$bundle" "$target"
cmake -S "$target" -B "$target/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF > /dev/null
cmake --build "$target/build" --target llama-batched-bench llama-bench -j "$(nproc)" > /dev/null
echo "$target/build/bin/llama-batched-bench"
